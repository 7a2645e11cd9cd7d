import Foundation

/// Arrhenius factor exp[(E/R)(1/T_ref − 1/T)] (docs/MODEL.md §Transport): a property X(T) =
/// X(T_ref) · arrhenius(E, T, T_ref), with E [J mol⁻¹] and T, T_ref [K]. It scales the
/// electrolyte conductivity, the particle diffusivity, both exchange-current densities and the
/// electrolyte-oxidation current.
@inlinable @inline(__always)
public func arrhenius(activationEnergy: Double, temperature: Double, reference: Double) -> Double {
    exp(activationEnergy / gasConstant * (1 / reference - 1 / temperature))
}
