import CellModel
import DAESolver
import Foundation
import Parameters
import Protocols
import Simulator

/// Small-signal impedance of a cell at a consistent state, from the model's own exact Jacobian.
///
/// About a state y* (at rest, or at an operating current I*) under current control, a small
/// sinusoidal current I = I* + Re(δI e^{iωt}) perturbs the state by Re(δy e^{iωt}) with
///
///     (K + iω M) δy = e_c δI,     K = ∂F/∂y,  M = ∂F/∂ẏ at (y*, ẏ*),
///
/// e_c the control row (i A − I_set = 0), solved per frequency by a complex sparse LU
/// (``FrequencyResponseSolver``). The cell's impedance for its geometric area (all electrode pairs) is
///
///     Z(ω) = −δV/δI     (positive current = discharge, so Re Z > 0),
///
/// and the positive electrode's, against an ideal reference electrode in the solid electrolyte at the
/// foil, Z₊ = −δ(V − φ_e(0))/δI (it keeps the separator's ionic resistance but not the foil's ohmic and
/// interface impedance). The double-layer capacities of the model set the arcs' time constants; without
/// them the interfaces respond instantaneously and their resistances appear at every frequency.
public enum ImpedanceAnalysis {
    /// Frequency at which the high-frequency limit R∞ = lim_{ω→∞} Re Z is evaluated [Hz]: far above any
    /// interface time constant (~10⁻⁶ s and slower), so R∞ is resolved to ≪ 10⁻⁶ relative.
    public static let limitFrequency = 1e10

    /// The spectrum at `frequencies` [Hz] about (y*, ẏ*) (ẏ* = 0 at rest), with the particles' contact
    /// damage (``SimulationResult/finalContactDamage`` after cycling; none when nil). Throws if the state
    /// does not fit the model or a factorisation fails.
    ///
    /// With `sensitivities` (the state's own sensitivities to keys θᵢ, from
    /// ``restingStateWithSensitivities(parameters:stateOfCharge:sensitivity:)``) the spectrum also carries
    /// dZ/dθᵢ and dZ₊/dθᵢ at every frequency (``SpectrumDerivative``), from the factorisation of A(ω)
    /// that gives Z: one back-substitution per key and frequency.
    public static func spectrum(parameters: CellParameters, state: [Double], derivative: [Double]? = nil,
                                contactDamage: [Double]? = nil, frequencies: [Double],
                                sensitivities: StateSensitivities? = nil) throws -> ImpedanceSpectrum {
        var model = P2DModel(parameters: parameters)
        guard !model.isSymmetricCell else {
            throw ImpedanceError(message: "the impedance of a symmetric cell (\"\(CellLayout.key)\": \"\(CellLayout.symmetricLithium.rawValue)\") is not modelled yet")
        }
        guard state.count == model.stateCount, derivative.map({ $0.count == model.stateCount }) ?? true else {
            throw ImpedanceError(message: "the state has \(state.count) components, the model \(model.stateCount)")
        }
        if let contactDamage {
            guard contactDamage.count == model.contactDamage.count else {
                throw ImpedanceError(message: "contact damage for \(contactDamage.count) particles, the model has \(model.contactDamage.count)")
            }
            model.contactDamage = contactDamage
        }
        model.control = .current(amperes: model.current(state))
        model.events = []
        let rates = derivative ?? [Double](repeating: 0, count: state.count)
        let solver = try FrequencyResponseSolver(try DAELinearisation(system: &model, time: 0, state: state, derivative: rates))
        var forcing = [Complex](repeating: .zero, count: state.count)
        forcing[model.controlEquationIndex] = .one   // δI = 1 A
        let voltage = model.terminalVoltageFunctional
        let positive = voltage - model.foilElectrolytePotentialFunctional(at: state)
        let keys = try sensitivities.map { try SpectrumDerivative.all($0, reference: model, state: state, derivative: rates) } ?? []
        var spectrum = ImpedanceSpectrum()
        spectrum.impedanceSensitivities = Array(repeating: [], count: keys.count)
        spectrum.positiveElectrodeImpedanceSensitivities = spectrum.impedanceSensitivities
        func response(_ frequency: Double) throws -> (cell: Complex, positive: Complex, x: [Complex]) {
            let x = try solver.solve(angularFrequency: 2 * Double.pi * frequency, rightHandSide: forcing)
            return (-voltage.apply(x), -positive.apply(x), x)
        }
        for frequency in frequencies {
            let z = try response(frequency)
            spectrum.frequencies.append(frequency)
            spectrum.impedance.append(z.cell)
            spectrum.positiveElectrodeImpedance.append(z.positive)
            for (i, key) in keys.enumerated() {
                let d = try key.impedanceDerivatives(angularFrequency: 2 * Double.pi * frequency, response: z.x, solver: solver,
                                                     voltage: voltage, positive: positive)
                spectrum.impedanceSensitivities[i].append(d.cell)
                spectrum.positiveElectrodeImpedanceSensitivities[i].append(d.positive)
            }
        }
        let limit = try response(limitFrequency)
        spectrum.highFrequencyResistance = limit.cell.real
        spectrum.positiveHighFrequencyResistance = limit.positive.real
        spectrum.voltage = model.voltage(state)
        spectrum.current = model.current(state)
        spectrum.averageStoichiometry = model.averageStoichiometry(state)
        spectrum.kineticChargeTransferResistance = model.chargeTransferResistance(state)
        return spectrum
    }

    /// A consistent state at rest: every particle at the uniform stoichiometry of `stateOfCharge`
    /// (``P2DModel/stoichiometry(atStateOfCharge:)``: linear between the OCV's cut-off points), or at the
    /// model's initial concentration when nil; potentials, pressure and double layers made consistent
    /// at zero current by IDACalcIC. Returns y and ẏ.
    public static func restingState(parameters: CellParameters, stateOfCharge: Double?) throws -> (state: [Double], derivative: [Double]) {
        let rest = try restingStateWithSensitivities(parameters: parameters, stateOfCharge: stateOfCharge, sensitivity: nil)
        return (rest.state, rest.derivative)
    }

    /// The resting state of ``restingState(parameters:stateOfCharge:)`` and, with `sensitivity` (the
    /// parameters at θᵢ ± δᵢ), its sensitivities sᵢ = dy*/dθᵢ and ṡᵢ. A rest state depends on θ through
    /// its concentrations (each model's own stoichiometry of the SOC, or initial concentration:
    /// sᵢ of the differential unknowns is their central difference) and through the consistency
    /// conditions that fix the algebraic unknowns (potentials, pressure, double layers, contact):
    ///
    ///     F_y sᵢ + F_ẏ ṡᵢ + ∂F/∂θᵢ = 0,
    ///
    /// solved for the algebraic part of sᵢ and the differential part of ṡᵢ by IDAS's own consistent
    /// initial conditions, with the same ∂F/∂θᵢ (``ParameterPerturbations``) as a run's forward
    /// sensitivities.
    public static func restingStateWithSensitivities(parameters: CellParameters, stateOfCharge: Double?,
                                                     sensitivity: SensitivityRequest?) throws -> RestingState {
        var model = P2DModel(parameters: parameters)
        model.control = .current(amperes: 0)
        func initial(_ model: P2DModel) -> [Double] {
            stateOfCharge.map {
                model.restingState(concentration: model.stoichiometry(atStateOfCharge: $0) * model.parameters.positiveMaximumConcentration)
            } ?? model.restingState()
        }
        let solver = try model.makeSolver(relativeTolerance: 1e-10, absoluteTolerance: 1e-12, state: initial(model))
        var perturbations: ParameterPerturbations?
        if let request = sensitivity {
            guard let p = ParameterPerturbations(reference: model, plus: request.plus, minus: request.minus, steps: request.steps) else {
                throw ImpedanceError(message: "a fitted key changes the model's unknowns: no sensitivities of its spectrum")
            }
            let zero = [[Double]](repeating: [Double](repeating: 0, count: model.stateCount), count: p.count)
            // (The solver keeps the closure: it holds the solver unowned.)
            try solver.enableSensitivities(initial: p.initialSensitivities(initial), initialDerivative: zero) { [unowned solver] i, t, y, yp, out in
                try p.residualDerivative(i, time: t, state: y, derivative: yp, into: out, following: solver.system)
            }
            perturbations = p
        }
        try solver.computeConsistentInitialConditions(firstOutputTime: 1)
        return RestingState(state: solver.state, derivative: solver.derivative, sensitivities: perturbations.map {
            StateSensitivities(perturbations: $0, values: solver.sensitivities, derivatives: solver.sensitivityDerivatives)
        })
    }
}

/// A consistent resting state y*, ẏ*, with its sensitivities to fitted keys when asked for.
public struct RestingState: Sendable {
    public var state: [Double]
    public var derivative: [Double]
    public var sensitivities: StateSensitivities?
}

/// sᵢ = dy*/dθᵢ and ṡᵢ of a state, with the models at θᵢ ± δᵢ they were taken with.
public struct StateSensitivities: Sendable {
    public let perturbations: ParameterPerturbations
    public var values: [[Double]]
    public var derivatives: [[Double]]
}

/// What the derivative of a spectrum along one key θ needs, formed once per key. With
/// A(ω) = K + iωM, A x = b (b = e_c, the control row: δI = 1 A whatever θ, so db/dθ = 0) and
/// Z = −v·x for a read-out v (the terminal voltage, or the positive electrode's potential against the
/// SE at the foil):
///
///     dZ/dθ = −(dv/dθ)·x − v·dx/dθ,    dx/dθ = −A⁻¹ (dA/dθ) x,
///
/// where dA/dθ and dv/dθ are total derivatives: the key moves the model and, through the rest state,
/// the point it is linearised at, y*(θ). Both are central differences of the model's exact Jacobian
/// and read-outs between the models at θ ± δ taken at y* ± δs, ẏ* ± δṡ (``DAELinearisation/init(centralDifference:_:step:)``):
/// O(δ²) truncation, as ∂F/∂θ in a run's forward sensitivities. At a bound of a fitted key, where the
/// models sit one-sided at θ and θ − 2δ, the states stay at y* ± δs: θ and y* span the same 2δ, so the
/// first-order term is still the total derivative (at θ − δ: O(δ), as ∂F/∂θ is there).
struct SpectrumDerivative {
    /// dK/dθ and dM/dθ.
    let matrices: DAELinearisation
    /// The read-outs at θ ± δ, y* ± δs, and δ.
    let voltage: (plus: StateFunctional, minus: StateFunctional)
    let positive: (plus: StateFunctional, minus: StateFunctional)
    let step: Double

    /// One per key of `sensitivities`, about (y*, ẏ*) of the `reference` model.
    static func all(_ sensitivities: StateSensitivities, reference: P2DModel, state: [Double], derivative: [Double]) throws -> [Self] {
        let p = sensitivities.perturbations
        return try (0..<p.count).map { i in
            var (plus, minus) = p.models(i, following: reference)
            let step = p.steps[i]
            func moved(_ y: [Double], _ s: [Double], _ sign: Double) -> [Double] { zip(y, s).map { $0 + sign * step * $1 } }
            let (yPlus, yMinus) = (moved(state, sensitivities.values[i], 1), moved(state, sensitivities.values[i], -1))
            let a = try DAELinearisation(system: &plus, time: 0, state: yPlus, derivative: moved(derivative, sensitivities.derivatives[i], 1))
            let b = try DAELinearisation(system: &minus, time: 0, state: yMinus, derivative: moved(derivative, sensitivities.derivatives[i], -1))
            func positive(_ model: P2DModel, _ y: [Double]) -> StateFunctional {
                model.terminalVoltageFunctional - model.foilElectrolytePotentialFunctional(at: y)
            }
            return SpectrumDerivative(matrices: DAELinearisation(centralDifference: a, b, step: step),
                                      voltage: (plus.terminalVoltageFunctional, minus.terminalVoltageFunctional),
                                      positive: (positive(plus, yPlus), positive(minus, yMinus)), step: step)
        }
    }

    /// dZ/dθ and dZ₊/dθ at ω, given the response x = A⁻¹b and the solver that has A(ω) factorised.
    func impedanceDerivatives(angularFrequency omega: Double, response x: [Complex], solver: FrequencyResponseSolver,
                              voltage v: StateFunctional, positive vPositive: StateFunctional) throws -> (cell: Complex, positive: Complex) {
        let dx = try solver.solveFactorised(rightHandSide: matrices.product(angularFrequency: omega, x).map { -$0 })
        func dv(_ pair: (plus: StateFunctional, minus: StateFunctional)) -> Complex {
            (pair.plus.apply(x) - pair.minus.apply(x)) / (2 * step)
        }
        return (-(dv(voltage) + v.apply(dx)), -(dv(positive) + vPositive.apply(dx)))
    }
}

/// An impedance that cannot be computed (the message says why).
public struct ImpedanceError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// Impedance spectra of a cell and of its positive electrode, with the operating point they belong to.
public struct ImpedanceSpectrum: Sendable {
    /// [Hz], in the order asked for.
    public var frequencies: [Double] = []
    /// Z = −δV/δI of the cell [Ω].
    public var impedance: [Complex] = []
    /// Z₊ of the positive electrode against a reference in the SE at the foil [Ω].
    public var positiveElectrodeImpedance: [Complex] = []
    /// lim_{ω→∞} Re Z and Re Z₊ [Ω]: the ohmic resistances (double layers short-circuited).
    public var highFrequencyResistance = Double.nan
    public var positiveHighFrequencyResistance = Double.nan
    /// The operating point: terminal voltage [V], current [A], mean positive stoichiometry, and the
    /// kinetic charge-transfer resistance RT/(F Σ i₀ a φ h A) of the state [Ω] (`chargeTransferResistance`).
    public var voltage = Double.nan
    public var current = Double.nan
    public var averageStoichiometry = Double.nan
    public var kineticChargeTransferResistance = Double.nan
    /// dZ/dθᵢ and dZ₊/dθᵢ [Ω per unit of θᵢ] at each frequency, one array per key of the
    /// ``StateSensitivities`` the spectrum was computed with (empty without).
    public var impedanceSensitivities: [[Complex]] = []
    public var positiveElectrodeImpedanceSensitivities: [[Complex]] = []

    public init() {}

    /// Arcs of the cell's spectrum (see ``ImpedanceArc/arcs(frequencies:impedance:highFrequencyResistance:)``).
    public var arcs: [ImpedanceArc] {
        ImpedanceArc.arcs(frequencies: frequencies, impedance: impedance, highFrequencyResistance: highFrequencyResistance)
    }

    /// Arcs of the positive electrode's spectrum; the first is its charge-transfer arc.
    public var positiveElectrodeArcs: [ImpedanceArc] {
        ImpedanceArc.arcs(frequencies: frequencies, impedance: positiveElectrodeImpedance,
                          highFrequencyResistance: positiveHighFrequencyResistance)
    }

    /// The charge-transfer resistance read off the spectrum as an experimenter reads a Nyquist plot:
    /// the width of the positive electrode's first arc, from R∞ to the real part at the valley of −Im Z₊
    /// where the arc meets the diffusion tail. It includes the composite's distributed ionic and
    /// electronic resistance beyond R∞ (the transmission line's share), as an equivalent-circuit fit
    /// of one arc would. Nil when the arc does not close within the frequency range.
    public var chargeTransferResistance: Double? { positiveElectrodeArcs.first?.width }
}

/// One arc of a Nyquist plot: from where it starts on the high-frequency side (R∞ or the previous arc's
/// valley) through its apex (largest −Im Z) to its valley (the next local minimum of −Im Z towards
/// low frequency).
public struct ImpedanceArc: Sendable, Equatable {
    public var startResistance: Double
    public var apexFrequency: Double
    public var apexReactance: Double
    public var valleyFrequency: Double
    public var valleyResistance: Double
    /// valleyResistance − startResistance [Ω].
    public var width: Double { valleyResistance - startResistance }

    /// Every closed arc, from high to low frequency. Points are taken in order of decreasing frequency;
    /// an apex is a local maximum of −Im Z with −Im Z > 0, its valley the first local minimum after it.
    /// An arc without a valley inside the range (the last one, running into the diffusion tail or the
    /// range's end) is not reported.
    public static func arcs(frequencies: [Double], impedance: [Complex], highFrequencyResistance: Double) -> [ImpedanceArc] {
        let order = frequencies.indices.sorted { frequencies[$0] > frequencies[$1] }
        let f = order.map { frequencies[$0] }
        let re = order.map { impedance[$0].real }
        let x = order.map { -impedance[$0].imaginary }
        var arcs: [ImpedanceArc] = []
        var start = highFrequencyResistance
        var k = 1
        while k + 1 < x.count {
            guard x[k] > 0, x[k] >= x[k - 1], x[k] > x[k + 1] else { k += 1; continue }
            let apex = k
            var valley = apex + 1
            while valley + 1 < x.count && x[valley + 1] < x[valley] { valley += 1 }
            guard valley + 1 < x.count else { break }   // no minimum inside the range
            arcs.append(ImpedanceArc(startResistance: start, apexFrequency: f[apex], apexReactance: x[apex],
                                     valleyFrequency: f[valley], valleyResistance: re[valley]))
            start = re[valley]
            k = valley + 1
        }
        return arcs
    }
}

/// Log-spaced frequencies given as `"FMIN:FMAX:N"` [Hz]: N points from FMIN to FMAX inclusive,
/// f_k = FMIN (FMAX/FMIN)^{k/(N−1)}.
public struct FrequencyGrid: Sendable, Equatable {
    public var minimum: Double
    public var maximum: Double
    public var count: Int

    public static let defaultText = "1e-3:1e6:60"
    public static let allowedText = "FMIN:FMAX:N, log-spaced, with 1e-6 <= FMIN < FMAX <= 1e9 Hz and N a whole number from 2 to 10000"
    static let range = 1e-6...1e9

    public init(minimum: Double, maximum: Double, count: Int) {
        self.minimum = minimum
        self.maximum = maximum
        self.count = count
    }

    public init(parsing text: String) throws(FrequencyGridError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 3 else {
            throw FrequencyGridError(text: text, problem: "expected three fields separated by ':'")
        }
        guard let low = Double(parts[0]), low.isFinite else { throw FrequencyGridError(text: text, problem: "FMIN \"\(parts[0])\" is not a number") }
        guard let high = Double(parts[1]), high.isFinite else { throw FrequencyGridError(text: text, problem: "FMAX \"\(parts[1])\" is not a number") }
        guard let n = Int(parts[2]) else { throw FrequencyGridError(text: text, problem: "N \"\(parts[2])\" is not a whole number") }
        guard Self.range.contains(low) else { throw FrequencyGridError(text: text, problem: "FMIN \(parts[0]) Hz is out of range") }
        guard Self.range.contains(high) else { throw FrequencyGridError(text: text, problem: "FMAX \(parts[1]) Hz is out of range") }
        guard low < high else { throw FrequencyGridError(text: text, problem: "FMIN must be below FMAX") }
        guard (2...10_000).contains(n) else { throw FrequencyGridError(text: text, problem: "N = \(n) is out of range") }
        minimum = low
        maximum = high
        count = n
    }

    /// The frequencies, from FMIN to FMAX [Hz].
    public var frequencies: [Double] {
        let ratio = log(maximum / minimum)
        return (0..<count).map { k in
            k == 0 ? minimum : (k == count - 1 ? maximum : minimum * exp(ratio * Double(k) / Double(count - 1)))
        }
    }
}

/// A `"FMIN:FMAX:N"` text that is not a valid frequency grid.
public struct FrequencyGridError: Error, CustomStringConvertible {
    public var text: String
    public var problem: String
    public var description: String {
        let shown = text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        return "\"\(shown)\": \(problem) (allowed: \(FrequencyGrid.allowedText))"
    }
}
