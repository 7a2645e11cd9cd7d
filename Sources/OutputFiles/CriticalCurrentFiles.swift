import Foundation
import Simulator

/// What `solidcell critical-current` writes: `critical-current.json` (the critical stripping current
/// density and every level) and `overpotential.svg` (foil-side overpotential vs current density).
public enum CriticalCurrentFiles {
    public static let files = ["critical-current.json", "overpotential.svg"]
    /// The keys of the two critical current densities in critical-current.json (null when not reached).
    public static let strippingKey = Densities.CodingKeys.stripping.rawValue
    public static let platingKey = Densities.CodingKeys.plating.rawValue

    /// The two critical current densities, read back from critical-current.json.
    public struct Densities: Decodable, Sendable {
        public var stripping: Double?
        public var plating: Double?
        enum CodingKeys: String, CodingKey {
            case stripping = "critical_stripping_current_density [mA.cm-2]", plating = "critical_plating_current_density [mA.cm-2]"
        }
    }

    struct Report: Encodable {
        struct Level: Encodable {
            var current_density_mA_cm2: Double
            var strip_overpotential_V: Double
            var plate_overpotential_V: Double
            var minimum_contact_fraction: Double
            var strip_end: String
            var plate_end: String?
            enum CodingKeys: String, CodingKey {
                case current_density_mA_cm2 = "current_density [mA.cm-2]"
                case strip_overpotential_V = "maximum stripping overpotential [V]"
                case plate_overpotential_V = "maximum plating overpotential [V]"
                case minimum_contact_fraction = "minimum contact fraction"
                case strip_end = "strip ended", plate_end = "plate ended"
            }
        }
        var model: String
        var overrides: [String]
        var capacity: Double
        var stack_pressure: Double?
        var temperature: Double
        var threshold: Double
        var critical_stripping: Double?
        var critical_plating: Double?
        var critical_plating_note: String
        var status: String
        var failure: String?
        var levels: [Level]
        var solidcell_version = SolidCellInfo.version
        enum CodingKeys: String, CodingKey {
            case model, overrides, status, failure, levels, solidcell_version
            case capacity = "capacity per half-cycle [mA.h.cm-2]"
            case stack_pressure = "stack pressure [MPa]"
            case temperature = "temperature [K]"
            case threshold = "contact loss threshold"
            case critical_stripping = "critical_stripping_current_density [mA.cm-2]"
            case critical_plating = "critical_plating_current_density [mA.cm-2]"
            case critical_plating_note
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(overrides, forKey: .overrides)
            try c.encode(capacity, forKey: .capacity)
            try c.encode(stack_pressure, forKey: .stack_pressure)
            try c.encode(temperature, forKey: .temperature)
            try c.encode(threshold, forKey: .threshold)
            // (null, not absent, when there is none)
            try c.encode(critical_stripping, forKey: .critical_stripping)
            try c.encode(critical_plating, forKey: .critical_plating)
            try c.encode(critical_plating_note, forKey: .critical_plating_note)
            try c.encode(status, forKey: .status)
            try c.encodeIfPresent(failure, forKey: .failure)
            try c.encode(levels, forKey: .levels)
            try c.encode(solidcell_version, forKey: .solidcell_version)
        }
    }

    public static func json(_ result: CriticalCurrentResult, measurement: CriticalCurrentMeasurement,
                            model: String, overrides: [String]) throws -> Data {
        let status = result.simulation.failure != nil ? "failed"
            : result.criticalStrippingCurrentDensity != nil ? "contact lost"
            : result.criticalPlatingCurrentDensity != nil ? "short circuit"
            : "no contact loss up to the largest level"
        let report = Report(
            model: model, overrides: overrides, capacity: measurement.capacity,
            stack_pressure: result.parameters.mechanics?.stackPressure, temperature: result.parameters.temperature,
            threshold: result.threshold, critical_stripping: result.criticalStrippingCurrentDensity,
            critical_plating: result.criticalPlatingCurrentDensity,
            critical_plating_note: result.parameters.negativeInterface?.penetration == nil
                ? "the model has no short-circuit criterion (docs/MODEL.md §Short circuit)"
                : "the level whose plating met the short-circuit criterion (null: none did)",
            status: status, failure: result.simulation.failure?.description,
            levels: result.levels.map {
                .init(current_density_mA_cm2: $0.currentDensity, strip_overpotential_V: $0.stripOverpotential,
                      plate_overpotential_V: $0.plateOverpotential, minimum_contact_fraction: $0.minimumContact,
                      strip_end: $0.strip, plate_end: $0.plate)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(report)
    }

    /// Largest stripping and plating overpotential of each level against its current density.
    public static func overpotentialPlot(_ result: CriticalCurrentResult) -> String {
        let strip = result.levels.map { (x: $0.currentDensity, y: $0.stripOverpotential) }
        let plate = result.levels.map { (x: $0.currentDensity, y: $0.plateOverpotential) }
        let note = result.criticalStrippingCurrentDensity.map { "critical stripping current density \(OutputWriter.short($0)) mA/cm²" }
        return SVGPlot.plot([SVGPlot.Curve(label: "stripping", segments: [strip], colour: SVGPlot.palette[0]),
                             SVGPlot.Curve(label: "plating", segments: [plate], colour: SVGPlot.palette[1])],
                            xTitle: "Current density [mA/cm²]", yTitle: "Foil-side overpotential [V]", markers: true,
                            yFromZero: true, note: note)
    }

    public static func write(_ result: CriticalCurrentResult, measurement: CriticalCurrentMeasurement, model: String,
                             overrides: [String], to directory: String) throws {
        try OutputWriter.prepareFolder(directory, owning: files)
        try json(result, measurement: measurement, model: model, overrides: overrides)
            .write(to: URL(fileURLWithPath: directory + "/critical-current.json"))
        try overpotentialPlot(result).write(toFile: directory + "/overpotential.svg", atomically: true, encoding: .utf8)
    }
}
