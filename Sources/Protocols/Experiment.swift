// An experiment (cycling protocol) and the errors its text parser reports.

/// An experiment: an ordered list of steps, run once per cycle.
///
/// Repeating the protocol for several cycles is the simulation's job; this
/// type only describes one pass through the steps.
///
/// Text form (PyBaMM's conventions), one step per line or separated by `;`:
///
///     Discharge at 0.1C until 2.5 V
///     Rest for 10 minutes            # text after '#' is a comment
///     Charge at 0.5 mA until 4.3 V; Hold at 4.3 V until C/20
///
/// Step forms (keywords and units are case-insensitive; whitespace is flexible):
/// - `Discharge at <current> [for <duration>] [or] [until <cond> [or <cond>]...]`, and the same with `Charge`.
///   The `for` and `until` parts may come in either order (`until 3.3 V or for 2 hours`).
///   With neither, the cell's own voltage limits end the step.
/// - `Hold at <voltage> [for <duration>] [or] [until <cond> [or <cond>]...]`; a hold needs a duration or a condition.
/// - `Rest for <duration>`; a rest cannot end on a condition.
/// - `Run current profile <path>`, `Run power profile <path>`, `Run voltage profile <path>`: the current
///   (power, voltage) follows a table (time [s], current [A] / power [W] / voltage [V]) piecewise-linearly,
///   for as long as the table lasts; the rest of the step is the path. This module reads no files: the
///   caller loads the table (`Simulation.profiles`).
///
/// Quantities (values are positive magnitudes; the verb sets the direction):
/// - `<current>`: C-rate `1C`, `0.5 C`, `C/10`; current `A`, `mA`, `uA`/`µA`; power `W`, `mW`;
///   specific current `A/g`, `mA/g`, `A/kg`, `mA/kg`, `uA/g` (also `mA g-1`, `mA.g-1`);
///   current density `A/m2`, `mA/m2`, `A/cm2`, `mA/cm2`, `uA/cm2` (also `mA cm-2`, `A.m-2`, `mA/cm²`).
/// - `<voltage>`: `V`, `mV`.
/// - `<duration>`: `s`, `sec`, `second(s)`, `min`, `minute(s)`, `h`, `hr`, `hour(s)`, `day(s)`, `week(s)`.
/// - `<cond>`: a voltage (`2.5 V`, `2500 mV`), a current magnitude (`50 mA`) or a C-rate magnitude (`C/20`, `0.05C`).
/// - Numbers: `1`, `0.1`, `.5`, `1e-3`, `2.5E+1`. No signs, no `nan`/`inf`, no zero, nothing that overflows.
///
/// A trailing PyBaMM sampling-period suffix such as `(1 minute period)` sets the step's
/// ``ExperimentStep/period``: the simulation records the solution every period instead of at
/// every solver step.
///
/// Steps longer than ``Experiment/maximumStepLength`` Unicode scalars are rejected.
///
/// PyBaMM's temperature suffix (`Rest for 1 hour at 45oC`, `Discharge at 1C until 2.5 V at 0oC`,
/// also `°C`, `degC`, `K`) sets the step's ``ExperimentStep/temperature``: the ambient temperature
/// during that step (the cell is isothermal at the ambient); a step without one runs at the
/// model's `"Ambient temperature [K]"`.
public struct Experiment: Equatable, Sendable {
    /// The steps, in order.
    public var steps: [ExperimentStep]

    /// The longest step text accepted, in Unicode scalars.
    public static let maximumStepLength = 1000

    /// Parses experiment text: steps separated by newlines or `;`. Blank steps and text
    /// after `#` (to the end of the line) are ignored.
    ///
    /// - Throws: ``ExperimentParseError`` for the first malformed step (its 1-based index
    ///   counts non-blank steps), or with a `nil` index when the text contains no step.
    public init(parsing text: String) throws(ExperimentParseError) {
        let stepTexts = ExperimentTextSplitter.steps(in: text)
        var steps: [ExperimentStep] = []
        steps.reserveCapacity(stepTexts.count)
        for (offset, stepText) in stepTexts.enumerated() {
            let clause = Self.temperatureClause(in: stepText)
            var parser = StepParser(text: clause?.remainder ?? stepText, index: offset + 1)
            var step = try parser.parse()
            if let clause {
                // (The model checks the value against its own range of ambient temperatures.)
                step.text = String(stepText.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
                step.temperature = clause.kelvin
            }
            steps.append(step)
        }
        if steps.isEmpty {
            throw ExperimentParseError(
                stepIndex: nil,
                stepText: "",
                message: "the experiment has no steps; expected at least one step such as "
                    + "\"Discharge at 0.1C until 2.5 V\" (steps are separated by new lines or \";\", "
                    + "and \"#\" starts a comment)"
            )
        }
        self.steps = steps
    }

    /// A step's temperature suffix: as written (`"at 45oC"`), its value in kelvin, and the step's
    /// text without it (parsed as any step).
    struct TemperatureClause {
        var text: String
        var kelvin: Double
        var remainder: String
    }

    /// PyBaMM's step temperature, " at 45oC" / " at -10 °C" / " at 298 K" (before an optional
    /// "(… period)"); nil when the step has none. ("at 1C" is a C-rate, not a temperature.)
    static func temperatureClause(in step: String) -> TemperatureClause? {
        func trimmed(_ text: Substring) -> Substring {
            var text = text
            while text.first?.isWhitespace == true { text = text.dropFirst() }
            while text.last?.isWhitespace == true { text = text.dropLast() }
            return text
        }
        var text = Substring(step)
        var period: Substring = ""
        if let open = text.lastIndex(of: "("), text[open...].lowercased().contains("period") {
            period = text[open...]
            text = text[..<open]
        }
        text = trimmed(text)
        // The last " at " (any case) and what follows it.
        let words = text.split(separator: " ", omittingEmptySubsequences: true)
        guard let at = words.lastIndex(where: { $0.lowercased() == "at" }), at > words.startIndex else { return nil }
        let clause = words[(at + 1)...].joined(separator: " ")
        let tail = clause.lowercased()
        let numberPart = tail.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
        guard !numberPart.isEmpty, let value = Double(numberPart) else { return nil }
        let unit = String(trimmed(tail.dropFirst(numberPart.count)[...]))
        guard ["oc", "°c", "degc", "k", "celsius", "kelvin"].contains(unit) else { return nil }
        let kelvin = unit == "k" || unit == "kelvin" ? value : value + 273.15
        guard kelvin.isFinite else { return nil }
        let remainder = words[..<at].joined(separator: " ") + (period.isEmpty ? "" : " " + period)
        return TemperatureClause(text: "at " + clause, kelvin: kelvin, remainder: remainder)
    }

    /// Creates an experiment from already-built steps (no validation is done here).
    public init(steps: [ExperimentStep]) {
        self.steps = steps
    }
}

/// A malformed experiment: one clear, user-facing message saying which step
/// (1-based index and its text), what was found and what was expected.
public struct ExperimentParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 1-based index of the offending step among the non-blank steps; `nil` for
    /// whole-text problems (e.g. an empty experiment).
    public var stepIndex: Int?
    /// The offending step as written, trimmed; empty for whole-text problems.
    public var stepText: String
    /// What was found and what was expected, e.g. `expected a current such as "1C", "C/10",
    /// "0.5 mA", "2 A", "50 mA/g" ... after "Discharge at", found "fast"`.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - stepIndex: 1-based step index, or `nil` for whole-text problems.
    ///   - stepText: the step as written (trimmed).
    ///   - message: what was found and what was expected.
    public init(stepIndex: Int?, stepText: String, message: String) {
        self.stepIndex = stepIndex
        self.stepText = stepText
        self.message = message
    }

    /// The full message, e.g. `experiment step 2 "Dischrge at 1C": <message>`.
    /// Step text longer than 80 Unicode scalars is shortened with "…".
    public var description: String {
        guard let stepIndex else { return "experiment: \(message)" }
        return "experiment step \(stepIndex) \"\(TextExcerpt.head(stepText, limit: 80))\": \(message)"
    }
}

/// Shortens text for messages.
enum TextExcerpt {
    /// The first `limit` Unicode scalars of `text`, followed by "…" if anything was cut.
    static func head(_ text: String, limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.prefix(limit))
        return String(out) + "…"
    }

    /// The last `limit` Unicode scalars of `text`, preceded by "…" if anything was cut.
    static func tail(_ text: String, limit: Int) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.suffix(limit))
        return "…" + String(out)
    }
}

/// Splits experiment text into trimmed, non-blank step texts.
enum ExperimentTextSplitter {
    static func steps(in text: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        var inComment = false

        func flush() {
            let trimmed = ScalarClass.trimmed(current)
            if !trimmed.isEmpty { result.append(trimmed) }
            current = String.UnicodeScalarView()
        }

        for scalar in text.unicodeScalars {
            if ScalarClass.isLineBreak(scalar) {
                flush()
                inComment = false
            } else if inComment {
                continue
            } else if scalar == "#" {
                inComment = true
            } else if scalar == ";" {
                flush()
            } else {
                current.append(scalar)
            }
        }
        flush()
        return result
    }
}

/// Character classes used by the splitter and parser (no Foundation).
enum ScalarClass {
    static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        s.properties.isWhitespace
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0x30 && s.value <= 0x39
    }

    /// Letters, digits and '_': characters that continue a word.
    static func isWordCharacter(_ s: Unicode.Scalar) -> Bool {
        isDigit(s) || s == "_" || s.properties.isAlphabetic
    }

    /// ASCII lower-casing of one scalar; everything else is returned unchanged.
    static func asciiLower(_ s: Unicode.Scalar) -> Unicode.Scalar {
        if s.value >= 0x41 && s.value <= 0x5A, let lower = Unicode.Scalar(s.value + 0x20) {
            return lower
        }
        return s
    }

    /// `scalars` without leading and trailing whitespace, as a String.
    static func trimmed<C: BidirectionalCollection>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) })
        else { return "" }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[first...last])
        return String(out)
    }
}
