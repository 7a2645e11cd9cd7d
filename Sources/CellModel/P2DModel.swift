import DAESolver
import Foundation

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
/// the particle at every composite cell, the current density i [A m⁻²] and the discharged capacity
/// Q [A h]. With x = 0 at the negative foil and t₊ = 1 (single-ion conductor):
///
///     ∂/∂x(κ_eff ∂φ_e/∂x) = −a j        (composite; 0 in the separator)   κ_eff = κ(T) ε_e^b_e
///     ∂/∂x(σ_eff ∂φ_s/∂x) =  a j        (composite)                        σ_eff = σ (1 − ε_e)^b_s
///     ∂c/∂t = r⁻² ∂/∂r(r² D(c, T) ∂c/∂r),   ∂c/∂r|₀ = 0,   D ∂c/∂r|_R = −j/F
///     j = 2 i₀ sinh(F η / 2RT),   η = φ_s − φ_e − U(c_R/c_max),   i₀ = 2 i₀,ref(T) √(y(1 − y))
///
/// (U with PyBaMM's boundary asymptotes and the square roots regularised within 10⁻³ of 0 and 1)
///
/// with a = 3 ε_s / R. Boundary conditions: φ_e(0) = −i L_n/σ_n − η_Li − U_n with
/// η_Li = (2RT/F) asinh(i / 2 i₀,Li) (Butler–Volmer at the foil), no ionic flux at the current
/// collector, no electronic flux at the separator, and −σ_eff ∂φ_s/∂x = i at the collector.
/// The terminal voltage is V = φ_s(L). One algebraic equation closes the system from the control
/// (i A − I = 0, V − V_set = 0, or i A V − P = 0), and dQ/dt = i A / 3600.
///
/// The discretisation is PyBaMM's finite-volume scheme, term for term (see
/// `validation/pybamm/DISCRETISATION.md`), so the two agree to solver tolerance on the same mesh:
/// face conductivities are the linear (distance-weighted arithmetic) interpolation of the node
/// values, particle face diffusivities the harmonic mean of the node values, boundary values
/// (surface concentration, terminal voltage) the linear extrapolation of the last two nodes, and
/// the foil boundary condition enters through a ghost node.
///
/// Residual and Jacobian evaluations do not allocate. The Jacobian is exact (analytic).
public struct P2DModel: DAESystem {
    public let parameters: CellParameters
    public let mesh: ThroughCellMesh
    public let particle: ParticleMesh

    /// The current control; change it between integrations and re-initialise the solver.
    public var control: CellControl = .current(amperes: 0)
    /// Root functions that end the current integration.
    public var events: [CellEvent] = []

    // State layout
    public let stateCount: Int
    public let differentialMask: [Bool]
    public let jacobianPattern: SparsityPattern
    let electrolyteStart = 0
    let electrodeStart: Int
    let concentrationStart: Int
    public let currentIndex: Int
    public let capacityIndex: Int

    // Constants at the operating temperature
    let f: Double                       // F/RT
    let faceKappa: [Double]             // κ_eff at faces 0...Nx (face 0 = foil, Nx = collector)
    let faceDistance: [Double]          // distance between the nodes either side of each face
    let sigmaEff: Double
    let specificArea: Double            // a = 3 ε_s / R
    let diffusivityFactor: Double       // Arrhenius factor of D
    let exchangeCurrentScale: Double    // i₀,ref(T)
    let lithiumExchangeCurrent: Double  // i₀,Li(T)
    let cMax: Double

    // Jacobian slots (indices into the value array)
    private let slots: Slots

    // Scratch: reaction current density and its derivatives per composite cell
    private var reaction: [Double]
    private var reactionDPhiS: [Double]
    private var reactionDPhiE: [Double]
    private var reactionDSurface: [Double]

    public init(parameters p: CellParameters) {
        parameters = p
        mesh = ThroughCellMesh(separatorThickness: p.separatorThickness, separatorCells: p.separatorMeshPoints,
                               positiveThickness: p.positiveThickness, positiveCells: p.positiveMeshPoints)
        particle = ParticleMesh(cells: p.particleMeshPoints, radius: p.positiveParticleRadius)
        let nx = mesh.cellCount, np = mesh.positiveCells, nr = particle.cells
        electrodeStart = nx
        concentrationStart = nx + np
        currentIndex = concentrationStart + np * nr
        let capacity = concentrationStart + np * nr + 1
        capacityIndex = capacity
        stateCount = capacity + 1
        let firstConcentration = nx + np
        differentialMask = (0...capacity).map { $0 >= firstConcentration && $0 != capacity - 1 }

        let T = p.temperature
        f = faradayConstant / (gasConstant * T)
        let kappa = p.electrolyteConductivity * arrhenius(activationEnergy: p.electrolyteConductivityActivationEnergy,
                                                          temperature: T, reference: p.referenceTemperature)
        let separatorCells = p.separatorMeshPoints
        let nodeKappa = (0..<nx).map { i in
            i < separatorCells
                ? kappa * pow(p.separatorElectrolyteFraction, p.separatorBruggeman)
                : kappa * pow(p.positiveElectrolyteFraction, p.positiveElectrolyteBruggeman)
        }
        var faceKappa = [Double](repeating: 0, count: nx + 1)
        var faceDistance = [Double](repeating: 0, count: nx + 1)
        faceKappa[0] = nodeKappa[0]
        faceDistance[0] = mesh.widths[0] / 2
        for face in 1..<nx {
            let (w1, w2) = (mesh.widths[face - 1], mesh.widths[face])
            // Linear interpolation of the node values to the face (PyBaMM's node-to-edge map).
            let weight = w1 / (w1 + w2)
            faceKappa[face] = (1 - weight) * nodeKappa[face - 1] + weight * nodeKappa[face]
            faceDistance[face] = (w1 + w2) / 2
        }
        self.faceKappa = faceKappa
        self.faceDistance = faceDistance
        sigmaEff = p.positiveConductivity * pow(1 - p.positiveElectrolyteFraction, p.positiveElectrodeBruggeman)
        specificArea = 3 * p.positiveActiveMaterialFraction / p.positiveParticleRadius
        diffusivityFactor = arrhenius(activationEnergy: p.positiveDiffusivityActivationEnergy, temperature: T,
                                      reference: p.referenceTemperature)
        exchangeCurrentScale = p.positiveExchangeCurrentDensity
            * arrhenius(activationEnergy: p.positiveExchangeCurrentActivationEnergy, temperature: T,
                        reference: p.referenceTemperature)
        lithiumExchangeCurrent = p.negativeExchangeCurrentDensity
            * arrhenius(activationEnergy: p.negativeExchangeCurrentActivationEnergy, temperature: T,
                        reference: p.referenceTemperature)
        cMax = p.positiveMaximumConcentration

        let layout = Layout(nx: nx, ns: mesh.separatorCells, np: np, nr: nr, electrodeStart: electrodeStart,
                            concentrationStart: concentrationStart, currentIndex: currentIndex,
                            capacityIndex: capacityIndex)
        let (pattern, slots) = Slots.build(layout)
        jacobianPattern = pattern
        self.slots = slots
        reaction = Array(repeating: 0, count: np)
        reactionDPhiS = Array(repeating: 0, count: np)
        reactionDPhiE = Array(repeating: 0, count: np)
        reactionDSurface = Array(repeating: 0, count: np)
    }

    // MARK: Indexing

    @inline(__always) func concentrationIndex(cell j: Int, node m: Int) -> Int {
        concentrationStart + j * particle.cells + m
    }

    /// Surface concentration by linear extrapolation of the last two nodes to r = R:
    /// c_R = c_{N−1} + ½(c_{N−1} − c_{N−2}).
    static let surfaceWeightLast = 1.5
    static let surfaceWeightPrevious = -0.5

    @inline(__always) func surfaceConcentration(_ y: UnsafeBufferPointer<Double>, cell j: Int) -> Double {
        let last = concentrationIndex(cell: j, node: particle.cells - 1)
        return Self.surfaceWeightLast * y[last] + Self.surfaceWeightPrevious * y[last - 1]
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

    /// Butler–Volmer current density j [A m⁻²] (positive = delithiation) and ∂j/∂η, ∂j/∂c_R.
    @inline(__always)
    func butlerVolmer(phiS: Double, phiE: Double, surface c: Double) throws -> (j: Double, dEta: Double, dSurface: Double) {
        let y = c / cMax
        // A wildly unphysical trial state (a Newton overshoot): let IDA retry with a smaller step.
        guard y > -0.5 && y < 1.5 else {
            throw NonPhysicalStateError(what: "positive particle surface stoichiometry", value: y)
        }
        let (u, dU) = openCircuitPotential(y)
        let eta = phiS - phiE - u
        let (i0, dI0dy) = exchangeCurrentDensity(y)
        let half = 0.5 * f * eta
        let s = sinh(half)
        let j = 2 * i0 * s
        let dEta = i0 * f * cosh(half)
        return (j, dEta, (2 * dI0dy * s - dEta * dU) / cMax)
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

    /// Particle diffusivity at the face between two nodes: the harmonic mean of the node values
    /// D_f = 2 D₁D₂/(D₁ + D₂), D = D(y) × Arrhenius, with ∂D_f/∂c₁ and ∂D_f/∂c₂.
    @inline(__always)
    func faceDiffusivity(_ c1: Double, _ c2: Double) -> (value: Double, dLeft: Double, dRight: Double) {
        let (d1, dd1) = parameters.positiveDiffusivity(c1 / cMax)
        let (d2, dd2) = parameters.positiveDiffusivity(c2 / cMax)
        let sum = d1 + d2
        let scale = diffusivityFactor
        return (scale * 2 * d1 * d2 / sum,
                scale * 2 * d2 * d2 / (sum * sum) * dd1 / cMax,
                scale * 2 * d1 * d1 / (sum * sum) * dd2 / cMax)
    }

    private mutating func updateReactions(_ y: UnsafeBufferPointer<Double>) throws {
        let ns = mesh.separatorCells
        for j in 0..<mesh.positiveCells {
            let (rate, dEta, dSurface) = try butlerVolmer(phiS: y[electrodeStart + j], phiE: y[ns + j],
                                                          surface: surfaceConcentration(y, cell: j))
            reaction[j] = rate
            reactionDPhiS[j] = dEta
            reactionDPhiE[j] = -dEta
            reactionDSurface[j] = dSurface
        }
    }

    // MARK: DAESystem

    public var rootCount: Int { events.count }

    public mutating func residual(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>,
                                  into r: UnsafeMutableBufferPointer<Double>) throws {
        try updateReactions(y)
        let nx = mesh.cellCount, ns = mesh.separatorCells, np = mesh.positiveCells, nr = particle.cells
        let i = y[currentIndex]
        let area = parameters.totalArea

        // Ionic charge balance: (F_{k+½} − F_{k−½})/Δx_k + a j_k = 0, with F = κ_eff ∂φ_e/∂x.
        let boundary = foilElectrolytePotential(current: i).value
        var west = faceKappa[0] * (y[0] - boundary) / faceDistance[0]
        for k in 0..<nx {
            let east = k + 1 < nx ? faceKappa[k + 1] * (y[k + 1] - y[k]) / faceDistance[k + 1] : 0
            r[k] = (east - west) / mesh.widths[k] + (k >= ns ? specificArea * reaction[k - ns] : 0)
            west = east
        }

        // Electronic charge balance: (G_{k+½} − G_{k−½})/Δx − a j_k = 0, G = σ_eff ∂φ_s/∂x, G = −i at the collector.
        let h = mesh.widths[nx - 1]
        west = 0
        for k in 0..<np {
            let e = electrodeStart + k
            let east = k + 1 < np ? sigmaEff * (y[e + 1] - y[e]) / h : -i
            r[e] = (east - west) / h - specificArea * reaction[k]
            west = east
        }

        // Solid diffusion: ċ_m = (A_m N_{m+½} − A_{m−1} N_{m−½}) / V_m, N = D ∂c/∂r, N_R = −j/F.
        let dr = particle.spacing
        for k in 0..<np {
            var inflow = 0.0   // A_{m−1} N_{m−½}
            for m in 0..<nr {
                let index = concentrationIndex(cell: k, node: m)
                let outer: Double
                if m + 1 < nr {
                    let d = faceDiffusivity(y[index], y[index + 1]).value
                    outer = particle.outerFaceArea(m) * d * (y[index + 1] - y[index]) / dr
                } else {
                    outer = particle.outerFaceArea(m) * (-reaction[k] / faradayConstant)
                }
                r[index] = yp[index] - (outer - inflow) / particle.volume(m)
                inflow = outer
            }
        }

        // Control equation and capacity counter.
        let v = terminalVoltage(y).value
        switch control {
        case .current(let amperes): r[currentIndex] = i * area - amperes
        case .voltage(let volts): r[currentIndex] = v - volts
        case .power(let watts): r[currentIndex] = i * area * v - watts
        }
        r[capacityIndex] = yp[capacityIndex] - i * area / 3600
    }

    public mutating func jacobian(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>, cj: Double,
                                  into values: UnsafeMutableBufferPointer<Double>) throws {
        try updateReactions(y)
        for k in values.indices { values[k] = 0 }
        let nx = mesh.cellCount, ns = mesh.separatorCells, np = mesh.positiveCells, nr = particle.cells
        let s = slots
        let i = y[currentIndex]
        let area = parameters.totalArea
        let a = specificArea

        // Ionic rows.
        let boundary = foilElectrolytePotential(current: i)
        for k in 0..<nx {
            let w = mesh.widths[k]
            // west face
            let gw = faceKappa[k] / faceDistance[k] / w
            values[s.electrolyteCentre[k]] -= gw
            if k == 0 {
                values[s.electrolyteCurrent] += gw * boundary.dCurrent
            } else {
                values[s.electrolyteWest[k]] += gw
            }
            if k + 1 < nx {
                let ge = faceKappa[k + 1] / faceDistance[k + 1] / w
                values[s.electrolyteEast[k]] += ge
                values[s.electrolyteCentre[k]] -= ge
            }
            if k >= ns {
                let j = k - ns
                values[s.electrolyteCentre[k]] += a * reactionDPhiE[j]
                values[s.electrolyteElectrode[j]] += a * reactionDPhiS[j]
                values[s.electrolyteSurfaceLast[j]] += a * reactionDSurface[j] * Self.surfaceWeightLast
                values[s.electrolyteSurfacePrevious[j]] += a * reactionDSurface[j] * Self.surfaceWeightPrevious
            }
        }

        // Electronic rows.
        let h = mesh.widths[nx - 1]
        let g = sigmaEff / (h * h)
        for k in 0..<np {
            if k > 0 {
                values[s.electrodeWest[k]] += g
                values[s.electrodeCentre[k]] -= g
            }
            if k + 1 < np {
                values[s.electrodeEast[k]] += g
                values[s.electrodeCentre[k]] -= g
            } else {
                values[s.electrodeCurrent] -= 1 / h
            }
            values[s.electrodeCentre[k]] -= a * reactionDPhiS[k]
            values[s.electrodeElectrolyte[k]] -= a * reactionDPhiE[k]
            values[s.electrodeSurfaceLast[k]] -= a * reactionDSurface[k] * Self.surfaceWeightLast
            values[s.electrodeSurfacePrevious[k]] -= a * reactionDSurface[k] * Self.surfaceWeightPrevious
        }

        // Particle rows.
        let dr = particle.spacing
        for k in 0..<np {
            let base = k * nr
            for m in 0..<nr {
                values[s.particleCentre[base + m]] += cj
            }
            for m in 0..<(nr - 1) {
                let index = concentrationIndex(cell: k, node: m)
                let (d, dLeft, dRight) = faceDiffusivity(y[index], y[index + 1])
                let gradient = (y[index + 1] - y[index]) / dr
                // Face flux A N = A D_f (c_{m+1} − c_m)/Δr and its derivatives in c_m and c_{m+1}.
                let areaFace = particle.outerFaceArea(m)
                let dFluxLeft = areaFace * (-d / dr + dLeft * gradient)
                let dFluxRight = areaFace * (d / dr + dRight * gradient)
                // Row m: −(A N)/V_m; row m+1: +(A N)/V_{m+1}.
                let vm = particle.volume(m), vn = particle.volume(m + 1)
                values[s.particleCentre[base + m]] -= dFluxLeft / vm
                values[s.particleEast[base + m]] -= dFluxRight / vm
                values[s.particleWest[base + m + 1]] += dFluxLeft / vn
                values[s.particleCentre[base + m + 1]] += dFluxRight / vn
            }
            // Surface row: −A_R (−j/F)/V = A_R j /(F V).
            let scale = particle.outerFaceArea(nr - 1) / (faradayConstant * particle.volume(nr - 1))
            values[s.particleElectrode[k]] += scale * reactionDPhiS[k]
            values[s.particleElectrolyte[k]] += scale * reactionDPhiE[k]
            values[s.particleCentre[base + nr - 1]] += scale * reactionDSurface[k] * Self.surfaceWeightLast
            values[s.particleWest[base + nr - 1]] += scale * reactionDSurface[k] * Self.surfaceWeightPrevious
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

/// Sizes and offsets of the state vector, for building the sparsity pattern.
struct Layout {
    let nx, ns, np, nr: Int
    let electrodeStart, concentrationStart, currentIndex, capacityIndex: Int
    func concentration(_ j: Int, _ m: Int) -> Int { concentrationStart + j * nr + m }
}

/// Positions in the Jacobian value array of every entry the assembly writes, computed once.
struct Slots: Sendable {
    var electrolyteWest: [Int] = [], electrolyteCentre: [Int] = [], electrolyteEast: [Int] = []
    var electrolyteElectrode: [Int] = [], electrolyteSurfaceLast: [Int] = [], electrolyteSurfacePrevious: [Int] = []
    var electrolyteCurrent = 0
    var electrodeWest: [Int] = [], electrodeCentre: [Int] = [], electrodeEast: [Int] = []
    var electrodeElectrolyte: [Int] = [], electrodeSurfaceLast: [Int] = [], electrodeSurfacePrevious: [Int] = []
    var electrodeCurrent = 0
    var particleWest: [Int] = [], particleCentre: [Int] = [], particleEast: [Int] = []
    var particleElectrode: [Int] = [], particleElectrolyte: [Int] = []
    var controlCurrent = 0, controlElectrode = 0, controlElectrodePrevious = 0
    var capacityCapacity = 0, capacityCurrent = 0

    static func build(_ l: Layout) -> (SparsityPattern, Slots) {
        var entries: [(row: Int, column: Int)] = []
        let electrodeLast = l.electrodeStart + l.np - 1
        for k in 0..<l.nx {
            entries += [(k, k)]
            if k > 0 { entries.append((k, k - 1)) }
            if k + 1 < l.nx { entries.append((k, k + 1)) }
            if k >= l.ns {
                let j = k - l.ns
                entries += [(k, l.electrodeStart + j), (k, l.concentration(j, l.nr - 1)), (k, l.concentration(j, l.nr - 2))]
            }
        }
        entries.append((0, l.currentIndex))
        for j in 0..<l.np {
            let e = l.electrodeStart + j
            entries += [(e, e), (e, l.ns + j), (e, l.concentration(j, l.nr - 1)), (e, l.concentration(j, l.nr - 2))]
            if j > 0 { entries.append((e, e - 1)) }
            if j + 1 < l.np { entries.append((e, e + 1)) }
            for m in 0..<l.nr {
                let c = l.concentration(j, m)
                entries.append((c, c))
                if m > 0 { entries.append((c, c - 1)) }
                if m + 1 < l.nr { entries.append((c, c + 1)) }
            }
            let surface = l.concentration(j, l.nr - 1)
            entries += [(surface, e), (surface, l.ns + j)]
        }
        entries += [(electrodeLast, l.currentIndex), (l.currentIndex, l.currentIndex), (l.currentIndex, electrodeLast),
                    (l.currentIndex, electrodeLast - 1),
                    (l.capacityIndex, l.capacityIndex), (l.capacityIndex, l.currentIndex)]
        let n = l.capacityIndex + 1
        let pattern = SparsityPattern(dimension: n, entries: entries)
        func slot(_ row: Int, _ column: Int) -> Int {
            guard let s = pattern.slot(row: row, column: column) else { return -1 }
            return s
        }

        var s = Slots()
        s.electrolyteWest = (0..<l.nx).map { slot($0, $0 - 1) }
        s.electrolyteCentre = (0..<l.nx).map { slot($0, $0) }
        s.electrolyteEast = (0..<l.nx).map { slot($0, $0 + 1) }
        s.electrolyteElectrode = (0..<l.np).map { slot(l.ns + $0, l.electrodeStart + $0) }
        s.electrolyteSurfaceLast = (0..<l.np).map { slot(l.ns + $0, l.concentration($0, l.nr - 1)) }
        s.electrolyteSurfacePrevious = (0..<l.np).map { slot(l.ns + $0, l.concentration($0, l.nr - 2)) }
        s.electrolyteCurrent = slot(0, l.currentIndex)
        s.electrodeWest = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0 - 1) }
        s.electrodeCentre = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0) }
        s.electrodeEast = (0..<l.np).map { slot(l.electrodeStart + $0, l.electrodeStart + $0 + 1) }
        s.electrodeElectrolyte = (0..<l.np).map { slot(l.electrodeStart + $0, l.ns + $0) }
        s.electrodeSurfaceLast = (0..<l.np).map { slot(l.electrodeStart + $0, l.concentration($0, l.nr - 1)) }
        s.electrodeSurfacePrevious = (0..<l.np).map { slot(l.electrodeStart + $0, l.concentration($0, l.nr - 2)) }
        s.electrodeCurrent = slot(electrodeLast, l.currentIndex)
        for j in 0..<l.np {
            for m in 0..<l.nr {
                let c = l.concentration(j, m)
                s.particleWest.append(slot(c, c - 1))
                s.particleCentre.append(slot(c, c))
                s.particleEast.append(slot(c, c + 1))
            }
            let surface = l.concentration(j, l.nr - 1)
            s.particleElectrode.append(slot(surface, l.electrodeStart + j))
            s.particleElectrolyte.append(slot(surface, l.ns + j))
        }
        s.controlCurrent = slot(l.currentIndex, l.currentIndex)
        s.controlElectrode = slot(l.currentIndex, electrodeLast)
        s.controlElectrodePrevious = slot(l.currentIndex, electrodeLast - 1)
        s.capacityCapacity = slot(l.capacityIndex, l.capacityIndex)
        s.capacityCurrent = slot(l.capacityIndex, l.currentIndex)
        return (pattern, s)
    }
}
