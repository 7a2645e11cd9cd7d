import Foundation

/// Faraday constant F = e N_A [C mol⁻¹] (exact in the 2019 SI; the same double as PyBaMM's).
public let faradayConstant = 1.602176634e-19 * 6.02214076e23
/// Molar gas constant R = k_B N_A [J mol⁻¹ K⁻¹] (exact in the 2019 SI; the same double as PyBaMM's).
public let gasConstant = 1.380649e-23 * 6.02214076e23

/// Arrhenius factor exp[(E/R)(1/T_ref − 1/T)]: a property X(T) = X(T_ref) · arrhenius(E, T, T_ref).
@inlinable @inline(__always)
public func arrhenius(activationEnergy: Double, temperature: Double, reference: Double) -> Double {
    exp(activationEnergy / gasConstant * (1 / reference - 1 / temperature))
}
