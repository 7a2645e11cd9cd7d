import CellPhysics
import DAESolver
import Foundation
import Parameters

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
/// roots regularised within 10⁻³ of 0 and 1. The contact fraction of class k
/// (docs/MODEL.md §Contact mechanics),
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
/// With the lithium contact law (``LithiumInterfaceContact``) the foil|SE contact fraction φ_a is
/// the last unknown: it scales the foil's exchange-current area and adds a constriction resistance
/// at the foil boundary (`P2DModel+NegativeInterface.swift`).
///
/// The laws live in CellPhysics (``ButlerVolmerKinetics``, ``LithiumFoil``, ``ContactClass``,
/// ``Diffusivities``, ``TransportEfficiency``, ``ElectrolyteOxidation``, ``InterphaseFilm``,
/// ``OpenCircuitPotentials``); this type holds their discretisation: the state layout
/// (`P2DModel+Layout.swift`), the per-particle reaction terms (`P2DModel+Reactions.swift`), the
/// residual (`P2DModel+Residual.swift`) and its analytic Jacobian (`P2DModel+Jacobian.swift`).
///
/// The discretisation is PyBaMM's finite-volume scheme, term for term (see docs/MODEL.md
/// §Discretisation and `validation/pybamm/DISCRETISATION.md`), so the two agree to solver
/// tolerance on the same mesh: particle face diffusivities are the harmonic mean of the node values, boundary values
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
    /// The unknowns that move only by a small amount per cycle, driven by the degradation laws: the
    /// oxidised charges (films) and the foil's lithium contact fraction, when modelled (what cycle
    /// jumping integrates across cycles with the contact damage).
    public var slowStateIndices: [Int] {
        Array(filmStart..<(filmStart + (layout.films ? layout.np * layout.classes : 0)))
            + (lithiumContactIndex.map { [$0] } ?? [])
    }
    public var classCount: Int { layout.classes }

    // Constants at the operating temperature
    let f: Double                       // F/RT
    let faceKappa: [Double]             // κ_eff at faces 0...Nx (face 0 = foil, Nx = collector)
    let faceDistance: [Double]          // distance between the nodes either side of each face
    let sigmaEff: Double                // σ_eff = σ (1 − ε_e)^b_s
    let classArea: [Double]             // a_k = 3 ε_s w_k / R_k
    let contactClasses: [ContactClass]  // φ0_k and R_k of every class
    let diffusivityFactor: Double       // Arrhenius factor of D
    let kinetics: ButlerVolmerKinetics  // CAM|SE Butler–Volmer, i₀,ref(T)
    let foil: LithiumFoil               // the foil's Butler–Volmer (i₀,Li(T)), ohmic drop and OCP
    let cMax: Double
    let mechanics: ContactMechanics?
    /// Whether φ_k depends on the particle's mean stoichiometry (a volume change is modelled).
    let contactFollowsLithiation: Bool
    let initialStrain: Double
    /// Electrolyte oxidation, its current scale i_ox(T) and the interphase film it grows
    /// (``InterphaseFilm/none`` without oxidation).
    let oxidation: ElectrolyteOxidation?
    let oxidationCurrentScale: Double
    let film: InterphaseFilm
    /// The foil|SE contact law at the operating temperature (nil: full contact, no φ_a unknown;
    /// `P2DModel+NegativeInterface.swift`).
    let lithiumContact: LithiumInterfaceContact?

    /// Irreversible contact damage D of every particle (index j K + k), 0 when fresh. The
    /// simulation raises it between cycles; change it only between integrations.
    public var contactDamage: [Double] { didSet { updateDiffusivityScale() } }
    /// Where ∫|j| dt of particle r (index j K + k) is among the quadratures (``Quadrature``): at the
    /// start of this range plus r. Empty unless the contact-damage law's wear depends on the current
    /// crowding at the particles' contacts (``StrainCycleDamage/crowding``).
    public let particleChargeQuadratures: Range<Int>
    /// Σ_j h_j Σ_k a_k, the active particle surface per electrode area (dimensionless).
    public let activeSurfacePerElectrodeArea: Double
    /// Arrhenius factor times the contact diffusion penalty of every particle,
    /// g = (φ0_k Π(P_set) (1 − D_jk))^m_d (``Diffusivities/contactPenalty(contact:exponent:)``). It
    /// follows the slowly varying part of the contact (fabrication, set pressure, damage,
    /// ``ContactClass/slowlyVaryingContact(pressureFactor:damage:)``), not the reversible gap
    /// within a cycle.
    private(set) var diffusivityScale: [Double]

    let slots: Slots
    let interfaceSlots: InterfaceSlots
    let negativeInterfaceSlots: NegativeInterfaceSlots
    let positiveFoilSlots: PositiveFoilSlots
    let platedLithiumSlots: PlatedLithiumSlots

    /// Scratch values of the reaction terms, per composite cell and class (``ReactionScratch``).
    /// Held in a class so that the evaluation code can be non-mutating: a mutating caller of a
    /// non-mutating method may make Swift copy the whole model (retaining every array in it) at
    /// each call it does not inline. Copied on write by ``residual`` and ``jacobian``.
    var scratch: ReactionScratch

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
                        positiveDoubleLayer: p.positiveDoubleLayerCapacity > 0, foilDoubleLayer: p.negativeDoubleLayerCapacity > 0,
                        lithiumContact: p.negativeInterface != nil, positiveFoil: !p.layout.hasCompositeElectrode,
                        platedLithium: p.layout == .anodeFree)
        stateCount = layout.stateCount
        let l = layout
        differentialMask = (0..<l.stateCount).map {
            ($0 >= l.concentrationStart && $0 < l.currentIndex) || $0 == l.capacityIndex
                || ($0 >= l.filmStart && $0 < l.interfaceStart) || l.isInterfaceUnknown($0)
                || (l.lithiumContact && $0 >= l.lithiumContactIndex) || (l.platedLithium && $0 == l.platedLithiumIndex)
        }

        let T = p.temperature
        let f = faradayConstant / (gasConstant * T)
        self.f = f
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
        if l.positiveFoil {
            // The x = L foil's face, half a cell from the last node (as the x = 0 foil's).
            faceKappa[nx] = nodeKappa[nx - 1]
            faceDistance[nx] = mesh.widths[nx - 1] / 2
        }
        self.faceKappa = faceKappa
        self.faceDistance = faceDistance
        sigmaEff = p.positiveConductivity
            * TransportEfficiency.bruggeman(exponent: p.positiveElectrodeBruggeman)(1 - p.positiveElectrolyteFraction)
        classArea = p.contactClasses.map { 3 * p.positiveActiveMaterialFraction * $0.volumeShare / $0.radius }
        contactClasses = p.contactClasses
        diffusivityFactor = arrhenius(activationEnergy: p.positiveDiffusivityActivationEnergy, temperature: T,
                                      reference: p.referenceTemperature)
        kinetics = ButlerVolmerKinetics(
            f: f, exchangeCurrentReference: p.positiveExchangeCurrentDensity
                * arrhenius(activationEnergy: p.positiveExchangeCurrentActivationEnergy, temperature: T,
                            reference: p.referenceTemperature))
        foil = LithiumFoil(
            f: f, exchangeCurrent: p.negativeExchangeCurrentDensity
                * arrhenius(activationEnergy: p.negativeExchangeCurrentActivationEnergy, temperature: T,
                            reference: p.referenceTemperature),
            thickness: p.negativeThickness, conductivity: p.negativeConductivity, openCircuitPotential: p.negativeOCP)
        cMax = p.positiveMaximumConcentration
        initialStrain = p.mechanics?.volumeChange.strain(stoichiometry: p.positiveInitialConcentration / cMax).value ?? 0
        oxidationCurrentScale = oxidation.map { $0.currentScale(temperature: T, reference: p.referenceTemperature) } ?? 0
        film = oxidation?.film ?? .none
        lithiumContact = p.negativeInterface?.contact(temperature: T, reference: p.referenceTemperature)

        let (pattern, slots) = Slots.build(layout, denseParticleCoupling: contactFollowsLithiation,
                                           pressureFollowsState: { if case .constantGap? = p.mechanics?.fixture { return true }; return false }(),
                                           extraEntries: InterfaceSlots.entries(layout) + NegativeInterfaceSlots.entries(layout)
                                               + PositiveFoilSlots.entries(layout) + PlatedLithiumSlots.entries(layout))
        jacobianPattern = pattern
        self.slots = slots
        interfaceSlots = InterfaceSlots(layout, pattern)
        negativeInterfaceSlots = NegativeInterfaceSlots(layout, pattern)
        positiveFoilSlots = PositiveFoilSlots(layout, pattern)
        platedLithiumSlots = PlatedLithiumSlots(layout, pattern)
        let reactions = l.np * l.classes
        scratch = ReactionScratch(count: reactions)
        contactDamage = Array(repeating: 0, count: reactions)
        let crowding = (p.degradation?.contactDamage as? StrainCycleDamage)?.crowding != nil
        particleChargeQuadratures = Quadrature.allCases.count..<(Quadrature.allCases.count + (crowding ? reactions : 0))
        var surface = 0.0
        for j in 0..<mesh.positiveCells {
            for k in 0..<l.classes { surface += mesh.widths[mesh.separatorCells + j] * classArea[k] }
        }
        activeSurfacePerElectrodeArea = surface
        diffusivityScale = Array(repeating: diffusivityFactor, count: reactions)
        updateDiffusivityScale()
    }

    private mutating func updateDiffusivityScale() {
        let exponent = parameters.contactDiffusionExponent
        guard exponent != 0 else { return }
        let pressureFactor = mechanics?.pressureLaw.factor(pressure: setPressure).value ?? 1
        for reaction in contactDamage.indices {
            let contact = contactClasses[reaction % classCount].slowlyVaryingContact(pressureFactor: pressureFactor,
                                                                                     damage: contactDamage[reaction])
            diffusivityScale[reaction] = diffusivityFactor * Diffusivities.contactPenalty(contact: contact, exponent: exponent)
        }
    }

    /// The fixture's set pressure [MPa] (0 without mechanics).
    var setPressure: Double { mechanics?.stackPressure ?? 0 }

    /// k_stack [MPa m⁻¹] for a constant-gap fixture, 0 otherwise.
    var stackStiffness: Double {
        if case .constantGap(let stiffness)? = mechanics?.fixture { return stiffness }
        return 0
    }
}
