import CellModel
import Foundation
import Parameters
import Protocols

/// The critical-current measurement of a lithium-metal interface, simulated as it is measured
/// (issue #23): at a fixed areal capacity per half-cycle, the current density is stepped up,
/// each level one stripping half-cycle (a discharge of the cell) and one plating half-cycle (a
/// charge), until the foil|SE contact fraction falls below the threshold ("contact lost at the
/// negative electrode"). The critical stripping current density is the level whose strip lost
/// the contact (the measured critical current depends on the capacity per half-cycle, so the
/// protocol is simulated rather than a single number computed).
///
/// The cell starts at rest with its positive electrode at half state of charge (uniform
/// stoichiometry halfway between the cut-off voltages), so that it can take the strips and plates.
public struct CriticalCurrentMeasurement: Sendable, Equatable, Codable {
    /// Areal capacity per half-cycle [mA h cm⁻²].
    public var capacity = 0.1
    /// First current density, its increment and the largest level [mA cm⁻²].
    public var startCurrentDensity = 0.1
    public var currentDensityStep = 0.1
    public var maximumCurrentDensity = 5.0
    /// The contact fraction below which the contact counts as lost; nil: the model's own
    /// `"Negative electrode contact loss threshold"`, or ``defaultThreshold`` when it has none.
    public var contactThreshold: Double?
    /// Used when neither the measurement nor the model gives a threshold.
    public static let defaultThreshold = 0.5
    /// At most this many current levels.
    public static let maximumLevels = 1000

    public init() {}

    /// As recorded in a sweep's `sweep.json`.
    enum CodingKeys: String, CodingKey {
        case capacity = "capacity per half-cycle [mA.h.cm-2]", startCurrentDensity = "start [mA.cm-2]"
        case currentDensityStep = "step [mA.cm-2]", maximumCurrentDensity = "maximum [mA.cm-2]", contactThreshold = "contact threshold"
    }

    /// The current densities of the levels [mA cm⁻²].
    public var levels: [Double] {
        var levels: [Double] = []
        var k = 0
        while levels.count < Self.maximumLevels {
            let j = startCurrentDensity + Double(k) * currentDensityStep
            guard j <= maximumCurrentDensity * (1 + 1e-12) else { break }
            levels.append(j)
            k += 1
        }
        return levels
    }

    /// The protocol text: per level, "Discharge at J mA/cm2 for T s; Charge at J mA/cm2 for T s",
    /// T = 3600 capacity / J.
    public var experimentText: String {
        levels.map { j in
            let seconds = String(format: "%.9g", 3600 * capacity / j), density = String(format: "%.9g", j)
            return "Discharge at \(density) mA/cm2 for \(seconds) s; Charge at \(density) mA/cm2 for \(seconds) s"
        }.joined(separator: "; ")
    }

    /// What stops a measurement from running: the model has no contact law, or the threshold is not
    /// below the initial contact.
    public struct Unsupported: Error, CustomStringConvertible {
        public var description: String
    }

    /// The parameters the measurement runs: the positive electrode at half state of charge and the
    /// contact threshold set.
    public func prepared(_ parameters: CellParameters) throws(Unsupported) -> (parameters: CellParameters, threshold: Double) {
        guard var interface = parameters.negativeInterface else {
            throw Unsupported(description: "the model has no lithium contact law: give \"\(NegativeInterfaceParameters.capacityKey)\" and the creep keys (docs/MODEL.md §Lithium interface contact)")
        }
        let threshold = contactThreshold ?? (interface.contactLossThreshold > 0 ? interface.contactLossThreshold : Self.defaultThreshold)
        guard threshold > 0 && threshold < interface.initialContact else {
            throw Unsupported(description: "contact threshold \(threshold): allowed a number above 0 and below the initial contact fraction \(interface.initialContact)")
        }
        interface.contactLossThreshold = threshold
        var p = parameters
        p.negativeInterface = interface
        if p.layout.hasCompositeElectrode {
            p.positiveInitialConcentration = P2DModel(parameters: p).stoichiometry(atStateOfCharge: 0.5) * p.positiveMaximumConcentration
        }
        return (p, threshold)
    }

    /// Runs the measurement.
    public func run(_ parameters: CellParameters, options: SimulationOptions = SimulationOptions()) throws -> CriticalCurrentResult {
        let (p, threshold) = try prepared(parameters)
        let experiment = try Experiment(parsing: experimentText)
        let simulation = Simulation(parameters: p, experiment: experiment, cycles: 1, options: options).run()
        let series = simulation.timeSeries
        // The foil side's overpotential; a symmetric cell's is what the measurement reads, −V (both
        // interfaces and the separator).
        let overpotential = p.layout.hasCompositeElectrode ? series.negativeInterfaceOverpotential : series.voltage.map { -$0 }
        var results: [CriticalCurrentResult.Level] = []
        for (index, j) in levels.enumerated() {
            let strip = 2 * index + 1, plate = strip + 1
            guard let stripRecord = simulation.steps.first(where: { $0.step == strip }) else { break }
            let plateRecord = simulation.steps.first { $0.step == plate }
            let stripSamples = series.step.indices.filter { series.step[$0] == strip }
            let plateSamples = series.step.indices.filter { series.step[$0] == plate }
            results.append(.init(
                currentDensity: j,
                stripOverpotential: stripSamples.map { overpotential[$0] }.max() ?? .nan,
                plateOverpotential: plateSamples.map { -overpotential[$0] }.max() ?? .nan,
                minimumContact: (stripSamples + plateSamples).map { sample in
                    min(series.negativeContactFraction[sample], series.positiveContactFraction.isEmpty ? 1 : series.positiveContactFraction[sample])
                }.min() ?? .nan,
                strip: stripRecord.end.description, plate: plateRecord?.end.description))
        }
        func level(endingWith end: StepEnd) -> Double? {
            simulation.steps.last.flatMap { $0.end == end ? levels[($0.step - 1) / 2] : nil }
        }
        return CriticalCurrentResult(levels: results, criticalStrippingCurrentDensity: level(endingWith: .contactLost) ?? level(endingWith: .positiveContactLost),
                                     criticalPlatingCurrentDensity: level(endingWith: .shortCircuit), threshold: threshold,
                                     parameters: p, simulation: simulation)
    }
}

/// What a ``CriticalCurrentMeasurement`` found.
public struct CriticalCurrentResult: Sendable {
    /// One current level: its current density [mA cm⁻²], the largest foil-side overpotential of its
    /// strip and of its plate (magnitude) [V], the smallest contact fraction over both, and how each
    /// half-cycle ended (nil: not run).
    public struct Level: Sendable {
        public var currentDensity: Double
        public var stripOverpotential: Double
        public var plateOverpotential: Double
        public var minimumContact: Double
        public var strip: String
        public var plate: String?
    }

    public var levels: [Level]
    /// The level whose strip lost the contact [mA cm⁻²]; nil when none did (up to the largest level,
    /// or until a failure).
    public var criticalStrippingCurrentDensity: Double?
    /// The level at which the short-circuit criterion was met [mA cm⁻²]; nil when it was not (or the
    /// model has no criterion).
    public var criticalPlatingCurrentDensity: Double?
    public var threshold: Double
    /// The parameters run (half state of charge, the threshold).
    public var parameters: CellParameters
    public var simulation: SimulationResult
}
