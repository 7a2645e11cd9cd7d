import CellPhysics
import DAESolver
import Foundation
import Parameters

/// What the protocol prescribes for the cell (the other of current and voltage follows).
public enum CellControl: Equatable, Sendable {
    /// Cell current [A], positive = discharge (0 = rest).
    case current(amperes: Double)
    /// Terminal voltage [V].
    case voltage(volts: Double)
    /// Electrical power [W], positive = discharge.
    case power(watts: Double)
}

/// A condition that ends an integration, as a root function g(y) that changes sign there.
public enum CellEvent: Equatable, Sendable {
    /// g = V − v.
    case voltage(volts: Double)
    /// g = |I| − i: the current magnitude falls (or rises) through i [A].
    case currentMagnitude(amperes: Double)
}

/// A particle is driven outside its physical range (stoichiometry ∉ (0, 1)) by a trial step;
/// IDA retries with a smaller step.
public struct NonPhysicalStateError: RecoverableEvaluationError, CustomStringConvertible {
    public var what: String
    public var value: Double
    public var description: String { "\(what) = \(value) is outside its physical range" }
}

/// The pseudo-two-dimensional model of a solid-state half cell, discretised by finite volumes.
///
/// Unknowns: the solid-electrolyte potential φ_e in every separator and composite cell, the
/// electronic potential φ_s in every composite cell, the Li concentration c at every radial node of
/// every particle class k = 1…K at every composite cell, the current density i [A m⁻²], the
/// discharged capacity Q [A h] and the stack pressure P [MPa]. With x = 0 at the negative foil and
/// t₊ = 1 (single-ion conductor):
///
///     ∂/∂x(κ_eff ∂φ_e/∂x) = −Σ_k a_k φ_k j_k     (composite; 0 in the separator)   κ_eff = κ(T) B(ε_e)
///     ∂/∂x(σ_eff ∂φ_s/∂x) =  Σ_k a_k φ_k j_k     (composite)                        σ_eff = σ (1 − ε_e)^b_s
///     ∂c_k/∂t = r⁻² ∂/∂r(r² D(c_k, T) ∂c_k/∂r),   ∂c_k/∂r|₀ = 0,   D ∂c_k/∂r|_{R_k} = −φ_k j_k/F
///     j_k = 2 i₀ sinh(F η_k / 2RT),   η_k = φ_s − φ_e − U(c_k,R/c_max),   i₀ = 2 i₀,ref(T) √(y(1 − y))
///
/// with a_k = 3 ε_s w_k / R_k (w_k the class's share of the active volume), B the transport
/// efficiency (ε^b, Bruggeman, or ε/τ_f), U with PyBaMM's boundary asymptotes and the square
/// roots regularised within 10⁻³ of 0 and 1. The contact fraction of class k (DESIGN.md §2),
///
///     φ_k = φ0_k · Π(P) · R_rev(ε_V(ȳ_k), P) · (1 − D_jk),
///
/// depends on the stack pressure and on the class's mean stoichiometry ȳ_k through the volume
/// change ε_V; without mechanics φ_k = φ0_k (= 1 for the single default class). The contact
/// damage D_jk of each particle is set between cycles (``contactDamage``, ``ContactDamageLaw``).
/// With electrolyte oxidation (``ElectrolyteOxidation``) every particle also carries the oxidised
/// charge q_jk per contacted area: dq/dt = j_ox(y_R), the side current a_k φ_k j_ox joins the
/// ionic and electronic charge balances (not the particle), and the interphase resistance
/// R_f = q V_f/(F κ_f) enters the main reaction implicitly, η_k = φ_s − φ_e − U − R_f j_k.
/// Boundary conditions: φ_e(0) = −i L_n/σ_n − η_Li − U_n with η_Li = (2RT/F) asinh(i / 2 i₀,Li)
/// (Butler–Volmer at the foil), no ionic flux at the current collector, no electronic flux at
/// the separator, and −σ_eff ∂φ_s/∂x = i at the collector. The terminal voltage is V = φ_s(L).
/// One algebraic equation closes the system from the control (i A − I = 0, V − V_set = 0, or
/// i A V − P_el = 0), dQ/dt = i A / 3600, and the pressure follows the fixture: P = P_set, or
/// P = P_set + k_stack ΔL with ΔL the composite's and the foil's thickness change.
/// The ionic and electronic sources are then Σ_k a_k φ_k (j_k + j_ox,k).
/// With interface capacities in the model file, the CAM|SE and foil|SE double layers add a
/// charging current a_dl C_dl ψ̇ to the charge balances and C_n η̇_n to the foil's kinetics, with
/// unknowns ψ_j and η_n appended to the state (`P2DModel+DoubleLayer.swift`).
///
/// The discretisation is PyBaMM's finite-volume scheme, term for term (see
/// `validation/pybamm/DISCRETISATION.md`), so the two agree to solver tolerance on the same mesh:
/// particle face diffusivities are the harmonic mean of the node values, boundary values
/// (surface concentration, terminal voltage) the linear extrapolation of the last two nodes, and
/// the foil boundary condition enters through a ghost node. Face conductivities are harmonic
/// means (exact across the separator | composite jump) unless the model file asks for PyBaMM's
/// linear interpolation (``FaceAveraging``).
///
/// Residual and Jacobian evaluations do not allocate. The Jacobian is exact (analytic).
public struct P2DModel: DAESystem {
    public let parameters: CellParameters
    public let mesh: ThroughCellMesh
    /// One radial mesh per particle class.
    public let particles: [ParticleMesh]

    /// The current control; change it between integrations and re-initialise the solver.
    public var control: CellControl = .current(amperes: 0)
    /// Root functions that end the current integration.
    public var events: [CellEvent] = []

    // State layout
    public let stateCount: Int
    public let differentialMask: [Bool]
    public let jacobianPattern: SparsityPattern
    let layout: Layout
    var electrodeStart: Int { layout.electrodeStart }
    var concentrationStart: Int { layout.concentrationStart }
    public var currentIndex: Int { layout.currentIndex }
    var capacityIndex: Int { layout.capacityIndex }
    public var pressureIndex: Int { layout.pressureIndex }
    /// Index of the first oxidised-charge unknown q (one per reaction j K + k), when oxidation is modelled.
    public var filmStart: Int { layout.filmStart }
    public var classCount: Int { layout.classes }
    var radialNodes: Int { layout.nr }

    // Constants at the operating temperature
    let f: Double                       // F/RT
    let faceKappa: [Double]             // κ_eff at faces 0...Nx (face 0 = foil, Nx = collector)
    let faceDistance: [Double]          // distance between the nodes either side of each face
    let sigmaEff: Double
    let classArea: [Double]             // a_k = 3 ε_s w_k / R_k
    let classContact: [Double]          // φ0_k
    let diffusivityFactor: Double       // Arrhenius factor of D
    let exchangeCurrentScale: Double    // i₀,ref(T)
    let lithiumExchangeCurrent: Double  // i₀,Li(T)
    let cMax: Double
    let mechanics: ContactMechanics?
    /// Whether φ_k depends on the particle's mean stoichiometry (a volume change is modelled).
    let contactFollowsLithiation: Bool
    let initialStrain: Double
    /// Electrolyte oxidation, its current scale i_ox(T) and dR_f/dq.
    let oxidation: ElectrolyteOxidation?
    let oxidationCurrentScale: Double
    let filmResistancePerCharge: Double

    /// Irreversible contact damage D of every particle (index j K + k), 0 when fresh. The
    /// simulation raises it between cycles; change it only between integrations.
    public var contactDamage: [Double] { didSet { updateDiffusivityScale() } }
    /// Arrhenius factor times the contact diffusion penalty of every particle,
    /// g = (φ0_k Π(P_set) (1 − D_jk))^m_d: with patchy contact, lithium diffuses further inside the
    /// particle to and from its contact patches (PHYSICS-NOTES §6.5). It follows the slowly varying
    /// part of the contact (fabrication, set pressure, damage), not the reversible gap within a cycle.
    private(set) var diffusivityScale: [Double]

    let slots: Slots
    let interfaceSlots: InterfaceSlots

    // Scratch, per composite cell and class (index j K + k): the effective reaction current
    // density φ j [A m⁻² of particle surface] and its derivatives; the side (oxidation) current
    // φ j_ox [A m⁻² of particle surface], its derivatives, and j_ox per contacted area (the film
    // growth rate) with its derivative in the surface concentration. Held in a class so that the
    // evaluation code can be non-mutating: calling non-mutating methods from a mutating one made
    // Swift copy the whole model (retaining every array in it) per cell or per node, depending on
    // what the optimiser inlined. Copied on write by ``residual`` and ``jacobian``.
    private var scratch: ReactionScratch
    private var flux: UnsafeMutableBufferPointer<Double> { scratch.flux }
    private var fluxDPhiS: UnsafeMutableBufferPointer<Double> { scratch.fluxDPhiS }
    private var fluxDSurface: UnsafeMutableBufferPointer<Double> { scratch.fluxDSurface }
    private var fluxDMean: UnsafeMutableBufferPointer<Double> { scratch.fluxDMean }
    private var fluxDPressure: UnsafeMutableBufferPointer<Double> { scratch.fluxDPressure }
    // The contact fraction φ and its derivatives (∂φ/∂ȳ per unit c_m V_m, as fluxDMean; ∂φ/∂P).
    var contactValue: UnsafeMutableBufferPointer<Double> { scratch.contactValue }
    var contactDMean: UnsafeMutableBufferPointer<Double> { scratch.contactDMean }
    var contactDPressure: UnsafeMutableBufferPointer<Double> { scratch.contactDPressure }
    private var fluxDFilm: UnsafeMutableBufferPointer<Double> { scratch.fluxDFilm }
    private var sideFlux: UnsafeMutableBufferPointer<Double> { scratch.sideFlux }
    private var sideFluxDSurface: UnsafeMutableBufferPointer<Double> { scratch.sideFluxDSurface }
    private var sideFluxDMean: UnsafeMutableBufferPointer<Double> { scratch.sideFluxDMean }
    private var sideFluxDPressure: UnsafeMutableBufferPointer<Double> { scratch.sideFluxDPressure }
    private var oxidationRate: UnsafeMutableBufferPointer<Double> { scratch.oxidationRate }
    private var oxidationRateDSurface: UnsafeMutableBufferPointer<Double> { scratch.oxidationRateDSurface }

    public init(parameters p: CellParameters) {
        parameters = p
        mesh = ThroughCellMesh(separatorThickness: p.separatorThickness, separatorCells: p.separatorMeshPoints,
                               positiveThickness: p.positiveThickness, positiveCells: p.positiveMeshPoints)
        particles = p.contactClasses.map { ParticleMesh(cells: p.particleMeshPoints, radius: $0.radius) }
        mechanics = p.mechanics
        contactFollowsLithiation = p.mechanics != nil
        let nx = p.separatorMeshPoints + p.positiveMeshPoints
        oxidation = p.degradation?.oxidation
        layout = Layout(nx: nx, ns: p.separatorMeshPoints, np: p.positiveMeshPoints, nr: p.particleMeshPoints,
                        classes: p.contactClasses.count, films: oxidation != nil,
                        positiveDoubleLayer: p.positiveDoubleLayerCapacity > 0, foilDoubleLayer: p.negativeDoubleLayerCapacity > 0)
        stateCount = layout.stateCount
        let l = layout
        differentialMask = (0..<l.stateCount).map {
            ($0 >= l.concentrationStart && $0 < l.currentIndex) || $0 == l.capacityIndex
                || ($0 >= l.filmStart && $0 < l.interfaceStart) || l.isInterfaceUnknown($0)
        }

        let T = p.temperature
        f = faradayConstant / (gasConstant * T)
        let kappa = p.electrolyteConductivity * arrhenius(activationEnergy: p.electrolyteConductivityActivationEnergy,
                                                          temperature: T, reference: p.referenceTemperature)
        let separatorCells = p.separatorMeshPoints
        let nodeKappa = (0..<nx).map { i in
            i < separatorCells
                ? kappa * p.separatorTransport(p.separatorElectrolyteFraction)
                : kappa * p.positiveElectrolyteTransport(p.positiveElectrolyteFraction)
        }
        var faceKappa = [Double](repeating: 0, count: nx + 1)
        var faceDistance = [Double](repeating: 0, count: nx + 1)
        faceKappa[0] = nodeKappa[0]
        faceDistance[0] = mesh.widths[0] / 2
        for face in 1..<nx {
            let (w1, w2) = (mesh.widths[face - 1], mesh.widths[face])
            faceKappa[face] = p.faceConductivityAveraging.face(nodeKappa[face - 1], nodeKappa[face], widths: w1, w2)
            faceDistance[face] = (w1 + w2) / 2
        }
        self.faceKappa = faceKappa
        self.faceDistance = faceDistance
        sigmaEff = p.positiveConductivity * pow(1 - p.positiveElectrolyteFraction, p.positiveElectrodeBruggeman)
        classArea = p.contactClasses.map { 3 * p.positiveActiveMaterialFraction * $0.volumeShare / $0.radius }
        classContact = p.contactClasses.map(\.initialContact)
        diffusivityFactor = arrhenius(activationEnergy: p.positiveDiffusivityActivationEnergy, temperature: T,
                                      reference: p.referenceTemperature)
        exchangeCurrentScale = p.positiveExchangeCurrentDensity
            * arrhenius(activationEnergy: p.positiveExchangeCurrentActivationEnergy, temperature: T,
                        reference: p.referenceTemperature)
        lithiumExchangeCurrent = p.negativeExchangeCurrentDensity
            * arrhenius(activationEnergy: p.negativeExchangeCurrentActivationEnergy, temperature: T,
                        reference: p.referenceTemperature)
        cMax = p.positiveMaximumConcentration
        initialStrain = p.mechanics?.volumeChange.strain(stoichiometry: p.positiveInitialConcentration / cMax).value ?? 0
        oxidationCurrentScale = oxidation.map {
            $0.currentDensity * arrhenius(activationEnergy: $0.activationEnergy, temperature: T, reference: p.referenceTemperature)
        } ?? 0
        filmResistancePerCharge = oxidation?.resistancePerCharge ?? 0

        let (pattern, slots) = Slots.build(layout, denseParticleCoupling: contactFollowsLithiation,
                                           pressureFollowsState: { if case .constantGap? = p.mechanics?.fixture { return true }; return false }(),
                                           extraEntries: InterfaceSlots.entries(layout))
        jacobianPattern = pattern
        self.slots = slots
        interfaceSlots = InterfaceSlots(layout, pattern)
        let reactions = l.np * l.classes
        scratch = ReactionScratch(count: reactions)
        contactDamage = Array(repeating: 0, count: reactions)
        diffusivityScale = Array(repeating: diffusivityFactor, count: reactions)
        updateDiffusivityScale()
    }

    private mutating func updateDiffusivityScale() {
        let exponent = parameters.contactDiffusionExponent
        guard exponent != 0 else { return }
        let pressureFactor = mechanics?.pressureLaw.factor(pressure: setPressure).value ?? 1
        for reaction in contactDamage.indices {
            let contact = classContact[reaction % classCount] * pressureFactor * (1 - contactDamage[reaction])
            diffusivityScale[reaction] = diffusivityFactor * pow(contact, exponent)
        }
    }

    // MARK: Indexing

    @inline(__always) func concentrationIndex(cell j: Int, class k: Int, node m: Int) -> Int {
        layout.concentration(j, k, m)
    }

    /// Surface concentration by linear extrapolation of the last two nodes to r = R:
    /// c_R = c_{N−1} + ½(c_{N−1} − c_{N−2}).
    static let surfaceWeightLast = 1.5
    static let surfaceWeightPrevious = -0.5

    @inline(__always) func surfaceConcentration(_ y: UnsafeBufferPointer<Double>, cell j: Int, class k: Int) -> Double {
        let last = layout.concentration(j, k, layout.nr - 1)
        return Self.surfaceWeightLast * y[last] + Self.surfaceWeightPrevious * y[last - 1]
    }

    /// Volume-averaged concentration of one particle, c̄ = Σ_m c_m V_m / (R³/3).
    @inline(__always) func meanConcentration(_ y: UnsafeBufferPointer<Double>, cell j: Int, class k: Int) -> Double {
        let particle = particles[k]
        let first = layout.concentration(j, k, 0)
        var sum = 0.0
        for m in 0..<layout.nr { sum += y[first + m] * particle.volume(m) }
        return sum / particle.totalVolume
    }

    // MARK: Constitutive relations (value and derivatives)

    /// Open-circuit potential with PyBaMM's boundary asymptotes, U(y) and dU/dy
    /// (see ``OpenCircuitPotentials/boundaryAsymptotes(_:)``).
    @inline(__always)
    func openCircuitPotential(_ y: Double) -> (value: Double, derivative: Double) {
        let inside = y > 1e-10 && y < 1 - 1e-10
        let (u, dU) = parameters.positiveOCP(min(max(y, 1e-10), 1 - 1e-10))
        let (barrier, dBarrier) = OpenCircuitPotentials.boundaryAsymptotes(y)
        return (u + barrier, (inside ? dU : 0) + dBarrier)
    }

    /// Exchange-current density i₀ = 2 i₀,ref(T) g(y) g(1 − y) with g the regularised square root
    /// (i₀ = i₀,ref at y = ½; y clipped to [0, 1] as in PyBaMM), and di₀/dy.
    @inline(__always)
    func exchangeCurrentDensity(_ y: Double) -> (value: Double, derivative: Double) {
        let inside = y > 0 && y < 1
        let yc = min(max(y, 0), 1)
        let (g1, dg1) = regularisedSquareRoot(yc)
        let (g2, dg2) = regularisedSquareRoot(1 - yc)
        let scale = 2 * exchangeCurrentScale
        return (scale * g1 * g2, inside ? scale * (dg1 * g2 - g1 * dg2) : 0)
    }

    /// Butler–Volmer current density j [A m⁻²] (positive = delithiation) through an interphase of
    /// resistance R_f [Ω m²] in series, j = 2 i₀ sinh(f η/2) with η = Δφ − U(y) − R_f j and
    /// Δφ = φ_s − φ_e, given the surface stoichiometry y and U(y), dU/dy; returns j and ∂j/∂Δφ,
    /// ∂j/∂c_R, ∂j/∂R_f. With g = ∂j/∂η = i₀ f cosh(f η/2), implicit differentiation gives
    /// ∂j/∂Δφ = g/(1 + R_f g), ∂j/∂y = (2 sinh(fη/2) di₀/dy − g dU/dy)/(1 + R_f g),
    /// ∂j/∂R_f = −g j/(1 + R_f g). `nil` when the overpotential behind the film does not converge.
    /// Not a throwing function: a throwing call from `updateReactions`, when it was mutating, made
    /// Swift copy the whole model (and retain every array in it) once per electrode cell.
    @inline(__always)
    func butlerVolmer(potentialDifference: Double, surface y: Double, ocp: (value: Double, derivative: Double),
                      filmResistance: Double)
        -> (j: Double, dPotential: Double, dSurface: Double, dFilm: Double)? {
        let drive = potentialDifference - ocp.value
        let (i0, dI0dy) = exchangeCurrentDensity(y)
        var eta = drive
        if filmResistance > 0 {
            guard let behindFilm = convergedOverpotentialBehindFilm(drive: drive, exchangeCurrent: i0, film: filmResistance)
            else { return nil }
            eta = behindFilm
        }
        let (s, c) = sinhAndCosh(0.5 * f * eta)
        let j = 2 * i0 * s
        let g = i0 * f * c
        let damping = 1 + filmResistance * g
        return (j, g / damping, (2 * dI0dy * s - g * ocp.derivative) / damping / cMax, -g * j / damping)
    }

    /// The overpotential η across the charge-transfer step when a film of resistance R takes
    /// R j of the drive Δ: the root of H(η) = η + 2 R i₀ sinh(f η/2) − Δ, which lies between 0
    /// and Δ. H is increasing and convex on the side of Δ, so Newton's method from η = Δ converges
    /// monotonically.
    func overpotentialBehindFilm(drive: Double, exchangeCurrent i0: Double, film R: Double) throws -> Double {
        guard let eta = convergedOverpotentialBehindFilm(drive: drive, exchangeCurrent: i0, film: R) else {
            throw NonPhysicalStateError(what: "overpotential behind the interphase film (no convergence) at drive", value: drive)
        }
        return eta
    }

    /// ``overpotentialBehindFilm(drive:exchangeCurrent:film:)``, `nil` if Newton's method has not
    /// converged in 200 iterations.
    @inline(__always)
    func convergedOverpotentialBehindFilm(drive: Double, exchangeCurrent i0: Double, film R: Double) -> Double? {
        var eta = drive
        for _ in 0..<200 {
            let (s, c) = sinhAndCosh(0.5 * f * eta)
            let step = (eta + 2 * R * i0 * s - drive) / (1 + R * i0 * f * c)
            eta -= step
            if abs(step) <= 1e-15 * (1 + abs(eta)) { return eta }
        }
        return nil
    }

    /// Electrolyte oxidation current density per contacted area, j_ox = i_ox(T) exp(α_ox f (U − U_ox)),
    /// and ∂j_ox/∂c_R, from the surface OCP U(y) and dU/dy (the exponent is capped at 60, far
    /// beyond any physical state).
    @inline(__always)
    func oxidationCurrent(ocp: (value: Double, derivative: Double)) -> (value: Double, dSurface: Double) {
        guard let oxidation else { return (0, 0) }
        let exponent = oxidation.transferCoefficient * f * (ocp.value - oxidation.onsetPotential)
        guard exponent < 60 else { return (oxidationCurrentScale * exp(60), 0) }
        let value = oxidationCurrentScale * exp(exponent)
        return (value, value * oxidation.transferCoefficient * f * ocp.derivative / cMax)
    }

    /// The pressure factor Π(P) of the contact law and dΠ/dP (1 and 0 without mechanics): the same
    /// for every particle, so evaluated once per state.
    @inline(__always)
    func pressureFactor(_ pressure: Double) -> (value: Double, derivative: Double) {
        mechanics?.pressureLaw.factor(pressure: pressure) ?? (1, 0)
    }

    /// Contact fraction φ = φ0_k Π(P) R_rev(ε_V(ȳ), P) (1 − D) of the particle of class k at
    /// reaction index j K + k, with ∂φ/∂ȳ and ∂φ/∂P, given Π(P) and dΠ/dP
    /// (``pressureFactor(_:)``).
    @inline(__always)
    func contactFraction(class k: Int, reaction: Int, meanStoichiometry y: Double, pressure: Double,
                         pressureFactor: (value: Double, derivative: Double))
        -> (value: Double, dMean: Double, dPressure: Double) {
        let initial = classContact[k] * (1 - contactDamage[reaction])
        guard let mechanics, initial > 0 else { return (initial, 0, 0) }
        let (pi, dPi) = pressureFactor
        let (strain, dStrain) = mechanics.volumeChange.strain(stoichiometry: y)
        let (r, dRdStrain, dRdP) = mechanics.gapLaw.retention(strain: strain, radius: particles[k].radius, pressure: pressure)
        return (initial * pi * r, initial * pi * dRdStrain * dStrain, initial * (dPi * r + pi * dRdP))
    }

    /// Electrolyte potential at the foil, φ_e(0) = −i L_n/σ_n − (2/f) asinh(i / 2i₀,Li) − U_n, and its derivative in i.
    @inline(__always)
    func foilElectrolytePotential(current i: Double) -> (value: Double, dCurrent: Double) {
        let p = parameters
        let x = i / (2 * lithiumExchangeCurrent)
        let value = -i * p.negativeThickness / p.negativeConductivity - (2 / f) * asinh(x) - p.negativeOCP
        let derivative = -p.negativeThickness / p.negativeConductivity
            - (2 / f) / (1 + x * x).squareRoot() / (2 * lithiumExchangeCurrent)
        return (value, derivative)
    }

    /// Terminal voltage V = φ_s(L), extrapolated linearly from the last two nodes:
    /// V = 1.5 φ_s,N−1 − 0.5 φ_s,N−2 (∂V/∂ of those two nodes returned).
    @inline(__always)
    func terminalVoltage(_ y: UnsafeBufferPointer<Double>) -> (value: Double, dLast: Double, dPrevious: Double) {
        let last = electrodeStart + mesh.positiveCells - 1
        return (1.5 * y[last] - 0.5 * y[last - 1], 1.5, -0.5)
    }

    /// Particle diffusivity at the face between two nodes of particle j K + k: the harmonic mean
    /// of the node values D_f = 2 D₁D₂/(D₁ + D₂), D = D(y) × Arrhenius × g_jk (the contact
    /// diffusion penalty), with ∂D_f/∂c₁ and ∂D_f/∂c₂.
    @inline(__always)
    func faceDiffusivity(_ c1: Double, _ c2: Double, particle reaction: Int) -> (value: Double, dLeft: Double, dRight: Double) {
        let (d1, dd1) = parameters.positiveDiffusivity(c1 / cMax)
        let (d2, dd2) = parameters.positiveDiffusivity(c2 / cMax)
        let sum = d1 + d2
        let scale = diffusivityScale[reaction]
        return (scale * 2 * d1 * d2 / sum,
                scale * 2 * d2 * d2 / (sum * sum) * dd1 / cMax,
                scale * 2 * d1 * d1 / (sum * sum) * dd2 / cMax)
    }

    /// Change of the stack's thickness from its initial state [m]: the composite expands with its
    /// active material (uniaxially, ΔL_p = Σ_j h_j ε_s Σ_k w_k Δε_V,k) and the foil grows by the
    /// lithium the particles give up (ΔL_n = −ε_s V̄_Li Σ_j h_j Σ_k w_k Δc̄_k).
    func thicknessChange(_ y: UnsafeBufferPointer<Double>) -> Double {
        guard let mechanics else { return 0 }
        let p = parameters
        let c0 = p.positiveInitialConcentration
        var change = 0.0
        for j in 0..<mesh.positiveCells {
            var cell = 0.0
            for k in 0..<classCount {
                let mean = meanConcentration(y, cell: j, class: k)
                let strain = mechanics.volumeChange.strain(stoichiometry: mean / cMax).value - initialStrain
                cell += p.contactClasses[k].volumeShare * (strain - mechanics.negativeLithiumMolarVolume * (mean - c0))
            }
            change += mesh.widths[mesh.separatorCells + j] * p.positiveActiveMaterialFraction * cell
        }
        return change
    }

    private func updateReactions(_ y: UnsafeBufferPointer<Double>) throws {
        let ns = mesh.separatorCells
        let pressure = y[pressureIndex]
        let pressureFactor = self.pressureFactor(pressure)
        for j in 0..<mesh.positiveCells {
            for k in 0..<classCount {
                let r = j * classCount + k
                let surface = surfaceConcentration(y, cell: j, class: k) / cMax
                // A wildly unphysical trial state (a Newton overshoot): let IDA retry with a smaller step.
                guard surface > -0.5 && surface < 1.5 else {
                    throw NonPhysicalStateError(what: "positive particle surface stoichiometry", value: surface)
                }
                let ocp = openCircuitPotential(surface)
                // The film resistance R_f = q V_f/(F κ_f) of a grown film (q ≥ 0; a slightly negative
                // trial value counts as no film, with zero derivative).
                let charge = oxidation == nil ? 0 : y[layout.film(r)]
                let film = filmResistancePerCharge * max(charge, 0)
                let potentialDifference = y[electrodeStart + j] - y[ns + j]
                guard let (rate, dPotential, dSurface, dFilm) = butlerVolmer(
                    potentialDifference: potentialDifference, surface: surface, ocp: ocp, filmResistance: film) else {
                    throw NonPhysicalStateError(what: "overpotential behind the interphase film (no convergence) at drive",
                                                value: potentialDifference - ocp.value)
                }
                var contact = (value: classContact[k] * (1 - contactDamage[r]), dMean: 0.0, dPressure: 0.0)
                if contactFollowsLithiation && contact.value > 0 {
                    let mean = meanConcentration(y, cell: j, class: k) / cMax
                    contact = contactFraction(class: k, reaction: r, meanStoichiometry: mean, pressure: pressure,
                                              pressureFactor: pressureFactor)
                }
                let perNodeMean = cMax * particles[k].totalVolume  // ∂ȳ = ∂(c_m V_m) / this
                flux[r] = contact.value * rate
                fluxDPhiS[r] = contact.value * dPotential
                fluxDSurface[r] = contact.value * dSurface
                fluxDMean[r] = rate * contact.dMean / perNodeMean
                fluxDPressure[r] = rate * contact.dPressure
                contactValue[r] = contact.value
                contactDMean[r] = contact.dMean / (cMax * particles[k].totalVolume)
                contactDPressure[r] = contact.dPressure
                guard oxidation != nil else { continue }
                fluxDFilm[r] = charge > 0 ? contact.value * dFilm * filmResistancePerCharge : 0
                let (side, dSide) = oxidationCurrent(ocp: ocp)
                oxidationRate[r] = contact.value > 0 ? side : 0
                oxidationRateDSurface[r] = contact.value > 0 ? dSide : 0
                sideFlux[r] = contact.value * side
                sideFluxDSurface[r] = contact.value * dSide
                sideFluxDMean[r] = side * contact.dMean / perNodeMean
                sideFluxDPressure[r] = side * contact.dPressure
            }
        }
    }

    // MARK: DAESystem

    public var rootCount: Int { events.count }

    /// Running totals integrated with the solution (``Quadrature``).
    public var quadratureCount: Int { Quadrature.allCases.count }

    /// The energy delivered, V I / 3600 [W h s⁻¹] (positive on discharge), and the side-reaction
    /// current I_ox / 3600 [A h s⁻¹]. Allocates nothing.
    public func quadratureIntegrands(time: Double, state y: UnsafeBufferPointer<Double>,
                                     derivative yp: UnsafeBufferPointer<Double>,
                                     into q: UnsafeMutableBufferPointer<Double>) {
        q[Quadrature.energy.rawValue] = terminalVoltage(y).value * y[currentIndex] * parameters.totalArea / 3600
        q[Quadrature.sideReactionCharge.rawValue] = sideReactionCurrent(state: y, derivative: yp) / 3600
    }

    public mutating func residual(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>,
                                  into r: UnsafeMutableBufferPointer<Double>) throws {
        makeScratchUnique()
        try evaluateResidual(time: time, state: y, derivative: yp, into: r)
    }

    public mutating func jacobian(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>, cj: Double,
                                  into values: UnsafeMutableBufferPointer<Double>) throws {
        makeScratchUnique()
        try evaluateJacobian(time: time, state: y, derivative: yp, cj: cj, into: values)
    }

    /// Gives this model its own scratch storage if it shares it with a copy.
    private mutating func makeScratchUnique() {
        if !isKnownUniquelyReferenced(&scratch) { scratch = scratch.copy() }
    }

    /// ``residual(time:state:derivative:into:)`` (non-mutating: see ``scratch``).
    private func evaluateResidual(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>,
                                  into r: UnsafeMutableBufferPointer<Double>) throws {
        try updateReactions(y)
        let nx = mesh.cellCount, ns = mesh.separatorCells, np = mesh.positiveCells, nr = layout.nr, K = classCount
        let i = y[currentIndex]
        let area = parameters.totalArea

        // Ionic charge balance: (F_{k+½} − F_{k−½})/Δx_k + Σ a φ j = 0, with F = κ_eff ∂φ_e/∂x.
        let boundary = foilBoundary(y).value
        var west = faceKappa[0] * (y[0] - boundary) / faceDistance[0]
        for c in 0..<nx {
            let east = c + 1 < nx ? faceKappa[c + 1] * (y[c + 1] - y[c]) / faceDistance[c + 1] : 0
            var source = 0.0
            if c >= ns {
                for k in 0..<K { source += classArea[k] * (flux[(c - ns) * K + k] + sideFlux[(c - ns) * K + k]) }
            }
            r[c] = (east - west) / mesh.widths[c] + source
            west = east
        }

        // Electronic charge balance: (G_{k+½} − G_{k−½})/Δx − Σ a φ j = 0, G = σ_eff ∂φ_s/∂x, G = −i at the collector.
        let h = mesh.widths[nx - 1]
        west = 0
        for j in 0..<np {
            let e = electrodeStart + j
            let east = j + 1 < np ? sigmaEff * (y[e + 1] - y[e]) / h : -i
            var source = 0.0
            for k in 0..<K { source += classArea[k] * (flux[j * K + k] + sideFlux[j * K + k]) }
            r[e] = (east - west) / h - source
            west = east
        }

        // Solid diffusion: ċ_m = (A_m N_{m+½} − A_{m−1} N_{m−½}) / V_m, N = D ∂c/∂r, N_R = −φ j/F.
        // (The hot loop of the residual: geometry through unsafe pointers as A/Δr and 1/V, and a
        // constant diffusivity's face value D_f = g 2 D D/(D + D) computed once per particle.)
        // Classes outermost, so each class's geometry is fetched once per evaluation.
        let constantDiffusivity = parameters.positiveDiffusivity.constantValue
        for k in 0..<K {
            let particle = particles[k]
            let surfaceArea = particle.outerFaceArea(nr - 1)
            particle.withDiffusionGeometry { conductances, inverseVolumes in
                for j in 0..<np {
                    let reaction = j * K + k
                    let first = layout.concentration(j, k, 0)
                    let constantFace = constantDiffusivity.map { d in diffusivityScale[reaction] * 2 * d * d / (d + d) }
                    var inflow = 0.0   // A_{m−1} N_{m−½}
                    for m in 0..<(nr - 1) {
                        let index = first &+ m
                        let d = constantFace ?? faceDiffusivity(y[index], y[index &+ 1], particle: reaction).value
                        let outer = conductances[m] * d * (y[index &+ 1] - y[index])
                        r[index] = yp[index] - (outer - inflow) * inverseVolumes[m]
                        inflow = outer
                    }
                    let index = first + nr - 1
                    let surfaceInflow = surfaceArea * (-flux[reaction] / faradayConstant)
                    r[index] = yp[index] - (surfaceInflow - inflow) * inverseVolumes[nr - 1]
                }
            }
        }

        // Control equation, capacity counter, stack pressure.
        let v = terminalVoltage(y).value
        switch control {
        case .current(let amperes): r[currentIndex] = i * area - amperes
        case .voltage(let volts): r[currentIndex] = v - volts
        case .power(let watts): r[currentIndex] = i * area * v - watts
        }
        r[capacityIndex] = yp[capacityIndex] - i * area / 3600
        let stiffness = stackStiffness  // (the thickness is needed only by a constant-gap fixture)
        r[pressureIndex] = y[pressureIndex] - setPressure - (stiffness != 0 ? stiffness * thicknessChange(y) : 0)

        // Oxidised charge per contacted area: q̇ = j_ox.
        if oxidation != nil {
            for reaction in 0..<(np * K) {
                let index = layout.film(reaction)
                r[index] = yp[index] - oxidationRate[reaction]
            }
        }
        if layout.hasInterfaceUnknowns { addInterfaceResidual(y, yp, into: r) }
    }

    /// The fixture's set pressure [MPa] (0 without mechanics).
    var setPressure: Double { mechanics?.stackPressure ?? 0 }

    /// k_stack [MPa m⁻¹] for a constant-gap fixture, 0 otherwise.
    var stackStiffness: Double {
        if case .constantGap(let stiffness)? = mechanics?.fixture { return stiffness }
        return 0
    }

    /// ``jacobian(time:state:derivative:cj:into:)`` (non-mutating: see ``scratch``).
    private func evaluateJacobian(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>, cj: Double,
                                  into values: UnsafeMutableBufferPointer<Double>) throws {
        try updateReactions(y)
        for index in values.indices { values[index] = 0 }
        let nx = mesh.cellCount, ns = mesh.separatorCells, np = mesh.positiveCells, nr = layout.nr, K = classCount
        let s = slots
        let i = y[currentIndex]
        let area = parameters.totalArea

        // Ionic rows: flux terms.
        let boundary = foilBoundary(y)
        for c in 0..<nx {
            let w = mesh.widths[c]
            let gw = faceKappa[c] / faceDistance[c] / w
            values[s.electrolyteCentre[c]] -= gw
            if c == 0 {
                values[s.electrolyteCurrent] += gw * boundary.dCurrent
            } else {
                values[s.electrolyteWest[c]] += gw
            }
            if c + 1 < nx {
                let ge = faceKappa[c + 1] / faceDistance[c + 1] / w
                values[s.electrolyteEast[c]] += ge
                values[s.electrolyteCentre[c]] -= ge
            }
        }

        // Electronic rows: flux terms.
        let h = mesh.widths[nx - 1]
        let g = sigmaEff / (h * h)
        for j in 0..<np {
            if j > 0 {
                values[s.electrodeWest[j]] += g
                values[s.electrodeCentre[j]] -= g
            }
            if j + 1 < np {
                values[s.electrodeEast[j]] += g
                values[s.electrodeCentre[j]] -= g
            } else {
                values[s.electrodeCurrent] -= 1 / h
            }
        }

        // Reaction terms: +a φj in the ionic row, −a φj in the electronic row, and the surface
        // flux A_R φj/(F V_R) in the particle's surface row; each depends on φ_s, φ_e, the particle's
        // nodes (surface extrapolation, and the mean stoichiometry through φ) and the pressure.
        for k in 0..<K {
            let particle = particles[k]
            let surfaceScale = particle.outerFaceArea(nr - 1) / (faradayConstant * particle.volume(nr - 1))
            let a = classArea[k]
            for j in 0..<np {
                let ionic = ns + j
                let reaction = j * K + k
                // The charge balances see the main and the side current, the particle only the main one.
                let dPhiS = fluxDPhiS[reaction], dSurface = fluxDSurface[reaction]
                let dMean = fluxDMean[reaction], dPressure = fluxDPressure[reaction]
                let dSurfaceTotal = dSurface + sideFluxDSurface[reaction], dMeanTotal = dMean + sideFluxDMean[reaction]
                let dPressureTotal = dPressure + sideFluxDPressure[reaction]
                values[s.electrolyteCentre[ionic]] -= a * dPhiS
                values[s.electrolyteElectrode[j]] += a * dPhiS
                values[s.electrodeCentre[j]] -= a * dPhiS
                values[s.electrodeElectrolyte[j]] += a * dPhiS
                values[s.surfaceElectrode[reaction]] += surfaceScale * dPhiS
                values[s.surfaceElectrolyte[reaction]] -= surfaceScale * dPhiS
                values[s.electrolytePressure[j]] += a * dPressureTotal
                values[s.electrodePressure[j]] -= a * dPressureTotal
                if s.surfacePressure[reaction] >= 0 { values[s.surfacePressure[reaction]] += surfaceScale * dPressure }
                let base = reaction * nr
                for m in 0..<nr {
                    var dNode = dMean * particle.volume(m), dNodeTotal = dMeanTotal * particle.volume(m)
                    if m == nr - 1 {
                        dNode += dSurface * Self.surfaceWeightLast
                        dNodeTotal += dSurfaceTotal * Self.surfaceWeightLast
                    }
                    if m == nr - 2 {
                        dNode += dSurface * Self.surfaceWeightPrevious
                        dNodeTotal += dSurfaceTotal * Self.surfaceWeightPrevious
                    }
                    guard s.electrolyteParticle[base + m] >= 0 else { continue }  // node not coupled
                    values[s.electrolyteParticle[base + m]] += a * dNodeTotal
                    values[s.electrodeParticle[base + m]] -= a * dNodeTotal
                    values[s.surfaceParticle[base + m]] += surfaceScale * dNode
                }
                guard oxidation != nil else { continue }
                // Film resistance in the main reaction, and the film's own row q̇ − j_ox(c_R).
                let dFilm = fluxDFilm[reaction]
                values[s.electrolyteFilm[reaction]] += a * dFilm
                values[s.electrodeFilm[reaction]] -= a * dFilm
                values[s.surfaceFilm[reaction]] += surfaceScale * dFilm
                values[s.filmFilm[reaction]] += cj
                values[s.filmSurfaceLast[reaction]] -= oxidationRateDSurface[reaction] * Self.surfaceWeightLast
                values[s.filmSurfacePrevious[reaction]] -= oxidationRateDSurface[reaction] * Self.surfaceWeightPrevious
            }
        }

        // Particle rows: time derivative and diffusion (classes outermost, as in the residual).
        for k in 0..<K {
            let particle = particles[k]
            particle.withDiffusionGeometry { conductances, inverseVolumes in
                for j in 0..<np {
                    let base = (j * K + k) * nr
                    for m in 0..<nr { values[s.particleCentre[base + m]] += cj }
                    for m in 0..<(nr - 1) {
                        let index = layout.concentration(j, k, m)
                        let (d, dLeft, dRight) = faceDiffusivity(y[index], y[index + 1], particle: j * K + k)
                        let difference = y[index + 1] - y[index]
                        // Face flux A N = (A/Δr) D_f (c_{m+1} − c_m) and its derivatives in c_m and c_{m+1}.
                        let dFluxLeft = conductances[m] * (-d + dLeft * difference)
                        let dFluxRight = conductances[m] * (d + dRight * difference)
                        // Row m: −(A N)/V_m; row m+1: +(A N)/V_{m+1}.
                        let vm = inverseVolumes[m], vn = inverseVolumes[m + 1]
                        values[s.particleCentre[base + m]] -= dFluxLeft * vm
                        values[s.particleEast[base + m]] -= dFluxRight * vm
                        values[s.particleWest[base + m + 1]] += dFluxLeft * vn
                        values[s.particleCentre[base + m + 1]] += dFluxRight * vn
                    }
                }
            }
        }

        // Control row.
        let v = terminalVoltage(y)
        switch control {
        case .current:
            values[s.controlCurrent] += area
        case .voltage:
            values[s.controlElectrode] += v.dLast
            values[s.controlElectrodePrevious] += v.dPrevious
        case .power:
            values[s.controlElectrode] += i * area * v.dLast
            values[s.controlElectrodePrevious] += i * area * v.dPrevious
            values[s.controlCurrent] += area * v.value
        }
        values[s.capacityCapacity] += cj
        values[s.capacityCurrent] -= area / 3600

        // Pressure row: P − P_set − k ΔL(c).
        values[s.pressurePressure] += 1
        let stiffness = stackStiffness
        if stiffness != 0, let mechanics {
            let p = parameters
            for j in 0..<np {
                let h = mesh.widths[ns + j] * p.positiveActiveMaterialFraction
                for k in 0..<K {
                    let particle = particles[k]
                    let mean = meanConcentration(y, cell: j, class: k)
                    let dStrain = mechanics.volumeChange.strain(stoichiometry: mean / cMax).derivative / cMax
                    let dMean = p.contactClasses[k].volumeShare * (dStrain - mechanics.negativeLithiumMolarVolume)
                    let base = (j * K + k) * nr
                    for m in 0..<nr {
                        values[s.pressureParticle[base + m]] -= stiffness * h * dMean * particle.volume(m) / particle.totalVolume
                    }
                }
            }
        }
        if layout.hasInterfaceUnknowns { addInterfaceJacobian(y, yp, cj: cj, into: values) }
    }

    public mutating func roots(time: Double, state y: UnsafeBufferPointer<Double>,
                               derivative yp: UnsafeBufferPointer<Double>,
                               into g: UnsafeMutableBufferPointer<Double>) throws {
        for (k, event) in events.enumerated() {
            switch event {
            case .voltage(let volts): g[k] = terminalVoltage(y).value - volts
            case .currentMagnitude(let amperes): g[k] = abs(y[currentIndex] * parameters.totalArea) - amperes
            }
        }
    }
}

/// Per-reaction scratch values of ``P2DModel`` (index j K + k), zero until first written.
final class ReactionScratch {
    let count: Int
    private let storage: UnsafeMutableBufferPointer<Double>
    let flux, fluxDPhiS, fluxDSurface, fluxDMean, fluxDPressure, fluxDFilm: UnsafeMutableBufferPointer<Double>
    let contactValue, contactDMean, contactDPressure: UnsafeMutableBufferPointer<Double>
    let sideFlux, sideFluxDSurface, sideFluxDMean, sideFluxDPressure: UnsafeMutableBufferPointer<Double>
    let oxidationRate, oxidationRateDSurface: UnsafeMutableBufferPointer<Double>

    init(count: Int) {
        self.count = count
        let storage = UnsafeMutableBufferPointer<Double>.allocate(capacity: 15 * count)
        storage.initialize(repeating: 0)
        self.storage = storage
        func part(_ index: Int) -> UnsafeMutableBufferPointer<Double> {
            UnsafeMutableBufferPointer(rebasing: storage[(index * count)..<((index + 1) * count)])
        }
        (flux, fluxDPhiS, fluxDSurface, fluxDMean, fluxDPressure, fluxDFilm) = (part(0), part(1), part(2), part(3), part(4), part(5))
        (sideFlux, sideFluxDSurface, sideFluxDMean, sideFluxDPressure) = (part(6), part(7), part(8), part(9))
        (oxidationRate, oxidationRateDSurface) = (part(10), part(11))
        (contactValue, contactDMean, contactDPressure) = (part(12), part(13), part(14))
    }

    func copy() -> ReactionScratch {
        let copy = ReactionScratch(count: count)
        _ = copy.storage.update(fromContentsOf: storage)
        return copy
    }

    deinit { storage.deallocate() }
}

/// The running totals the integrator carries with a ``P2DModel``'s solution (IDAS quadratures: exact
/// to the integration's accuracy however sparsely the solution is recorded), by their index.
public enum Quadrature: Int, CaseIterable, Sendable {
    /// ∫ V I dt / 3600: energy delivered [W h], positive on discharge.
    case energy
    /// ∫ I_ox dt / 3600: charge passed by the electrolyte-oxidation side reaction [A h].
    case sideReactionCharge
}

/// Sizes and offsets of the state vector.
struct Layout: Sendable {
    let nx, ns, np, nr, classes: Int
    /// Whether every particle carries an oxidised-charge (interphase film) unknown.
    let films: Bool
    /// Double-layer unknowns, appended after the films (see P2DModel+DoubleLayer.swift).
    var positiveDoubleLayer = false, foilDoubleLayer = false
    var electrodeStart: Int { nx }
    var concentrationStart: Int { nx + np }
    var currentIndex: Int { concentrationStart + np * classes * nr }
    var capacityIndex: Int { currentIndex + 1 }
    var pressureIndex: Int { currentIndex + 2 }
    var filmStart: Int { currentIndex + 3 }
    var stateCount: Int { filmStart + (films ? np * classes : 0) + interfaceUnknowns }
    /// The oxidised charge of the particle with reaction index j K + k.
    @inline(__always) func film(_ reaction: Int) -> Int { filmStart + reaction }
    /// Node m of the particle of class k at composite cell j.
    @inline(__always) func concentration(_ j: Int, _ k: Int, _ m: Int) -> Int {
        concentrationStart + (j * classes + k) * nr + m
    }
}

/// Positions in the Jacobian value array of every entry the assembly writes, computed once.
/// Arrays indexed by reaction (j K + k) or by particle node ((j K + k) Nr + m); −1 where the
/// entry is structurally absent (a node that only the mean stoichiometry would couple).
struct Slots: Sendable {
    var electrolyteWest: [Int] = [], electrolyteCentre: [Int] = [], electrolyteEast: [Int] = []
    var electrolyteElectrode: [Int] = [], electrolytePressure: [Int] = [], electrolyteParticle: [Int] = []
    var electrolyteCurrent = 0
    var electrodeWest: [Int] = [], electrodeCentre: [Int] = [], electrodeEast: [Int] = []
    var electrodeElectrolyte: [Int] = [], electrodePressure: [Int] = [], electrodeParticle: [Int] = []
    var electrodeCurrent = 0
    var surfaceElectrode: [Int] = [], surfaceElectrolyte: [Int] = [], surfacePressure: [Int] = [], surfaceParticle: [Int] = []
    var particleWest: [Int] = [], particleCentre: [Int] = [], particleEast: [Int] = []
    var controlCurrent = 0, controlElectrode = 0, controlElectrodePrevious = 0
    var capacityCapacity = 0, capacityCurrent = 0
    var pressurePressure = 0, pressureParticle: [Int] = []
    var electrolyteFilm: [Int] = [], electrodeFilm: [Int] = [], surfaceFilm: [Int] = []
    var filmFilm: [Int] = [], filmSurfaceLast: [Int] = [], filmSurfacePrevious: [Int] = []

    static func build(_ l: Layout, denseParticleCoupling: Bool, pressureFollowsState: Bool,
                      extraEntries: [(row: Int, column: Int)] = []) -> (SparsityPattern, Slots) {
        var entries: [(row: Int, column: Int)] = []
        let electrodeLast = l.electrodeStart + l.np - 1
        /// Nodes of a particle that its reaction depends on.
        func coupled(_ m: Int) -> Bool { denseParticleCoupling || m >= l.nr - 2 }
        for c in 0..<l.nx {
            entries.append((c, c))
            if c > 0 { entries.append((c, c - 1)) }
            if c + 1 < l.nx { entries.append((c, c + 1)) }
        }
        entries.append((0, l.currentIndex))
        for j in 0..<l.np {
            let e = l.electrodeStart + j, ionic = l.ns + j
            entries += [(e, e), (e, ionic), (ionic, e), (ionic, l.pressureIndex), (e, l.pressureIndex)]
            if j > 0 { entries.append((e, e - 1)) }
            if j + 1 < l.np { entries.append((e, e + 1)) }
            for k in 0..<l.classes {
                let surface = l.concentration(j, k, l.nr - 1)
                entries += [(surface, e), (surface, ionic), (surface, l.pressureIndex)]
                if l.films {
                    let film = l.film(j * l.classes + k)
                    entries += [(ionic, film), (e, film), (surface, film), (film, film), (film, surface), (film, surface - 1)]
                }
                for m in 0..<l.nr {
                    let c = l.concentration(j, k, m)
                    entries.append((c, c))
                    if m > 0 { entries.append((c, c - 1)) }
                    if m + 1 < l.nr { entries.append((c, c + 1)) }
                    if coupled(m) { entries += [(ionic, c), (e, c), (surface, c)] }
                    if pressureFollowsState { entries.append((l.pressureIndex, c)) }
                }
            }
        }
        entries += [(electrodeLast, l.currentIndex), (l.currentIndex, l.currentIndex), (l.currentIndex, electrodeLast),
                    (l.currentIndex, electrodeLast - 1),
                    (l.capacityIndex, l.capacityIndex), (l.capacityIndex, l.currentIndex),
                    (l.pressureIndex, l.pressureIndex)]
        entries += extraEntries
        let pattern = SparsityPattern(dimension: l.stateCount, entries: entries)
        func slot(_ row: Int, _ column: Int) -> Int { pattern.slot(row: row, column: column) ?? -1 }

        var s = Slots()
        s.electrolyteWest = (0..<l.nx).map { slot($0, $0 - 1) }
        s.electrolyteCentre = (0..<l.nx).map { slot($0, $0) }
        s.electrolyteEast = (0..<l.nx).map { slot($0, $0 + 1) }
        s.electrolyteElectrode = (0..<l.np).map { slot(l.ns + $0, l.electrodeStart + $0) }
        s.electrolytePressure = (0..<l.np).map { slot(l.ns + $0, l.pressureIndex) }
        s.electrolyteCurrent = slot(0, l.currentIndex)
        s.electrodeWest = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0 - 1) }
        s.electrodeCentre = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0) }
        s.electrodeEast = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0 + 1) }
        s.electrodeElectrolyte = (0..<l.np).map { slot(l.electrodeStart + $0, l.ns + $0) }
        s.electrodePressure = (0..<l.np).map { slot(l.electrodeStart + $0, l.pressureIndex) }
        s.electrodeCurrent = slot(electrodeLast, l.currentIndex)
        for j in 0..<l.np {
            for k in 0..<l.classes {
                let surface = l.concentration(j, k, l.nr - 1)
                s.surfaceElectrode.append(slot(surface, l.electrodeStart + j))
                s.surfaceElectrolyte.append(slot(surface, l.ns + j))
                s.surfacePressure.append(slot(surface, l.pressureIndex))
                let film = l.film(j * l.classes + k)
                s.electrolyteFilm.append(slot(l.ns + j, film))
                s.electrodeFilm.append(slot(l.electrodeStart + j, film))
                s.surfaceFilm.append(slot(surface, film))
                s.filmFilm.append(slot(film, film))
                s.filmSurfaceLast.append(slot(film, surface))
                s.filmSurfacePrevious.append(slot(film, surface - 1))
                for m in 0..<l.nr {
                    let c = l.concentration(j, k, m)
                    s.particleWest.append(slot(c, c - 1))
                    s.particleCentre.append(slot(c, c))
                    s.particleEast.append(slot(c, c + 1))
                    s.electrolyteParticle.append(slot(l.ns + j, c))
                    s.electrodeParticle.append(slot(l.electrodeStart + j, c))
                    s.surfaceParticle.append(slot(surface, c))
                    s.pressureParticle.append(slot(l.pressureIndex, c))
                }
            }
        }
        s.controlCurrent = slot(l.currentIndex, l.currentIndex)
        s.controlElectrode = slot(l.currentIndex, electrodeLast)
        s.controlElectrodePrevious = slot(l.currentIndex, electrodeLast - 1)
        s.capacityCapacity = slot(l.capacityIndex, l.capacityIndex)
        s.capacityCurrent = slot(l.capacityIndex, l.currentIndex)
        s.pressurePressure = slot(l.pressureIndex, l.pressureIndex)
        return (pattern, s)
    }
}
