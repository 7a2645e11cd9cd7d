import CellModel
import DAESolver
import Interpolation
import Parameters
import Protocols

/// Samples of a simulation in time, one array per column (all of equal length).
public struct TimeSeries: Sendable {
    public var time: [Double] = []
    public var cycle: [Int] = []
    public var step: [Int] = []
    public var current: [Double] = []
    public var voltage: [Double] = []
    /// Charge passed in the discharge direction since the start of the sample's cycle [A h].
    public var dischargeCapacity: [Double] = []
    public var averageStoichiometry: [Double] = []
    public var stackPressure: [Double] = []
    /// Contact fraction averaged over the active material.
    public var meanContactFraction: [Double] = []
    /// Mean stoichiometry of each contact class (one element, an array over the classes, per sample).
    public var classStoichiometry = PerClassSeries()
    /// dV/dθᵢ of every requested sensitivity (one element, an array over the parameters, per
    /// sample; empty without ``Simulation/sensitivity``).
    public var voltageSensitivities = PerClassSeries()
    /// With the lithium contact law only (empty otherwise): the foil|SE contact fraction φ_a and
    /// the foil|SE interface resistance (charge transfer of the contacted area and constriction) [Ω].
    public var negativeContactFraction: [Double] = []
    public var negativeInterfaceResistance: [Double] = []
    /// The foil side's overpotential −φ_e(0) − U_n [V] (with the contact law only).
    public var negativeInterfaceOverpotential: [Double] = []
    /// A symmetric cell's x = L foil: its contact fraction and interface resistance [Ω] (with the
    /// contact law only).
    public var positiveContactFraction: [Double] = []
    public var positiveInterfaceResistance: [Double] = []
    /// An anode-free cell's lithium plated at the collector [mA h cm⁻²] (empty for other layouts).
    public var platedLithium: [Double] = []
    /// Whether the cell has a composite electrode (a symmetric cell has no particle columns).
    public var hasCompositeElectrode = true

    public var count: Int { time.count }

    /// Appends another series' samples.
    public mutating func append(_ other: TimeSeries) {
        time += other.time
        cycle += other.cycle
        step += other.step
        current += other.current
        voltage += other.voltage
        dischargeCapacity += other.dischargeCapacity
        averageStoichiometry += other.averageStoichiometry
        stackPressure += other.stackPressure
        meanContactFraction += other.meanContactFraction
        classStoichiometry.append(contentsOf: other.classStoichiometry)
        voltageSensitivities.append(contentsOf: other.voltageSensitivities)
        negativeContactFraction += other.negativeContactFraction
        negativeInterfaceResistance += other.negativeInterfaceResistance
        negativeInterfaceOverpotential += other.negativeInterfaceOverpotential
        if other.count > 0 { hasCompositeElectrode = other.hasCompositeElectrode }
        positiveContactFraction += other.positiveContactFraction
        platedLithium += other.platedLithium
        positiveInterfaceResistance += other.positiveInterfaceResistance
    }

    /// Column names and values, in output order (units in brackets, PyBaMM-style).
    public var columns: [(name: String, values: [Double])] {
        var columns = [("Time [s]", time), ("Cycle", cycle.map(Double.init)), ("Step", step.map(Double.init)),
                       ("Current [A]", current), ("Voltage [V]", voltage), ("Discharge capacity [A.h]", dischargeCapacity),
                       ("Stack pressure [MPa]", stackPressure)]
        if hasCompositeElectrode {
            columns += [("Mean contact fraction", meanContactFraction), ("Average positive particle stoichiometry", averageStoichiometry)]
        }
        let classes = classStoichiometry.first?.count ?? 0
        if classes > 1 {
            for k in 0..<classes {
                columns.append(("Contact class \(k + 1) stoichiometry", classStoichiometry.map { $0[k] }))
            }
        }
        if !negativeContactFraction.isEmpty {
            columns.append(("Negative electrode contact fraction", negativeContactFraction))
            columns.append(("Negative electrode interface resistance [Ohm]", negativeInterfaceResistance))
            columns.append(("Negative electrode overpotential [V]", negativeInterfaceOverpotential))
        }
        if !platedLithium.isEmpty { columns.append(("Plated lithium [mA.h.cm-2]", platedLithium)) }
        if !positiveContactFraction.isEmpty {
            columns.append(("Positive electrode contact fraction", positiveContactFraction))
            columns.append(("Positive electrode interface resistance [Ohm]", positiveInterfaceResistance))
        }
        return columns
    }
}

/// Values per contact class (or per parameter) at every sample, stored in one flat array (sample i, class k at
/// i K + k) so that recording a sample allocates nothing; read as a collection of per-sample arrays.
public struct PerClassSeries: RandomAccessCollection, Sendable {
    /// Number of classes K (0 until the first sample).
    public private(set) var classes = 0
    /// Every value, sample by sample.
    public private(set) var values: [Double] = []

    public init() {}

    public init(_ samples: [[Double]]) {
        for sample in samples { append(sample) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { classes == 0 ? 0 : values.count / classes }

    /// The values of every class at one sample.
    public subscript(sample: Int) -> [Double] {
        Array(values[(sample * classes)..<((sample + 1) * classes)])
    }

    /// Appends one sample.
    public mutating func append(_ sample: [Double]) {
        append(classes: sample.count) { sample[$0] }
    }

    /// Appends one sample whose value for class k is `value(k)`, without allocating (beyond the
    /// amortised growth of the storage).
    public mutating func append(classes count: Int, _ value: (Int) -> Double) {
        precondition(classes == 0 || count == classes, "\(count) classes in a series of \(classes)")
        classes = count
        for k in 0..<count { values.append(value(k)) }
    }

    /// Appends another series' samples.
    public mutating func append(contentsOf other: PerClassSeries) {
        guard other.classes > 0 else { return }
        precondition(classes == 0 || other.classes == classes, "\(other.classes) classes in a series of \(classes)")
        classes = other.classes
        values += other.values
    }
}

/// Why a protocol step ended.
public enum StepEnd: Equatable, Sendable, CustomStringConvertible {
    /// Its duration elapsed.
    case duration
    /// One of its own conditions (quoted as the user wrote it) was met.
    case condition(String)
    /// The cell reached one of the model's voltage cut-offs.
    case voltageLimit(Double)
    /// The condition already held when the step began, so it was skipped.
    case alreadySatisfied(String)
    /// The solver failed.
    case failed(String)
    /// The foil|SE contact fraction fell below the model's threshold: the run stops (an outcome).
    case contactLost
    /// A symmetric cell's x = L foil lost its contact: the run stops (an outcome).
    case positiveContactLost
    /// The short-circuit criterion was met at a plating lithium foil: the run stops (an outcome).
    case shortCircuit
    /// An anode-free cell's plated lithium is used up: the discharge step ends (the run goes on).
    case lithiumExhausted
    /// Every particle of the composite electrode has lost its contact (all isolated): no active
    /// material is connected, the cell can carry no current, and the run stops (an outcome: the
    /// end of the cell's life).
    case activeMaterialIsolated

    public var description: String {
        switch self {
        case .duration: return "duration elapsed"
        case .condition(let c): return "reached \(c)"
        case .voltageLimit(let v): return "reached the model's voltage cut-off \(v) V"
        case .alreadySatisfied(let c): return "skipped: \(c) already met at start"
        case .failed(let message): return "failed: \(message)"
        case .contactLost: return "contact lost at the negative electrode"
        case .positiveContactLost: return "contact lost at the positive electrode"
        case .shortCircuit: return "short circuit"
        case .lithiumExhausted: return "lithium exhausted at the negative electrode"
        case .activeMaterialIsolated: return "every particle isolated: no active material connected"
        }
    }

    /// Whether this end stops the run (an outcome of the cell: a lost contact, a short circuit, every
    /// particle isolated).
    public var endsTheRun: Bool {
        self == .contactLost || self == .positiveContactLost || self == .shortCircuit || self == .activeMaterialIsolated
    }
}

/// What happened in one protocol step.
public struct StepRecord: Sendable {
    public var cycle: Int
    public var step: Int
    public var text: String
    public var startTime: Double
    public var endTime: Double
    public var end: StepEnd
    /// Charge passed in the discharge direction during the step [A h] (negative for a charge).
    public var dischargedCharge: Double
    /// Energy delivered during the step [W h] (negative when charging).
    public var energy: Double
    /// dτ*/dθᵢ of the step's duration τ* when an event ended it and the run carries sensitivities
    /// (``Simulation/sensitivity``); nil otherwise (a fixed duration does not move).
    public var durationSensitivities: [Double]? = nil
    /// d(dischargedCharge)/dθᵢ [A h] when the run carries sensitivities: the discharged-capacity
    /// unknown's sensitivity at the step's end (moved to a parameter-dependent end time) minus at
    /// its start.
    public var dischargedChargeSensitivities: [Double]? = nil
}

/// Per-cycle totals.
public struct CycleSummary: Sendable {
    public var cycle: Int
    /// Whether every step of the cycle ran to its end. A cycle stopped by a failure or a
    /// cancellation holds its totals up to the stop and has no retention (NaN).
    public var complete: Bool
    /// Charge passed in the charge and in the discharge direction during the cycle [A h].
    public var chargeCapacity: Double
    public var dischargeCapacity: Double
    /// The same per gram of positive active material [mA h g⁻¹].
    public var specificChargeCapacity: Double
    public var specificDischargeCapacity: Double
    /// Discharge / charge capacity (NaN when nothing was charged).
    public var coulombicEfficiency: Double
    /// Discharge capacity relative to the first complete cycle's [%] (NaN for an incomplete cycle).
    public var retention: Double
    /// Discharge capacity relative to the largest so far [%] (for cells that activate over cycles;
    /// NaN for an incomplete cycle).
    public var retentionOfMaximum: Double
    /// Mean voltage over the discharge, energy / charge [V].
    public var meanDischargeVoltage: Double
    /// Energy delivered in the discharge steps and taken in the charge steps (hold included) [W h].
    public var dischargeEnergy: Double
    public var chargeEnergy: Double
    /// Discharge / charge energy, the round-trip efficiency (NaN when nothing was charged).
    public var energyEfficiency: Double
    /// Voltage drop per current step 10 s into the cycle's first discharge, from the state before
    /// it (the previous step's last sample, whichever cycle it was in, or the open-circuit state at
    /// t = 0) [Ω] (NaN when the cycle does not discharge, or its discharge stopped within the 10 s).
    public var dcResistance: Double
    /// CAM|SE interfacial resistance (charge transfer and interphase film, fast-transport limit) at
    /// the end of the cycle's last charging step [Ω] (NaN when the cycle does not charge).
    public var interfacialResistanceAfterCharge: Double
    /// Charge passed by the electrolyte-oxidation side reaction during the cycle [A h]: lithium
    /// moved irreversibly out of the cyclable inventory.
    public var sideReactionCharge: Double
    /// Contact fraction averaged over the active material at the end of the cycle.
    public var meanContactFraction: Double
    /// Smallest foil|SE contact fraction φ_a sampled in the cycle (NaN without the contact law).
    public var minimumNegativeContactFraction: Double = .nan
    /// Smallest contact fraction of the second foil (at x = L) of a symmetric cell sampled in the
    /// cycle (NaN for other layouts or without the contact law).
    public var minimumPositiveContactFraction: Double = .nan
    /// Whether the cycle was simulated, rather than jumped over by ``CycleAcceleration`` (its
    /// values then interpolated between the simulated cycles either side).
    public var isSimulated = true
}

/// Where and why a run stopped early.
public struct SimulationFailure: Error, Sendable, CustomStringConvertible {
    public var cycle: Int
    public var step: Int
    public var stepText: String
    public var time: Double
    public var message: String

    public init(cycle: Int, step: Int, stepText: String, time: Double, message: String) {
        (self.cycle, self.step, self.stepText, self.time, self.message) = (cycle, step, stepText, time, message)
    }

    public var description: String {
        "simulation stopped at t = \(time) s in cycle \(cycle), step \(step) (\"\(stepText)\"): \(message)"
    }
}

/// Everything a simulation produced; on failure, everything up to the failure.
public struct SimulationResult: Sendable {
    public var timeSeries = TimeSeries()
    public var steps: [StepRecord] = []
    public var cycles: [CycleSummary] = []
    public var failure: SimulationFailure?
    /// Why the run ended before its protocol did, when that is an outcome of the cell rather than
    /// a failure ("contact lost at the negative electrode").
    public var stop: String?
    /// Wall time spent integrating (excludes model set-up and file output) [s].
    public var solveTime: Double = 0
    /// IDA's counters over the whole run (steps, residual and Jacobian evaluations, Newton
    /// iterations, error-test and convergence failures).
    public var solverStatistics = SolverStatistics()
    /// The linear solver IDA used, and why KLU when it was not the condensed one.
    public var linearSolver: LinearSolverKind = .klu
    public var linearSolverFallbackReason: String?
    /// With the condensed solver, how its skeleton was factorised: a bordered band (its size,
    /// half-bandwidths and border) or KLU (``IDASolver/condensedSkeletonDescription``).
    public var linearSolverSkeleton: String?
    /// How cycle jumping went, when the run asked for it (``SimulationOptions/acceleration``).
    public var cycleJumps: CycleJumpStatistics?
    /// The model's full state at the end of the run (for post-processing such as resistances).
    public var finalState: [Double]?
    /// Its time derivative ẏ at the end of the run (to linearise about a state that is not at rest).
    public var finalDerivative: [Double]?
    /// Contact damage of every particle (index j K + k) at the end of the run, when a damage law is modelled.
    public var finalContactDamage: [Double]?
    /// dD/dθᵢ of that damage ([i][particle]), when the run carries sensitivities.
    public var finalContactDamageSensitivities: [[Double]]?
    /// Mean stoichiometry of each contact class at the end of the run.
    public var finalClassStoichiometry: [Double]? { timeSeries.classStoichiometry.last }

    public init() {}
}
