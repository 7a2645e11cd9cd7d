import CellPhysics
import DAESolver
import Foundation
import Parameters

/// A quantity read out of the state linearly, q = Σ_k w_k y_k (or the linearisation of one about a
/// state): the terminal voltage, an electrode's potential. Applied to a small-signal perturbation δy
/// it gives δq.
public struct StateFunctional: Sendable {
    public var indices: [Int]
    public var weights: [Double]

    public init(indices: [Int], weights: [Double]) {
        precondition(indices.count == weights.count)
        self.indices = indices
        self.weights = weights
    }

    /// Σ_k w_k x_k.
    public func apply(_ x: [Complex]) -> Complex {
        var sum = Complex.zero
        for (index, weight) in zip(indices, weights) { sum += weight * x[index] }
        return sum
    }

    public func apply(_ y: [Double]) -> Double {
        zip(indices, weights).reduce(0) { $0 + $1.1 * y[$1.0] }
    }

    public static func - (a: StateFunctional, b: StateFunctional) -> StateFunctional {
        StateFunctional(indices: a.indices + b.indices, weights: a.weights + b.weights.map { -$0 })
    }
}

/// What small-signal (impedance) analysis needs from the model: where the current control enters,
/// which potentials to read, and the stoichiometry of a state of charge.
extension P2DModel {
    /// Row of the control equation. Under current control it reads i A − I_set = 0, so a small change
    /// δI of the set current is the forcing ∂F/∂I_set δI = −δI in this row: the linearised system is
    /// (K + iωM) δy = e_row δI.
    public var controlEquationIndex: Int { currentIndex }

    /// The terminal voltage V = 1.5 φ_s,N−1 − 0.5 φ_s,N−2 (linear in the state).
    public var terminalVoltageFunctional: StateFunctional {
        let last = electrodeStart + mesh.positiveCells - 1
        return StateFunctional(indices: [last, last - 1], weights: [1.5, -0.5])
    }

    /// The solid-electrolyte potential next to the foil, φ_e(0) = −i L_n/σ_n − η_n − U_n — where an
    /// ideal reference electrode in the separator at the foil would sit — linearised about `y`:
    /// with a foil capacity δφ_e(0) = −(L_n/σ_n) δi − δη_n, otherwise
    /// δφ_e(0) = −(L_n/σ_n + RT/(F i₀,Li) / √(1 + (i/2i₀,Li)²)) δi.
    public func foilElectrolytePotentialFunctional(at y: [Double]) -> StateFunctional {
        let i = y[currentIndex]
        if let a = lithiumContactIndex {
            // φ_e(0) also follows φ_a and P (P2DModel+NegativeInterface.swift).
            let b = y.withUnsafeBufferPointer { contactFoilBoundary($0) }
            var functional = StateFunctional(indices: [currentIndex, a, pressureIndex], weights: [b.dCurrent, b.dContact, b.dPressure])
            if let q = foilOverpotentialIndex { functional = functional - StateFunctional(indices: [q], weights: [1]) }
            return functional
        }
        if let q = foilOverpotentialIndex {
            let slope = foil.electrolytePotential(current: i, overpotential: (value: y[q], dCurrent: 0)).dCurrent
            return StateFunctional(indices: [currentIndex, q], weights: [slope, -1])
        }
        return StateFunctional(indices: [currentIndex], weights: [foil.electrolytePotential(current: i).dCurrent])
    }

    /// Open-circuit voltage of the cell at a uniform positive stoichiometry: U(y) − U_n (U with its
    /// boundary asymptotes, as in the residual).
    public func openCircuitVoltage(stoichiometry y: Double) -> Double {
        openCircuitPotential(y).value - parameters.negativeOCP
    }

    /// The positive stoichiometries at which the open-circuit voltage equals the model's upper and lower
    /// voltage cut-offs: the charged (SOC = 1) and discharged (SOC = 0) ends of the operating window,
    /// PyBaMM's convention for an initial SOC. U decreases with y, so `charged` < `discharged`. An end the
    /// OCV does not reach inside (10⁻⁹, 1 − 10⁻⁹) is that bound.
    public var stoichiometryWindow: (charged: Double, discharged: Double) {
        let p = parameters
        func solve(_ voltage: Double) -> Double {
            var (low, high) = (1e-9, 1 - 1e-9)
            if openCircuitVoltage(stoichiometry: low) <= voltage { return low }
            if openCircuitVoltage(stoichiometry: high) >= voltage { return high }
            for _ in 0..<200 {
                let mid = 0.5 * (low + high)
                if openCircuitVoltage(stoichiometry: mid) > voltage { low = mid } else { high = mid }
                if high - low < 1e-15 { break }
            }
            return 0.5 * (low + high)
        }
        return (solve(p.upperVoltageCutoff), solve(p.lowerVoltageCutoff))
    }

    /// The uniform positive stoichiometry of a state of charge in [0, 1] (linear in the window).
    public func stoichiometry(atStateOfCharge soc: Double) -> Double {
        let window = stoichiometryWindow
        return window.discharged + soc * (window.charged - window.discharged)
    }
}
