import DAESolver
import Foundation
import Impedance
import Parameters
import Simulator

/// Minimal SVG line plots: any number of labelled curves on linear axes, each curve drawn as one
/// or more polylines (a new polyline wherever the data break, e.g. between protocol steps).
public enum SVGPlot {
    public struct Curve: Sendable {
        public var label: String?
        /// Polylines of (x, y) points; non-finite points are dropped.
        public var segments: [[(x: Double, y: Double)]]
        public var colour: String
        /// Draw only a dot at every point, no line.
        public var dotsOnly: Bool

        public init(label: String?, segments: [[(x: Double, y: Double)]], colour: String = SVGPlot.palette[0],
                    dotsOnly: Bool = false) {
            self.label = label
            self.segments = segments
            self.colour = colour
            self.dotsOnly = dotsOnly
        }
    }

    /// Colours for successive curves (matplotlib's "tab10").
    public static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                                 "#7f7f7f", "#bcbd22", "#17becf"]

    /// A plot of the curves with the given axis titles: axes with rounded tick values ("nice"
    /// steps of 1, 2 or 5 × 10ⁿ) and grid lines, the axis ranges widened to whole ticks; a legend
    /// lists the labelled curves. `markers` also draws a dot at every point (for sparse data such
    /// as one value per cycle). `equalScale` gives both axes the same units per pixel (the axis
    /// that needs fewer is extended upwards from its lower end; a Nyquist plot's arcs are then
    /// round); `yFromZero` makes the y axis include 0. `note`, when given, is written under the
    /// plot's title line (e.g. what was left out).
    /// The longest legend label shown in full, in characters.
    static let legendCharacters = 70

    public static func plot(_ curves: [Curve], xTitle: String, yTitle: String, markers: Bool = false,
                            equalScale: Bool = false, yFromZero: Bool = false, note: String? = nil) -> String {
        // Labelled curves get a legend column to the right of the axes, as wide as its longest label
        // (about 7 px a character at 12 px; labels longer than `legendCharacters` are shortened,
        // the whole label kept as the entry's tooltip).
        let labels = curves.compactMap(\.label)
        let legendWidth = labels.isEmpty ? 0 : 50 + 7 * Double(min(labels.map(\.count).max() ?? 0, Self.legendCharacters))
        let width = 640.0 + legendWidth, height = 420.0, margin = 60.0
        let right = width - legendWidth - margin / 2   // right end of the x axis
        let points = curves.flatMap { $0.segments.flatMap { $0 } }.filter { $0.x.isFinite && $0.y.isFinite }
        guard var xMin = points.map(\.x).min(), var xMax = points.map(\.x).max(),
              var yMin = points.map(\.y).min(), var yMax = points.map(\.y).max() else {
            return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\"/>\n"
        }
        if yFromZero { (yMin, yMax) = (min(yMin, 0), max(yMax, 0)) }
        let xTicks = ticks(xMin, xMax), yTicks = ticks(yMin, yMax)
        (xMin, xMax) = (xTicks.low, xTicks.high)
        (yMin, yMax) = (yTicks.low, yTicks.high)
        var xSpan = max(xMax - xMin, 1e-12), ySpan = max(yMax - yMin, 1e-6)
        if equalScale {
            let scale = max(xSpan / (right - margin), ySpan / (height - 1.5 * margin))
            (xSpan, ySpan) = (scale * (right - margin), scale * (height - 1.5 * margin))
            (xMax, yMax) = (xMin + xSpan, yMin + ySpan)
        }
        func px(_ x: Double) -> String { twoDecimals(margin + (x - xMin) / xSpan * (right - margin)) }
        func py(_ y: Double) -> String { twoDecimals(height - margin - (y - yMin) / ySpan * (height - 1.5 * margin)) }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        // Grid lines and tick labels at the rounded tick values.
        let xValues = tickValues(xTicks, upTo: xMax), yValues = tickValues(yTicks, upTo: yMax)
        for value in xValues {
            svg += "<line x1=\"\(px(value))\" y1=\"\(margin / 2)\" x2=\"\(px(value))\" y2=\"\(height - margin)\" stroke=\"#dddddd\"/>\n"
            svg += "<text x=\"\(px(value))\" y=\"\(height - margin + 16)\" text-anchor=\"middle\">\(label(value, step: xTicks.step))</text>\n"
        }
        for value in yValues {
            svg += "<line x1=\"\(margin)\" y1=\"\(py(value))\" x2=\"\(right)\" y2=\"\(py(value))\" stroke=\"#dddddd\"/>\n"
            svg += "<text x=\"\(margin - 6)\" y=\"\(Double(py(value))! + 4)\" text-anchor=\"end\">\(label(value, step: yTicks.step))</text>\n"
        }
        svg += "<line x1=\"\(margin)\" y1=\"\(height - margin)\" x2=\"\(right)\" y2=\"\(height - margin)\" stroke=\"black\"/>\n"
        svg += "<line x1=\"\(margin)\" y1=\"\(margin / 2)\" x2=\"\(margin)\" y2=\"\(height - margin)\" stroke=\"black\"/>\n"
        svg += "<text x=\"\((margin + right) / 2)\" y=\"\(height - 15)\" text-anchor=\"middle\">\(escape(xTitle))</text>\n"
        svg += "<text x=\"15\" y=\"\(height / 2)\" text-anchor=\"middle\" transform=\"rotate(-90 15 \(height / 2))\">\(escape(yTitle))</text>\n"
        if let note {
            svg += "<text x=\"\(margin + 4)\" y=\"\(margin / 2 - 8)\" fill=\"#555555\">\(escape(note))</text>\n"
        }
        for curve in curves {
            for segment in curve.segments {
                let finite = segment.filter { $0.x.isFinite && $0.y.isFinite }
                guard !finite.isEmpty else { continue }
                if !curve.dotsOnly {
                    let coordinates = finite.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
                    svg += "<polyline fill=\"none\" stroke=\"\(curve.colour)\" stroke-width=\"1.5\" points=\"\(coordinates)\"/>\n"
                }
                if markers || curve.dotsOnly {
                    for point in finite {
                        svg += "<circle cx=\"\(px(point.x))\" cy=\"\(py(point.y))\" r=\"\(curve.dotsOnly ? 4 : 2)\" fill=\"\(curve.colour)\"/>\n"
                    }
                }
            }
        }
        var row = 0.0
        for curve in curves {
            guard let label = curve.label else { continue }
            let y = margin / 2 + 14 * row
            svg += "<line x1=\"\(right + 15)\" y1=\"\(y - 4)\" x2=\"\(right + 35)\" y2=\"\(y - 4)\" stroke=\"\(curve.colour)\" stroke-width=\"2\"/>\n"
            let shown = label.count > Self.legendCharacters ? label.prefix(Self.legendCharacters - 1) + "…" : label
            svg += "<text x=\"\(right + 40)\" y=\"\(y)\"><title>\(escape(label))</title>\(escape(shown))</text>\n"
            row += 1
        }
        return svg + "</svg>\n"
    }

    /// Axis ticks for data from `low` to `high`: a "nice" step (1, 2 or 5 × 10ⁿ) giving about five
    /// intervals, and the range widened to whole steps.
    static func ticks(_ low: Double, _ high: Double) -> (low: Double, high: Double, step: Double) {
        var (low, high) = (low, high)
        if high - low < 1e-12 * max(abs(low), abs(high), 1e-300) {
            // A constant: a small range around it.
            let pad = low == 0 ? 1 : abs(low) * 0.05
            (low, high) = (low - pad, high + pad)
        }
        let raw = (high - low) / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude
        return ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step, step)
    }

    /// The tick values from the ticks' low end to `upTo` (n × step, so no rounding drift).
    static func tickValues(_ ticks: (low: Double, high: Double, step: Double), upTo top: Double) -> [Double] {
        let first = (ticks.low / ticks.step).rounded()
        var values: [Double] = []
        var n = first
        while n * ticks.step <= top + 1e-9 * ticks.step && values.count < 100 {
            values.append(n * ticks.step)
            n += 1
        }
        return values
    }

    /// A tick value with as many decimals as its step needs ("0.25", "4.2", "1e+04" for large ones).
    static func label(_ value: Double, step: Double) -> String {
        let magnitude = max(abs(value), step)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%g", value) }
        let decimals = min(max(0, Int(-log10(step).rounded(.down))), 6)
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// `String(format: "%.2f", v)`, the pixel coordinates' text, composed from the integer 100 v
    /// instead of through Foundation's formatter, which costs microseconds a call (a plot of a
    /// 10⁵-sample log spent most of its time there). Where 100 v lies within 10⁻⁶ of a rounding tie,
    /// or rounds to zero (printf writes "-0.00" for small negatives), or is huge, printf decides.
    static func twoDecimals(_ v: Double) -> String {
        let scaled = v * 100
        let rounded = scaled.rounded()
        guard abs(scaled) < 1e15, rounded != 0, abs(abs(scaled - rounded) - 0.5) > 1e-6 else { return String(format: "%.2f", v) }
        let hundredths = Int(rounded)
        let (whole, fraction) = (abs(hundredths) / 100, abs(hundredths) % 100)
        return (hundredths < 0 ? "-" : "") + String(whole) + (fraction < 10 ? ".0" : ".") + String(fraction)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Voltage against the charge passed within each cycle, one polyline per protocol step and one
    /// colour (and legend entry) per cycle.
    public static func voltageCapacity(_ series: TimeSeries) -> String {
        var curves: [Curve] = []
        var start = 0
        while start < series.count {
            var end = start
            while end + 1 < series.count && series.step[end + 1] == series.step[start] && series.cycle[end + 1] == series.cycle[start] { end += 1 }
            let segment = (start...end).map { (x: series.dischargeCapacity[$0] * 1000, y: series.voltage[$0]) }
            let cycle = series.cycle[start]
            if curves.last?.label == "cycle \(cycle)" {
                curves[curves.count - 1].segments.append(segment)
            } else {
                curves.append(Curve(label: "cycle \(cycle)", segments: [segment], colour: palette[curves.count % palette.count]))
            }
            start = end + 1
        }
        if curves.count == 1 { curves[0].label = nil }
        return plot(curves, xTitle: "Discharge capacity [mA.h]", yTitle: "Voltage [V]")
    }

    /// Discharge capacity per gram of active material against the cycle number, the capacity axis
    /// from zero (so a fade looks as large as it is); only the cycles given (the writer passes the
    /// complete ones). With cycle jumping, a dot marks each simulated cycle.
    public static func capacityCycle(_ cycles: [CycleSummary], note: String? = nil) -> String {
        func points(_ cycles: [CycleSummary]) -> [(x: Double, y: Double)] {
            cycles.map { (x: Double($0.cycle), y: $0.specificDischargeCapacity) }
        }
        var curves = [Curve(label: "discharge capacity", segments: [points(cycles)])]
        let jumped = cycles.contains { !$0.isSimulated }
        if jumped {
            curves.append(Curve(label: "simulated cycles", segments: [points(cycles.filter(\.isSimulated))],
                                colour: SVGPlot.palette[1], dotsOnly: true))
        }
        return plot(curves, xTitle: "Cycle", yTitle: "Discharge capacity [mA.h/g]", markers: !jumped && cycles.count <= 200,
                    yFromZero: true, note: note)
    }
}
