import CellModel
import CellPhysics
import Foundation
import Impedance
import Interpolation
import OutputFiles
import Parameters
import Protocols
import Simulator

/// How close a simulated number must be to the published one.
public enum ValidationTolerance: Sendable, CustomStringConvertible {
    /// |simulated − published| ≤ value, in the quantity's unit.
    case absolute(Double)
    /// |simulated − published| ≤ fraction × |published|.
    case relative(Double)
    /// The simulated value must be at most this (e.g. an RMS difference).
    case atMost(Double)
    /// Within a factor of the published value either way, published/f ≤ simulated ≤ f·published
    /// ("the right order of magnitude" with f = 3, i.e. |log₁₀(simulated/published)| ≤ ½).
    case factor(Double)

    public func accepts(simulated: Double, published: Double) -> Bool {
        guard simulated.isFinite else { return false }
        switch self {
        case .absolute(let limit): return abs(simulated - published) <= limit
        case .relative(let fraction): return abs(simulated - published) <= fraction * abs(published)
        case .atMost(let limit): return simulated <= limit
        case .factor(let f):
            return simulated * published > 0 && abs(simulated) <= f * abs(published) && abs(simulated) >= abs(published) / f
        }
    }

    public var description: String {
        switch self {
        case .absolute(let limit): return "± \(OutputWriter.short(limit))"
        case .relative(let fraction): return "± \(OutputWriter.short(fraction * 100)) %"
        case .atMost(let limit): return "≤ \(OutputWriter.short(limit))"
        case .factor(let f): return "× or ÷ \(OutputWriter.short(f))"
        }
    }
}

/// One published (or reference-tool) number and how to compute the model's counterpart.
public struct ValidationCase: Sendable {
    public var group: String
    public var quantity: String
    public var source: String
    public var unit: String
    public var published: Double
    public var tolerance: ValidationTolerance
    /// What the row is to the model's constants: a number some were calibrated on, one no fit saw,
    /// or a cross-check against another tool. A published row is a prediction unless a calibration
    /// fit lists it (``ValidationSuite/all()``).
    public var role: ValidationRole
    public var compute: @Sendable (ValidationContext) throws -> Double

    public init(group: String, quantity: String, source: String, unit: String, published: Double,
                tolerance: ValidationTolerance, role: ValidationRole = .prediction,
                compute: @escaping @Sendable (ValidationContext) throws -> Double) {
        self.group = group
        self.quantity = quantity
        self.source = source
        self.unit = unit
        self.published = published
        self.tolerance = tolerance
        self.role = role
        self.compute = compute
    }
}

/// A validation row's relation to the model file's constants (its `metadata.fitted` says which
/// constants were fitted to which rows).
public enum ValidationRole: String, Sendable {
    /// A published number some of the model's constants were fitted to: agreement shows the fit
    /// holds, not that the model predicts.
    case calibration
    /// A published number no fit saw.
    case prediction
    /// Agreement with another implementation of the same equations (verification).
    case crossCheck = "cross-check"
}

/// A figure drawn from validation runs, written beside the report and shown under its group.
public struct ValidationFigure: Sendable {
    /// The group under whose table the figure appears; it is drawn only when a case of the group ran.
    public var group: String
    /// File name of the SVG, relative to the report.
    public var file: String
    public var caption: String
    public var render: @Sendable (ValidationContext) throws -> String
}

/// The outcome of one case.
public struct ValidationRow: Sendable {
    public var validationCase: ValidationCase
    public var simulated: Double
    public var error: String?

    public var passed: Bool {
        error == nil && validationCase.tolerance.accepts(simulated: simulated, published: validationCase.published)
    }
}

/// Where validation cases find model files and reference data, what is set over the model files
/// (a calibration fit's trial values), and the runs that several rows share.
public struct ValidationContext: Sendable {
    public var repositoryRoot: String
    /// Keys set over each model file, by model name (the file's name without `.json`).
    public var modelChanges: [String: [String: ParameterValue]]
    /// The shared computations' values under these model files and changes.
    let shared = SharedComputationStore()

    public init(repositoryRoot: String, modelChanges: [String: [String: ParameterValue]] = [:]) {
        self.repositoryRoot = repositoryRoot
        self.modelChanges = modelChanges
    }

    /// The model file's parameters with this context's changes to it and then the row's own
    /// `changes` (its conditions: stack pressure, temperature).
    public func parameters(_ model: String, _ changes: [String: ParameterValue] = [:]) throws -> CellParameters {
        var set = try ModelFile.load(path: "\(repositoryRoot)/models/\(model).json").parameters
        for (key, value) in modelChanges[model] ?? [:] { set[key] = value }
        for (key, value) in changes { set[key] = value }
        return try CellParameters(set)
    }

    /// Runs a protocol and returns the result, or throws its failure.
    public func run(_ parameters: CellParameters, _ experiment: String, cycles: Int = 1,
                    options: SimulationOptions = SimulationOptions()) throws -> SimulationResult {
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: experiment),
                                cycles: cycles, options: options).run()
        if let failure = result.failure { throw failure }
        return result
    }

    /// Numeric columns of a CSV file with a header row.
    public func csv(_ relativePath: String) throws -> [String: [Double]] {
        let text = try String(contentsOfFile: "\(repositoryRoot)/\(relativePath)", encoding: .utf8)
        var lines = text.split(whereSeparator: \.isNewline)
        guard !lines.isEmpty else { return [:] }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        var columns = [String: [Double]](uniqueKeysWithValues: header.map { ($0, []) })
        for line in lines {
            for (name, field) in zip(header, line.split(separator: ",", omittingEmptySubsequences: false)) {
                columns[name]!.append(Double(field) ?? .nan)
            }
        }
        return columns
    }
}

/// Every validation case SolidCell knows, and the report writer.
public enum ValidationSuite {
    /// PyBaMM cross-checks (half-cell DFN with t₊ = 1 on the same mesh): voltage RMS and max
    /// differences [mV] and capacity difference [%] per model and rate.
    public static func pybammCrossChecks() -> [ValidationCase] {
        let models = [("xu2019-nmc532-half-cell-t1", "xu2019", 3.5), ("chen2020-nmc811-li-half-cell-t1", "chen2020-nmc811-li", 2.5)]
        var cases: [ValidationCase] = []
        for (model, reference, cutoff) in models {
            for rate in ["0.1C", "1C", "2C"] {
                let comparison = CrossCheck(model: model, reference: reference, rate: rate, cutoff: cutoff)
                let source = "PyBaMM 26.10.1.1 (validation/pybamm/\(reference)_\(rate).csv)"
                cases.append(ValidationCase(group: "PyBaMM cross-check", quantity: "\(model), \(rate): voltage RMS difference",
                                            source: source, unit: "mV", published: 0, tolerance: .atMost(2), role: .crossCheck) {
                    try comparison.measure($0).rms * 1000
                })
                cases.append(ValidationCase(group: "PyBaMM cross-check", quantity: "\(model), \(rate): voltage max difference",
                                            source: source, unit: "mV", published: 0, tolerance: .atMost(5), role: .crossCheck) {
                    try comparison.measure($0).max * 1000
                })
                cases.append(ValidationCase(group: "PyBaMM cross-check", quantity: "\(model), \(rate): discharge capacity",
                                            source: source, unit: "A.h", published: comparison.referenceCapacity(),
                                            tolerance: .relative(0.005), role: .crossCheck) {
                    try comparison.measure($0).capacity
                })
            }
        }
        return cases
    }

    /// A SolidCell run of a PyBaMM reference discharge, compared at PyBaMM's output times. Its three
    /// rows (RMS, max, capacity) share one simulation.
    struct CrossCheck: Sendable {
        let model: String, reference: String, rate: String, cutoff: Double
        private let comparison: SharedComputation<(rms: Double, max: Double, capacity: Double)>

        init(model: String, reference: String, rate: String, cutoff: Double) {
            self.model = model
            self.reference = reference
            self.rate = rate
            self.cutoff = cutoff
            comparison = SharedComputation { context in
                try Self.compare(context, model: model, reference: reference, rate: rate, cutoff: cutoff)
            }
        }

        func measure(_ context: ValidationContext) throws -> (rms: Double, max: Double, capacity: Double) {
            try comparison.value(context)
        }

        func referenceCapacity() -> Double {
            let context = ValidationContext(repositoryRoot: ValidationSuite.repositoryRoot ?? ".")
            let table = try? context.csv("validation/pybamm/\(reference)_\(rate).csv")
            return table?["Discharge capacity [A.h]"]?.last ?? .nan
        }

        private static func compare(_ context: ValidationContext, model: String, reference: String, rate: String,
                                    cutoff: Double) throws -> (rms: Double, max: Double, capacity: Double) {
            let table = try context.csv("validation/pybamm/\(reference)_\(rate).csv")
            guard let times = table["Time [s]"], let voltages = table["Voltage [V]"], times.count > 2 else {
                throw ModelFileError(path: "validation/pybamm/\(reference)_\(rate).csv", message: "missing columns")
            }
            var options = SimulationOptions()
            options.samplePeriod = times[1] - times[0]
            let result = try context.run(try context.parameters(model), "Discharge at \(rate) until \(cutoff) V", options: options)
            let series = result.timeSeries
            var squared = 0.0, worst = 0.0, count = 0
            for (t, v) in zip(times, voltages) {
                guard let ours = interpolate(series.time, series.voltage, at: t) else { continue }
                squared += (ours - v) * (ours - v)
                worst = Swift.max(worst, abs(ours - v))
                count += 1
            }
            return ((squared / Double(Swift.max(count, 1))).squareRoot(), worst, series.dischargeCapacity.last ?? .nan)
        }
    }

    /// The repository root when running from a checkout (the folder holding `models/`).
    public static var repositoryRoot: String? {
        BundledModels.directory().map { ($0 as NSString).deletingLastPathComponent }
    }

    /// One line saying why a case or figure could not be computed: a missing or unreadable file is
    /// named by its path in the repository (Foundation's own description is a multi-line dump of
    /// its error domain and user info).
    public static func describe(_ error: any Error, repositoryRoot: String) -> String {
        if let cocoa = error as? CocoaError {
            var path = (cocoa.userInfo[NSFilePathErrorKey] as? String) ?? cocoa.filePath
                ?? (cocoa.userInfo[NSURLErrorKey] as? URL)?.path ?? "a file"
            if path.hasPrefix(repositoryRoot + "/") { path.removeFirst(repositoryRoot.count + 1) }
            switch cocoa.code {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "missing file \(path)"
            case .fileReadNoPermission: return "cannot read \(path): permission denied"
            case .fileReadInapplicableStringEncoding, .fileReadCorruptFile: return "cannot read \(path): not UTF-8 text"
            default: return "cannot read \(path) (Foundation error \(cocoa.code.rawValue))"
            }
        }
        return "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// The folder of the committed calibration fits.
    public static func fitsFolder(repositoryRoot: String) -> String { repositoryRoot + "/validation/fits" }

    /// Whether the folder of calibration fits is there (outside a checkout it may not be).
    public static func hasFits(repositoryRoot: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: fitsFolder(repositoryRoot: repositoryRoot), isDirectory: &isFolder) && isFolder.boolValue
    }

    /// Every case, in report order, each published row marked *calibration* when one of the
    /// committed fits (``CalibrationFit``) lists it and *prediction* otherwise (all of them when the
    /// folder of fits is missing: ``hasFits(repositoryRoot:)``).
    public static func all(repositoryRoot: String) throws -> [ValidationCase] {
        let fits = hasFits(repositoryRoot: repositoryRoot) ? try CalibrationFit.load(folder: fitsFolder(repositoryRoot: repositoryRoot)) : []
        return pybammCrossChecks() + PublishedData.cases().map { validationCase in
            var marked = validationCase
            marked.role = fits.contains { $0.lists(validationCase) } ? .calibration : .prediction
            return marked
        }
    }

    /// Runs the cases on all cores (each case builds its own simulations) and returns rows in order.
    public static func run(_ cases: [ValidationCase], context: ValidationContext,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) -> [ValidationRow] {
        let rows = RowStore(count: cases.count)
        DispatchQueue.concurrentPerform(iterations: cases.count) { index in
            let validationCase = cases[index]
            do {
                rows.set(index, ValidationRow(validationCase: validationCase, simulated: try validationCase.compute(context), error: nil))
            } catch {
                rows.set(index, ValidationRow(validationCase: validationCase, simulated: .nan,
                                              error: describe(error, repositoryRoot: context.repositoryRoot)))
            }
            progress?(rows.completed, cases.count)
        }
        return rows.rows
    }

    /// Figures drawn from the cases' runs.
    public static func figures() -> [ValidationFigure] { PublishedData.figures() }

    /// The Markdown report: one table per group, published vs simulated with error and verdict,
    /// followed by the group's figures (drawn beside the report).
    public static func markdown(_ rows: [ValidationRow], figures: [ValidationFigure] = [],
                                title: String = "SolidCell validation report") -> String {
        var text = "# \(title)\n\nGenerated by `solidcell validate` (SolidCell \(SolidCellInfo.version)). "
        let passed = rows.filter(\.passed).count
        text += "\(passed) of \(rows.count) rows within their stated tolerance.\n"
        func count(_ role: ValidationRole) -> String {
            let of = rows.filter { $0.validationCase.role == role }
            return "\(of.count) \(role.rawValue) (\(of.filter(\.passed).count) within tolerance)"
        }
        text += "\nEach row's role: *calibration* — constants of the model file were fitted to it (its `metadata.fitted` says "
            + "which), so agreement shows the fit holds; *prediction* — no fit saw it; *cross-check* — another tool solving "
            + "the same equations. Here: \(count(.calibration)), \(count(.prediction)), \(count(.crossCheck)).\n"
        var groups: [String] = []
        for row in rows where !groups.contains(row.validationCase.group) { groups.append(row.validationCase.group) }
        for group in groups {
            text += "\n## \(group)\n\n| quantity | role | published | simulated | error | tolerance | result | source |\n|---|---|---|---|---|---|---|---|\n"
            for row in rows where row.validationCase.group == group {
                let c = row.validationCase
                let difference = row.simulated - c.published
                let error: String
                switch c.tolerance {
                case .relative: error = c.published == 0 ? "–" : OutputWriter.short(100 * difference / abs(c.published)) + " %"
                case .factor: error = "× " + OutputWriter.short(row.simulated / c.published)
                default: error = OutputWriter.short(difference)
                }
                let simulated = row.error.map { "failed: \($0.replacingOccurrences(of: "|", with: "/"))" }
                    ?? OutputWriter.short(row.simulated)
                text += "| \(c.quantity) | \(c.role.rawValue) | \(OutputWriter.short(c.published)) \(c.unit) | \(simulated) \(row.error == nil ? c.unit : "") "
                    + "| \(error) | \(c.tolerance) | \(row.passed ? "pass" : "**fail**") | \(c.source) |\n"
            }
            for figure in figures where figure.group == group {
                text += "\n![\(figure.caption)](\(figure.file))\n\n*\(figure.caption).*\n"
            }
        }
        text += "\n## Predictions (not validation)\n\nWhat the model says beyond the data it was calibrated on, with the "
            + "shared degradation constants of the NCM811 | Li6PS5Cl system; nothing was fitted to these, and no measured data "
            + "are shown. Made by `validation/predictions/zhou2025_predictions.py`; the numbers, the assumptions (the "
            + "activation energies of the degradation rates are assumed) and what to distrust are in "
            + "[predictions/README.md](predictions/README.md).\n"
        for (file, caption) in predictionFigures {
            text += "\n![\(caption)](\(file))\n\n*Prediction: \(caption).*\n"
        }
        return text
    }

    /// The prediction figures under `validation/predictions/`, linked from the report.
    static let predictionFigures = [
        ("predictions/retention-vs-contact-mean.svg",
         "retention after 100 cycles vs the contact distribution's mean (0.3–0.8) at 2, 10 and 30 MPa, every other key fixed"),
        ("predictions/retention-vs-temperature.svg", "retention after 100 cycles vs temperature (25–60 °C), fine and coarse at 2 and 30 MPa"),
        ("predictions/capacity-1000-cycles.svg", "capacity vs cycle to 1000 cycles, fine and coarse at 2 and 30 MPa (cycle jumping)"),
    ]
}

/// A computation that several validation rows (and figures) read — one simulation, several
/// published numbers: in each context the first reader runs it, the others wait for and reuse its
/// value or error (a context with other model changes runs it anew).
final class SharedComputation<Value: Sendable>: @unchecked Sendable {
    private let compute: @Sendable (ValidationContext) throws -> Value

    init(_ compute: @escaping @Sendable (ValidationContext) throws -> Value) {
        self.compute = compute
    }

    func value(_ context: ValidationContext) throws -> Value {
        let slot: SharedComputationStore.Slot = context.shared.slot(for: ObjectIdentifier(self))
        slot.lock.lock()
        defer { slot.lock.unlock() }
        if let cached = slot.result as? Result<Value, any Error> { return try cached.get() }
        let result = Result { try compute(context) }
        slot.result = result
        return try result.get()
    }
}

/// The values of shared computations within one validation context, one slot (with its own lock,
/// so that different computations run concurrently) per computation.
final class SharedComputationStore: @unchecked Sendable {
    final class Slot: @unchecked Sendable {
        let lock = NSLock()
        var result: Any?
    }

    private let lock = NSLock()
    private var slots: [ObjectIdentifier: Slot] = [:]

    func slot(for computation: ObjectIdentifier) -> Slot {
        lock.lock()
        defer { lock.unlock() }
        if let slot = slots[computation] { return slot }
        let slot = Slot()
        slots[computation] = slot
        return slot
    }
}

/// Thread-safe collection of rows filled in by concurrent workers.
final class RowStore: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [ValidationRow?]
    private(set) var completed = 0

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ row: ValidationRow) {
        lock.lock()
        storage[index] = row
        completed += 1
        lock.unlock()
    }

    var rows: [ValidationRow] {
        lock.lock()
        defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}

/// Cases built on published measurements, digitised into these files with the citation of each
/// (Zhou et al. 2025, Lu et al. 2026, Ohno et al. 2026).
public enum PublishedData {
    public static func cases() -> [ValidationCase] {
        [zhou2025(), zhou2025Cycling(), lu2026(), lu2026Cycling(), ohno2026(), zhouImpedance(), lithiumMetal()].flatMap { $0 }
    }

    public static func figures() -> [ValidationFigure] { zhou2025Figures() }

    static let zhouSource = "Zhou et al., ACS Energy Lett. 10 (2025) 966"
    static let firstCycle = "Charge at 0.1C until 4.3 V; Discharge at 0.1C until 2.5 V"

    /// First-cycle discharge capacity [mA h g⁻¹] of a Zhou microstructure at a stack pressure.
    static func zhouFirstCycle(_ context: ValidationContext, _ microstructure: String, pressure: Double) throws -> Double {
        let parameters = try context.parameters("zhou2025-ncm811-lpsc-\(microstructure)", ["Stack pressure [MPa]": .number(pressure)])
        return try context.run(parameters, firstCycle).cycles[0].specificDischargeCapacity
    }

    /// Discharge capacity [mA h g⁻¹] at a C-rate after a 0.1C formation cycle (charge and
    /// discharge at that rate, as in the paper's rate test), at 30 MPa.
    static func zhouRateCapacity(_ context: ValidationContext, _ microstructure: String, rate: String) throws -> Double {
        let parameters = try context.parameters("zhou2025-ncm811-lpsc-\(microstructure)", ["Stack pressure [MPa]": .number(30)])
        let result = try context.run(parameters, firstCycle + "; Charge at \(rate) until 4.3 V; Discharge at \(rate) until 2.5 V")
        return result.steps[3].dischargedCharge * 1000 / (parameters.positiveActiveMaterialMass * 1000)
    }

    /// Charge-transfer resistance [Ω] after the first 0.1C charge to 4.3 V at 30 MPa.
    static func zhouChargeTransferResistance(_ context: ValidationContext, _ microstructure: String) throws -> Double {
        let parameters = try context.parameters("zhou2025-ncm811-lpsc-\(microstructure)", ["Stack pressure [MPa]": .number(30)])
        let result = try context.run(parameters, "Charge at 0.1C until 4.3 V")
        let state = try result.finalState.orThrow("no final state")
        return P2DModel(parameters: parameters).chargeTransferResistance(state)
    }

    static func zhou2025() -> [ValidationCase] {
        var cases: [ValidationCase] = []
        for (pressure, gap) in [(30.0, 18.0), (10, 20), (2, 22)] {
            cases.append(ValidationCase(
                group: "Zhou 2025: fine vs coarse Li6PS5Cl cathodes (NCM811 | LPSC | Li, 30 °C)",
                quantity: "first-cycle capacity, fine − coarse, 0.1C, \(Int(pressure)) MPa", source: zhouSource,
                unit: "mA.h/g", published: gap, tolerance: .absolute(6)) { context in
                try zhouFirstCycle(context, "fine", pressure: pressure) - zhouFirstCycle(context, "coarse", pressure: pressure)
            })
        }
        for (rate, advantage) in [("0.3C", 40.0), ("0.5C", 50)] {
            cases.append(ValidationCase(
                group: "Zhou 2025: fine vs coarse Li6PS5Cl cathodes (NCM811 | LPSC | Li, 30 °C)",
                quantity: "capacity advantage of fine over coarse at \(rate)", source: zhouSource,
                unit: "%", published: advantage, tolerance: .absolute(15)) { context in
                100 * (try zhouRateCapacity(context, "fine", rate: rate) / zhouRateCapacity(context, "coarse", rate: rate) - 1)
            })
        }
        for (microstructure, resistance) in [("fine", 9.9), ("coarse", 17.3)] {
            cases.append(ValidationCase(
                group: "Zhou 2025: fine vs coarse Li6PS5Cl cathodes (NCM811 | LPSC | Li, 30 °C)",
                quantity: "charge-transfer resistance, fresh \(microstructure) cell", source: zhouSource,
                unit: "Ohm", published: resistance, tolerance: .relative(0.3)) { context in
                try zhouChargeTransferResistance(context, microstructure)
            })
        }
        return cases
    }
}

/// Why a case's number could not be computed from its runs, in one line.
struct ValidationCaseError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let value = self else { throw ValidationCaseError(message) }
        return value
    }
}
