import Foundation

/// Standard errors, correlations and the identifiability verdict of a least-squares fit.
///
/// With J = ∂r/∂θ at the optimum, m residuals and n parameters, the covariance of θ is
/// C = s² (JᵀJ)⁻¹ with s² = S/(m − n), the residual variance (so that the standard errors reflect
/// the misfit actually found, not only the assumed noise). When the residuals are divided by stated
/// uncertainties rather than estimated noise (published numbers, ``FitTargets``), C = (JᵀJ)⁻¹: the
/// standard errors are those the stated uncertainties imply, and as many numbers as keys suffice.
/// A parameter fitted in log space has the standard error p·σ_θ (first order); correlations are
/// those of C.
public struct FitStatistics: Sendable {
    /// Standard error of each parameter's value (nil where JᵀJ is singular).
    public var standardErrors: [Double?]
    /// Correlation matrix (nil entries where JᵀJ is singular).
    public var correlation: [[Double?]]
    /// The keys and pairs the data do not determine, each with what would.
    public var problems: [String]
    public var identifiable: Bool { problems.isEmpty }

    /// Correlation beyond which a pair is named as not separately identifiable.
    public static let correlationLimit = 0.95

    public init(parameters: [FitParameter], coordinates: [Double], jacobianColumns: [[Double]], objective: Double,
                statedUncertainties: Bool = false) {
        let n = parameters.count
        let m = jacobianColumns.first?.count ?? 0
        let variance = statedUncertainties ? 1 : objective / Double(max(m - n, 1))
        let normal = SymmetricMatrix.normalMatrix(of: jacobianColumns)
        guard statedUncertainties ? m >= n : m > n, let factor = normal.cholesky() else {
            standardErrors = Array(repeating: nil, count: n)
            correlation = Array(repeating: Array(repeating: nil, count: n), count: n)
            let keys = parameters.map { "\"\($0.key)\"" }.joined(separator: ", ")
            problems = [(statedUncertainties ? m < n : m <= n)
                ? "\(m) data points cannot determine \(n) parameters"
                : "\(keys): the data do not determine these keys independently (JᵀJ is singular: some combination of them leaves every residual unchanged); "
                    + parameters.map { Self.suggestion(for: $0.key) }.joined(separator: "; ")]
            return
        }
        let inverse = factor.choleskyInverse()
        var errors: [Double?] = []
        for j in 0..<n {
            let sigmaTheta = (variance * inverse[j, j]).squareRoot()
            errors.append(abs(parameters[j].derivative(coordinates[j])) * sigmaTheta)
        }
        standardErrors = errors
        correlation = (0..<n).map { i in
            (0..<n).map { j in inverse[i, j] / (inverse[i, i] * inverse[j, j]).squareRoot() }
        }
        var problems: [String] = []
        for j in 0..<n {
            let value = parameters[j].value(coordinates[j])
            if let e = errors[j], e > abs(value) {
                problems.append("\"\(parameters[j].key)\": standard error \(Self.format(e)) exceeds its value \(Self.format(value)), "
                                + "so these data do not determine it; \(Self.suggestion(for: parameters[j].key))")
            }
        }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                if let c = correlation[i][j], abs(c) > Self.correlationLimit {
                    problems.append("\"\(parameters[i].key)\" and \"\(parameters[j].key)\" are correlated (\(String(format: "%.3f", c))), "
                                    + "so these data do not separate them; "
                                    + (Self.suggestion(for: parameters[i].key, and: parameters[j].key)
                                       ?? Self.suggestion(for: parameters[i].key) + "; " + Self.suggestion(for: parameters[j].key)))
                }
            }
        }
        self.problems = problems
    }

    /// Which measurement constrains a key of this kind on its own.
    static func suggestion(for key: String) -> String {
        let k = key.lowercased()
        let what: String
        if k.contains("exchange-current") || k.contains("exchange current") {
            what = "an impedance spectrum or current pulses (the charge-transfer resistance) separate"
        } else if k.contains("contact") && (k.contains("damage") || k.contains("per cycle")) {
            what = "capacity over many cycles at two stack pressures separates"
        } else if k.contains("contact") {
            what = "the same test at another stack pressure or a higher rate (contact sets the accessible capacity) separates"
        } else if k.contains("diffusivity") {
            what = "relaxation after current pulses (GITT) or a rate test separates"
        } else if k.contains("conductivity") || k.contains("tortuosity") || k.contains("bruggeman") {
            what = "the high-frequency impedance or a rate test separates"
        } else if k.contains("oxidation") || k.contains("interphase") || k.contains("damage") {
            what = "capacity and resistance over many cycles at two potentials or temperatures separate"
        } else {
            what = "data in which its effect differs (other rates, rests, an impedance spectrum) separate"
        }
        return "\(what) \"\(key)\""
    }

    /// What separates a pair that acts through one combination, where the model says which.
    static func suggestion(for first: String, and second: String) -> String? {
        let keys = [first.lowercased(), second.lowercased()]
        let exchange = keys.contains { $0.contains("exchange-current") && $0.contains("positive") }
        let contact = keys.contains { $0.contains("contact fraction") }
        if exchange && contact {
            return "the CAM|SE exchange current and the contact fraction act through their product i₀φ in the charge-transfer term "
                + "(and so in the impedance); the same test at a second stack pressure, which changes φ and not i₀, or a rate high "
                + "enough for the contact's other effects (isolated particles, slower diffusion through patchy contact) separates them"
        }
        return nil
    }

    static func format(_ x: Double) -> String { String(format: "%.4g", x) }
}
