import CellModel
import CellPhysics
import DAESolver
import Foundation
import Interpolation
import Parameters
import Protocols

/// Applies the cycle-level contact-damage law: during a cycle it follows every particle's
/// volumetric strain (its extremes), its current crowding (the charge its contacts pass per contacted
/// area, ∫|j| dt, over what a uniformly loaded particle surface would pass), the time averages of
/// the stack pressure (and its extremes) and of the temperature; at the
/// cycle's end it raises each particle's damage, D ← law(D, drivers) (``CycleDamageDrivers``), and isolates particles
/// whose contact φ0 (1 − D) has fallen below the model's isolation threshold (D = 1: they keep
/// their lithium from then on). Observing a state does not allocate.
struct CycleDegradation {
    let law: any ContactDamageLaw
    private var strain: [Double]
    private var strainMinimum: [Double]
    private var strainMaximum: [Double]
    /// |j| per contacted area of every particle at the last observed state, and its time integral.
    private var current: [Double]
    private var lastCurrent: [Double]
    private var currentTime: [Double]
    private var temperatureTime = 0.0
    /// ∫ of the electrode's mean current density per particle surface over the cycle, and its last value.
    private var meanCurrentTime = 0.0
    private var lastMeanCurrent = 0.0
    /// Whether the law uses the current crowding (read from the residual pass, per particle per sample).
    private let followsCurrent: Bool
    /// Σ_j h_j Σ_k a_k of the model (the mean current density per particle surface is |i| over it).
    private let activeSurface: Double
    private var pressureTime = 0.0
    private var duration = 0.0
    private var last: (time: Double, pressure: Double)?
    private var pressureRange = (minimum: Double.infinity, maximum: -Double.infinity)

    init?(model: P2DModel) {
        guard let law = model.parameters.degradation?.contactDamage else { return nil }
        self.law = law
        let count = model.contactDamage.count
        strain = Array(repeating: 0, count: count)
        strainMinimum = Array(repeating: .infinity, count: count)
        strainMaximum = Array(repeating: -.infinity, count: count)
        current = Array(repeating: 0, count: count)
        lastCurrent = Array(repeating: 0, count: count)
        currentTime = Array(repeating: 0, count: count)
        followsCurrent = (law as? StrainCycleDamage)?.crowding != nil
        activeSurface = model.activeSurfacePerElectrodeArea
    }

    /// Takes in one (accepted) state of the cycle.
    mutating func observe(_ model: P2DModel, state y: [Double], time: Double) {
        model.particleStrain(y, into: &strain)
        for index in strain.indices {
            strainMinimum[index] = min(strainMinimum[index], strain[index])
            strainMaximum[index] = max(strainMaximum[index], strain[index])
        }
        let pressure = model.stackPressure(y)
        pressureRange = (min(pressureRange.minimum, pressure), max(pressureRange.maximum, pressure))
        // The electrode's mean current density per particle surface, and |j| per contacted area read
        // from the residual pass that produced this state (no kinetics evaluated here).
        let meanCurrent = followsCurrent && activeSurface > 0 ? abs(y[model.currentIndex]) / activeSurface : 0
        if followsCurrent { model.interfacialCurrentDensityAtLastResidual(into: &current) }
        if let last, time > last.time {
            let dt = time - last.time
            pressureTime += 0.5 * (pressure + last.pressure) * dt
            temperatureTime += model.parameters.temperature * dt
            if followsCurrent {
                for index in current.indices { currentTime[index] += 0.5 * (current[index] + lastCurrent[index]) * dt }
                meanCurrentTime += 0.5 * (meanCurrent + lastMeanCurrent) * dt
            }
            duration += dt
        }
        if followsCurrent {
            for index in current.indices { lastCurrent[index] = current[index] }
            lastMeanCurrent = meanCurrent
        }
        last = (time, pressure)
    }

    /// Raises the model's damage by one cycle and starts following the next cycle.
    mutating func endCycle(_ model: inout P2DModel) {
        guard let last else { return }
        let pressure = duration > 0 ? pressureTime / duration : last.pressure
        let pressureSwing = pressure > 0 ? (pressureRange.maximum - pressureRange.minimum) / pressure : 0
        let p = model.parameters
        let classes = p.contactClasses.count
        for index in model.contactDamage.indices {
            let swing = strainMaximum[index] - strainMinimum[index]
            let drivers = CycleDamageDrivers(
                strainSwing: swing.isFinite ? swing : 0, pressure: pressure, pressureSwing: pressureSwing,
                currentCrowding: meanCurrentTime > 0 ? currentTime[index] / meanCurrentTime : 0,
                temperature: duration > 0 ? temperatureTime / duration : p.temperature)
            let damage = law.damage(after: model.contactDamage[index], drivers: drivers)
            model.contactDamage[index] = Self.settled(damage, of: p.contactClasses[index % classes], threshold: p.isolationThreshold)
        }
        startCycle()
    }

    /// Forgets what was observed: the next state observed is the first of a new cycle.
    mutating func startCycle() {
        for index in strainMinimum.indices {
            strainMinimum[index] = .infinity
            strainMaximum[index] = -.infinity
        }
        for index in currentTime.indices { currentTime[index] = 0 }
        pressureTime = 0
        temperatureTime = 0
        meanCurrentTime = 0
        duration = 0
        pressureRange = (.infinity, -.infinity)
        last = nil
    }

    /// A particle's damage as it is kept: 1 (isolated, its lithium stranded) once its contact
    /// φ0 (1 − D) falls below the isolation threshold.
    static func settled(_ damage: Double, of particles: ContactClass, threshold: Double) -> Double {
        particles.intactContact(damage: damage) < threshold ? 1 : min(damage, 1)
    }
}
