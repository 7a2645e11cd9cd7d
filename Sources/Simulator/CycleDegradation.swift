import CellModel
import CellPhysics
import DAESolver
import Foundation
import Parameters

/// Applies the cycle-level contact-damage law. Its drivers are integrals and extremes of the
/// solution over the cycle, not of its samples: the time averages of the stack pressure and the
/// temperature and every particle's current crowding (the charge its contacts pass per contacted
/// area, ∫|j| dt, over what a uniformly loaded particle surface would pass) are differences of the
/// running totals the integrator carries (``Quadrature``, ``P2DModel/particleChargeQuadratures``)
/// between the cycle's first observed state and its end; every particle's volumetric strain and the
/// stack pressure are followed at the step boundaries (each step's switch-on and end), where their
/// extremes lie under charge and discharge steps. At the cycle's end it raises each particle's
/// damage, D ← law(D, drivers) (``CycleDamageDrivers``), and isolates particles whose contact
/// φ0 (1 − D) has fallen below the model's isolation threshold (D = 1: they keep their lithium
/// from then on).
///
/// With forward sensitivities it carries dD/dθ along: the totals' sensitivities (the quadratures',
/// moved to the steps' event-dependent ends) and those of the extremes give dDrivers/dθ, and
///
///     dD_{N+1}/dθ ≈ [law(D + δ dD/dθ, drivers + δ dDrivers/dθ; θ + δ) − law(D − δ dD/dθ, drivers − δ dDrivers/dθ; θ − δ)] / 2δ
///
/// with the perturbed models' own laws (``ParameterPerturbations``), which then take D ± δ dD/dθ
/// into the next cycle's ∂F/∂θ. An isolated particle's damage has no derivative.
struct CycleDegradation {
    let law: any ContactDamageLaw
    /// The running totals and their sensitivities at the cycle's first observed state (nil before it).
    private var cycleStart: (totals: [Double], sensitivities: [[Double]])?
    private var strain: [Double]
    /// Every particle's strain extremes at the cycle's step boundaries, and their dε/dθᵢ there ([i][particle]).
    private var strainMinimum: [Double], strainMaximum: [Double]
    private var strainMinimumSensitivity: [[Double]], strainMaximumSensitivity: [[Double]]
    /// The stack pressure's extremes at the step boundaries, and their dP/dθᵢ.
    private var pressureMinimum = Double.infinity, pressureMaximum = -Double.infinity
    private var pressureMinimumSensitivity: [Double] = [], pressureMaximumSensitivity: [Double] = []
    /// dD/dθᵢ of every particle ([i][particle]; empty without sensitivities).
    private(set) var damageSensitivities: [[Double]] = []

    init?(model: P2DModel, sensitivities: Int = 0) {
        guard let law = model.parameters.degradation?.contactDamage else { return nil }
        self.law = law
        let count = model.contactDamage.count
        strain = Array(repeating: 0, count: count)
        strainMinimum = Array(repeating: .infinity, count: count)
        strainMaximum = Array(repeating: -.infinity, count: count)
        let zeros = [[Double]](repeating: Array(repeating: 0, count: count), count: sensitivities)
        (strainMinimumSensitivity, strainMaximumSensitivity, damageSensitivities) = (zeros, zeros, zeros)
        pressureMinimumSensitivity = Array(repeating: 0, count: sensitivities)
        pressureMaximumSensitivity = pressureMinimumSensitivity
    }

    /// Takes in a step boundary (a step's consistent state after its switch-on, or its end): the
    /// first of a cycle fixes the totals the cycle's integrals are measured from. With
    /// `perturbations`, the solver's sensitivities are those of this state (moved to an event).
    mutating func observe(_ solver: IDASolver<P2DModel>, perturbations: ParameterPerturbations?) {
        let model = solver.system, y = solver.state
        if cycleStart == nil { cycleStart = (solver.quadratures, solver.quadratureSensitivities) }
        model.particleStrain(y, into: &strain)
        let pressure = model.stackPressure(y)
        var strainDerivatives: [[Double]] = [], pressureDerivatives: [Double] = []
        if let perturbations {
            // dε/dθᵢ = ∂ε/∂θᵢ at the state + ε_y sᵢ; dP/dθᵢ = s_P (the pressure is an unknown).
            let s = solver.sensitivities
            var alongSensitivity = strain
            for i in 0..<perturbations.count {
                model.particleStrainDerivative(y, along: s[i], into: &alongSensitivity)
                let atState = perturbations.parameterDerivative(i, state: y, following: model) { m, state in
                    var e = [Double](repeating: 0, count: m.contactDamage.count)
                    m.particleStrain(state, into: &e)
                    return e
                }
                strainDerivatives.append(zip(atState, alongSensitivity).map(+))
                pressureDerivatives.append(s[i][model.pressureIndex])
            }
        }
        for r in strain.indices {
            if strain[r] < strainMinimum[r] {
                strainMinimum[r] = strain[r]
                for i in strainDerivatives.indices { strainMinimumSensitivity[i][r] = strainDerivatives[i][r] }
            }
            if strain[r] > strainMaximum[r] {
                strainMaximum[r] = strain[r]
                for i in strainDerivatives.indices { strainMaximumSensitivity[i][r] = strainDerivatives[i][r] }
            }
        }
        if pressure < pressureMinimum {
            pressureMinimum = pressure
            for i in pressureDerivatives.indices { pressureMinimumSensitivity[i] = pressureDerivatives[i] }
        }
        if pressure > pressureMaximum {
            pressureMaximum = pressure
            for i in pressureDerivatives.indices { pressureMaximumSensitivity[i] = pressureDerivatives[i] }
        }
    }

    /// Raises the model's damage by one cycle (and, with `perturbations`, its sensitivities, handed
    /// to the perturbed models) and starts following the next cycle.
    mutating func endCycle(_ solver: IDASolver<P2DModel>, perturbations: ParameterPerturbations? = nil) {
        guard let start = cycleStart else { return }
        let model = solver.system
        let p = model.parameters
        let classes = p.contactClasses.count
        let end = (totals: solver.quadratures, sensitivities: solver.quadratureSensitivities)
        let particleCharges = model.particleChargeQuadratures
        /// The cycle's totals of particle r, or their derivative in θᵢ.
        func totals(_ r: Int, parameter i: Int? = nil) -> CycleTotals {
            func change(_ m: Int) -> Double {
                guard let i else { return end.totals[m] - start.totals[m] }
                return end.sensitivities[i][m] - start.sensitivities[i][m]
            }
            func total(_ q: Quadrature) -> Double { change(q.rawValue) }
            return CycleTotals(
                duration: total(.elapsedTime), temperatureTime: total(.temperatureTime), pressureTime: total(.pressureTime),
                meanParticleCharge: total(.meanParticleCharge),
                particleCharge: particleCharges.isEmpty ? 0 : change(particleCharges.lowerBound + r),
                strainMinimum: i.map { strainMinimumSensitivity[$0][r] } ?? strainMinimum[r],
                strainMaximum: i.map { strainMaximumSensitivity[$0][r] } ?? strainMaximum[r],
                pressureMinimum: i.map { pressureMinimumSensitivity[$0] } ?? pressureMinimum,
                pressureMaximum: i.map { pressureMaximumSensitivity[$0] } ?? pressureMaximum)
        }
        var damage = model.contactDamage
        for r in damage.indices {
            let cycle = totals(r)
            let raised = law.damage(after: damage[r], drivers: cycle.drivers(ambient: p.temperature))
            damage[r] = Self.settled(raised, of: p.contactClasses[r % classes], threshold: p.isolationThreshold)
        }
        if let perturbations {
            for i in damageSensitivities.indices {
                let (up, down) = perturbations.models(i, following: model)
                guard let upLaw = up.parameters.degradation?.contactDamage,
                      let downLaw = down.parameters.degradation?.contactDamage else { continue }
                let h = perturbations.steps[i]
                for r in damage.indices {
                    guard damage[r] < 1 else {
                        damageSensitivities[i][r] = 0
                        continue
                    }
                    let (cycle, derivative) = (totals(r), totals(r, parameter: i))
                    let before = model.contactDamage[r], slope = damageSensitivities[i][r]
                    let raisedUp = upLaw.damage(after: before + h * slope,
                                                drivers: cycle.moved(along: derivative, by: h).drivers(ambient: up.parameters.temperature))
                    let raisedDown = downLaw.damage(after: before - h * slope,
                                                    drivers: cycle.moved(along: derivative, by: -h).drivers(ambient: down.parameters.temperature))
                    damageSensitivities[i][r] = (raisedUp - raisedDown) / (2 * h)
                }
            }
        }
        solver.system.contactDamage = damage
        perturbations?.setContactDamage(damage, sensitivities: damageSensitivities)
        startCycle()
    }

    /// Forgets what was observed: the next state observed is the first of a new cycle.
    mutating func startCycle() {
        cycleStart = nil
        for r in strain.indices {
            strainMinimum[r] = .infinity
            strainMaximum[r] = -.infinity
        }
        pressureMinimum = .infinity
        pressureMaximum = -.infinity
    }

    /// A particle's damage as it is kept: 1 (isolated, its lithium stranded) once its contact
    /// φ0 (1 − D) falls below the isolation threshold.
    static func settled(_ damage: Double, of particles: ContactClass, threshold: Double) -> Double {
        particles.intactContact(damage: damage) < threshold ? 1 : min(damage, 1)
    }
}

/// What one cycle's drivers of one particle are made of: the changes of the running totals over
/// the cycle and the extremes at its step boundaries (or, as a direction, their derivatives).
struct CycleTotals {
    /// ∫ dt [s], ∫ T dt [K s], ∫ P dt [MPa s], ∫ |i|/Σ h a dt and ∫ |j| dt of the particle [A s m⁻²].
    var duration, temperatureTime, pressureTime, meanParticleCharge, particleCharge: Double
    var strainMinimum, strainMaximum, pressureMinimum, pressureMaximum: Double

    /// The law's drivers: P̄ = ∫P dt/τ, ΔP/P̄, Δε_V, r̄ = ∫|j| dt / ∫|i|/Σ h a dt and T̄ = ∫T dt/τ
    /// (`ambient` for a cycle of no duration).
    func drivers(ambient: Double) -> CycleDamageDrivers {
        let pressure = duration > 0 ? pressureTime / duration : pressureMaximum
        let swing = strainMaximum - strainMinimum
        return CycleDamageDrivers(
            strainSwing: swing.isFinite ? swing : 0, pressure: pressure,
            pressureSwing: pressure > 0 ? (pressureMaximum - pressureMinimum) / pressure : 0,
            currentCrowding: meanParticleCharge > 0 ? particleCharge / meanParticleCharge : 0,
            temperature: duration > 0 ? temperatureTime / duration : ambient)
    }

    /// These totals moved by h times `direction`.
    func moved(along d: CycleTotals, by h: Double) -> CycleTotals {
        CycleTotals(duration: duration + h * d.duration, temperatureTime: temperatureTime + h * d.temperatureTime,
                    pressureTime: pressureTime + h * d.pressureTime, meanParticleCharge: meanParticleCharge + h * d.meanParticleCharge,
                    particleCharge: particleCharge + h * d.particleCharge,
                    strainMinimum: strainMinimum + h * d.strainMinimum, strainMaximum: strainMaximum + h * d.strainMaximum,
                    pressureMinimum: pressureMinimum + h * d.pressureMinimum, pressureMaximum: pressureMaximum + h * d.pressureMaximum)
    }
}
