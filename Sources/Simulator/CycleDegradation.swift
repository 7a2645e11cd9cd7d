import CellModel
import CellPhysics
import DAESolver
import Foundation
import Interpolation
import Parameters
import Protocols

/// Applies the cycle-level contact-damage law: during a cycle it follows every particle's
/// volumetric strain (its extremes) and the stack pressure (its time average and extremes); at the
/// cycle's end it raises each particle's damage, D ← law(D, max ε_V − min ε_V, P̄, ΔP/P̄), and isolates particles
/// whose contact φ0 (1 − D) has fallen below the model's isolation threshold (D = 1: they keep
/// their lithium from then on). Observing a state does not allocate.
struct CycleDegradation {
    let law: any ContactDamageLaw
    private var strain: [Double]
    private var strainMinimum: [Double]
    private var strainMaximum: [Double]
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
        if let last, time > last.time {
            pressureTime += 0.5 * (pressure + last.pressure) * (time - last.time)
            duration += time - last.time
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
            let damage = law.damage(after: model.contactDamage[index], strainSwing: swing.isFinite ? swing : 0,
                                    pressure: pressure, pressureSwing: pressureSwing)
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
        pressureTime = 0
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
