import Foundation

/// Faraday constant F = e N_A [C mol⁻¹] (exact in the 2019 SI; the same double as PyBaMM's).
public let faradayConstant = 1.602176634e-19 * 6.02214076e23
/// Molar gas constant R = k_B N_A [J mol⁻¹ K⁻¹] (exact in the 2019 SI; the same double as PyBaMM's).
public let gasConstant = 1.380649e-23 * 6.02214076e23
