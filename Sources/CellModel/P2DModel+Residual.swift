import CellPhysics
import DAESolver
import Foundation
import Parameters

/// The residual F(t, y, ẏ) of the discretised model and the rest of its ``DAESystem`` conformance
/// (root functions, quadratures); the Jacobian is in `P2DModel+Jacobian.swift`.
extension P2DModel {
    public var rootCount: Int { events.count }

    /// Running totals integrated with the solution: the fixed ``Quadrature``s, then, when the
    /// contact-damage law follows current crowding, the charge per contacted area of every particle
    /// (``particleChargeQuadratures``).
    public var quadratureCount: Int { particleChargeQuadratures.upperBound }

    /// Under a contact-damage law the running totals give its drivers, so they are in the error
    /// test: |j| has kinks where a particle's current changes sign (at rest, at the turn of a
    /// cycle), which the states' steps alone would integrate to a first-order error, and a damage
    /// that depended on where the steps fall would not be a smooth function of the parameters (its
    /// sensitivities could not equal differences of runs). Absolute tolerances: 10⁻⁹ W h, 10⁻¹² A h,
    /// 10⁻⁶ s, 10⁻⁴ K s, 10⁻⁶ MPa s and 10⁻⁶ A s m⁻²; nil without a damage law.
    public var quadratureAbsoluteTolerances: [Double]? {
        guard parameters.degradation?.contactDamage != nil else { return nil }
        var tolerances = [Double](repeating: 1e-6, count: quadratureCount)
        tolerances[Quadrature.energy.rawValue] = 1e-9
        tolerances[Quadrature.sideReactionCharge.rawValue] = 1e-12
        tolerances[Quadrature.temperatureTime.rawValue] = 1e-4
        return tolerances
    }

    /// The integrands of the running totals (``Quadrature``): V I / 3600, I_ox / 3600, 1, T, P, the
    /// mean current density per particle surface |i| / Σ h a, and with crowding every particle's
    /// |j| per contacted area. Allocates nothing.
    public func quadratureIntegrands(time: Double, state y: UnsafeBufferPointer<Double>,
                                     derivative yp: UnsafeBufferPointer<Double>,
                                     into q: UnsafeMutableBufferPointer<Double>) {
        q[Quadrature.energy.rawValue] = terminalVoltage(y).value * y[currentIndex] * parameters.totalArea / 3600
        q[Quadrature.sideReactionCharge.rawValue] = sideReactionCurrent(state: y, derivative: yp) / 3600
        q[Quadrature.elapsedTime.rawValue] = 1
        q[Quadrature.temperatureTime.rawValue] = parameters.temperature
        q[Quadrature.pressureTime.rawValue] = y[pressureIndex]
        q[Quadrature.meanParticleCharge.rawValue] = meanParticleCurrentDensity(y)
        let particles = particleChargeQuadratures
        guard !particles.isEmpty else { return }
        interfacialCurrentDensity(y, into: UnsafeMutableBufferPointer(rebasing: q[particles]))
    }

    /// The integrands' derivative along a direction of the state and its rate, q_y v + q_ẏ v̇,
    /// exact (from the laws' own derivatives; a magnitude as sign × derivative): the state part of
    /// the quadratures' sensitivity equations. Allocates nothing.
    public func quadratureIntegrandDerivatives(state y: UnsafeBufferPointer<Double>, derivative yp: UnsafeBufferPointer<Double>,
                                               along v: UnsafeBufferPointer<Double>, rate vp: UnsafeBufferPointer<Double>,
                                               into dq: UnsafeMutableBufferPointer<Double>) {
        let voltage = terminalVoltage(y), area = parameters.totalArea
        let last = electrodeStart + mesh.positiveCells - 1
        let dVoltage = layout.positiveFoil ? 0 : voltage.dLast * v[last] + voltage.dPrevious * v[last - 1]
        dq[Quadrature.energy.rawValue] = (dVoltage * y[currentIndex] + voltage.value * v[currentIndex]) * area / 3600
        var dSide = 0.0
        if oxidation != nil {
            let pressureFactor = self.pressureFactor(y[pressureIndex])
            for j in 0..<mesh.positiveCells {
                let width = mesh.widths[mesh.separatorCells + j]
                for k in 0..<classCount {
                    let contact = contactFraction(y, cell: j, class: k, pressureFactor: pressureFactor)
                    let dContact = contact.dMean * meanConcentration(v, cell: j, class: k) / cMax + contact.dPressure * v[pressureIndex]
                    let film = layout.film(j * classCount + k)
                    dSide += width * classArea[k] * (dContact * yp[film] + contact.value * vp[film])
                }
            }
        }
        dq[Quadrature.sideReactionCharge.rawValue] = dSide * area / 3600
        dq[Quadrature.elapsedTime.rawValue] = 0
        dq[Quadrature.temperatureTime.rawValue] = 0
        dq[Quadrature.pressureTime.rawValue] = v[pressureIndex]
        let surface = activeSurfacePerElectrodeArea
        dq[Quadrature.meanParticleCharge.rawValue] = surface > 0 ? (y[currentIndex] < 0 ? -1 : 1) * v[currentIndex] / surface : 0
        let particles = particleChargeQuadratures
        for r in 0..<particles.count {
            guard let (rate, clamped) = contactedRate(y, particle: r) else {
                dq[particles.lowerBound + r] = 0
                continue
            }
            let j = r / classCount, k = r % classCount
            var dj = rate.dPotential * (v[electrodeStart + j] - v[mesh.separatorCells + j])
            if !clamped { dj += rate.dStoichiometry * surfaceConcentration(v, cell: j, class: k) / cMax }
            if oxidation != nil, y[layout.film(r)] > 0 { dj += rate.dFilm * film.resistancePerCharge * v[layout.film(r)] }
            dq[particles.lowerBound + r] = rate.j < 0 ? -dj : dj
        }
    }

    public mutating func residual(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>,
                                  into r: UnsafeMutableBufferPointer<Double>) throws {
        makeScratchUnique()
        try evaluateResidual(time: time, state: y, derivative: yp, into: r)
    }

    /// Gives this model its own scratch storage if it shares it with a copy.
    mutating func makeScratchUnique() {
        if !isKnownUniquelyReferenced(&scratch) { scratch = scratch.copy() }
    }

    /// ``residual(time:state:derivative:into:)`` (non-mutating: see ``scratch``).
    func evaluateResidual(time: Double, state y: UnsafeBufferPointer<Double>,
                                  derivative yp: UnsafeBufferPointer<Double>,
                                  into r: UnsafeMutableBufferPointer<Double>) throws {
        try updateReactions(y)
        let nx = mesh.cellCount, ns = mesh.separatorCells, np = mesh.positiveCells, nr = layout.nr, K = classCount
        let i = y[currentIndex]
        let area = parameters.totalArea

        // Ionic charge balance: (F_{k+½} − F_{k−½})/Δx_k + Σ a φ j = 0, with F = κ_eff ∂φ_e/∂x;
        // F = 0 at the current collector, F = −i into a symmetric cell's x = L foil.
        let boundary = foilBoundary(y).value
        let lastFlux = layout.positiveFoil ? -i : 0
        var west = faceKappa[0] * (y[0] - boundary) / faceDistance[0]
        for c in 0..<nx {
            let east = c + 1 < nx ? faceKappa[c + 1] * (y[c + 1] - y[c]) / faceDistance[c + 1] : lastFlux
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
        // Classes outermost, so that each class's geometry is fetched once per evaluation.
        let constantDiffusivity = parameters.positiveDiffusivity.constantValue
        for k in 0..<K {
            let particle = particles[k]
            let surfaceArea = particle.outerFaceArea(nr - 1)
            particle.withDiffusionGeometry { conductances, inverseVolumes in
                for j in 0..<np {
                    let reaction = j * K + k
                    let first = layout.concentration(j, k, 0)
                    let constantFace = constantDiffusivity.map { d in
                        Diffusivities.faceValue((d, 0), (d, 0), scale: diffusivityScale[reaction]).value
                    }
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
        switch control.instantaneous(at: time) {
        case .current(let amperes): r[currentIndex] = i * area - amperes
        case .voltage(let volts): r[currentIndex] = v - volts
        case .power(let watts): r[currentIndex] = i * area * v - watts
        case .profile: break  // (instantaneous(at:) is never a profile)
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
        if layout.lithiumContact { addNegativeInterfaceResidual(y, yp, into: r) }
        if layout.platedLithium { r[layout.platedLithiumIndex] = yp[layout.platedLithiumIndex] + i }
    }

    public mutating func roots(time: Double, state y: UnsafeBufferPointer<Double>,
                               derivative yp: UnsafeBufferPointer<Double>,
                               into g: UnsafeMutableBufferPointer<Double>) throws {
        for (k, event) in events.enumerated() {
            switch event {
            case .voltage(let volts): g[k] = terminalVoltage(y).value - volts
            case .currentMagnitude(let amperes): g[k] = abs(y[currentIndex] * parameters.totalArea) - amperes
            case .negativeContact(let fraction): g[k] = smallestContactFraction(y) - fraction
            case .lithiumPenetration(let criterion): g[k] = penetrationMargin(criterion, y).value
            case .lithiumExhausted: g[k] = y[layout.platedLithiumIndex]
            }
        }
    }
}

/// The running totals the integrator carries with a ``P2DModel``'s solution (IDAS quadratures: exact
/// to the integration's accuracy however sparsely the solution is recorded), by their index.
/// Differences of them over a cycle give the contact-damage law's time-averaged drivers
/// (``CycleDamageDrivers``), so that those are integrals of the solution, not of its samples.
public enum Quadrature: Int, CaseIterable, Sendable {
    /// ∫ V I dt / 3600: energy delivered [W h], positive on discharge.
    case energy
    /// ∫ I_ox dt / 3600: charge passed by the electrolyte-oxidation side reaction [A h].
    case sideReactionCharge
    /// ∫ dt: time elapsed [s] (its sensitivity is the sum of the event-ended steps' duration shifts).
    case elapsedTime
    /// ∫ T dt [K s].
    case temperatureTime
    /// ∫ P dt: the stack pressure's time integral [MPa s].
    case pressureTime
    /// ∫ |i| / Σ_j h_j Σ_k a_k dt: the charge per particle surface of the electrode's mean [A s m⁻²].
    case meanParticleCharge
}
