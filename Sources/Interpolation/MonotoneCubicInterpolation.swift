import Foundation

/// A table that cannot be interpolated: fewer than two points, unequal lengths, nodes not
/// strictly increasing, or a value that is not finite.
public struct InvalidTableError: Error, Equatable, CustomStringConvertible {
    public var table: String
    public var problem: String

    public init(table: String, problem: String) {
        self.table = table
        self.problem = problem
    }

    public var description: String { "table \"\(table)\": \(problem)" }
}

/// Shape-preserving piecewise cubic Hermite interpolation (PCHIP) of a table (xᵢ, fᵢ), i = 0…n−1,
/// with its exact derivative — for open-circuit potentials or other laws known only as points.
///
/// On [xᵢ, xᵢ₊₁], with h = xᵢ₊₁ − xᵢ and t = (x − xᵢ)/h,
///
///     f(x)  = (2t³ − 3t² + 1) fᵢ + (t³ − 2t² + t) h dᵢ + (−2t³ + 3t²) fᵢ₊₁ + (t³ − t²) h dᵢ₊₁
///     f'(x) = [(6t² − 6t) fᵢ + (−6t² + 6t) fᵢ₊₁]/h + (3t² − 4t + 1) dᵢ + (3t² − 2t) dᵢ₊₁
///
/// so f passes through every point and f' is continuous (the interpolant is C¹). The node slopes
/// dᵢ are those of Fritsch & Carlson's monotone scheme in the Fritsch–Butland form (SIAM J. Numer.
/// Anal. 17, 238, 1980; J. Sci. Stat. Comput. 5, 300, 1984; the same as SciPy's
/// `PchipInterpolator`): with the secants δᵢ = (fᵢ₊₁ − fᵢ)/hᵢ,
///
///     dᵢ = 0                                         if δᵢ₋₁ δᵢ ≤ 0 (a local extremum of the data)
///     dᵢ = (w₁ + w₂)/(w₁/δᵢ₋₁ + w₂/δᵢ)                otherwise, w₁ = 2hᵢ + hᵢ₋₁, w₂ = hᵢ + 2hᵢ₋₁
///
/// and at the ends the one-sided three-point estimate d₀ = [(2h₀ + h₁)δ₀ − h₀δ₁]/(h₀ + h₁), set to
/// 0 if its sign differs from δ₀'s and limited to 3δ₀ if δ₀ and δ₁ differ in sign (mirrored at the
/// last node; d = δ₀ at both ends of a two-point table). The weighted harmonic mean keeps
/// |dᵢ| ≤ 3 min(|δᵢ₋₁|, |δᵢ|), inside the Fritsch–Carlson monotonicity region, so monotone data
/// give a monotone interpolant without overshoot: a strictly decreasing OCP table stays strictly
/// decreasing between its points.
///
/// Outside [x₀, xₙ₋₁] the interpolant continues linearly with its end slope, f = f₀ + d₀(x − x₀)
/// (and likewise above), so value and slope stay continuous and monotone everywhere.
public struct MonotoneCubicInterpolation: Sendable, Equatable {
    /// The table's name, used for its built-in function and in error messages.
    public let name: String
    public let nodes: [Double]
    public let values: [Double]
    /// dᵢ = f'(xᵢ).
    public let slopes: [Double]

    public init(nodes: [Double], values: [Double], name: String = "") throws(InvalidTableError) {
        func fail(_ problem: String) -> InvalidTableError { InvalidTableError(table: name, problem: problem) }
        guard nodes.count == values.count else {
            throw fail("\(nodes.count) nodes but \(values.count) values (one value per node)")
        }
        guard nodes.count >= 2 else { throw fail("\(nodes.count) point(s); at least 2 are needed") }
        if let bad = zip(nodes, values).first(where: { !$0.0.isFinite || !$0.1.isFinite }) {
            throw fail("point (\(bad.0), \(bad.1)) is not finite")
        }
        for i in 1..<nodes.count where !(nodes[i] > nodes[i - 1]) {
            throw fail("nodes must increase strictly, but x[\(i - 1)] = \(nodes[i - 1]) ≥ x[\(i)] = \(nodes[i])")
        }
        self.name = name
        self.nodes = nodes
        self.values = values
        slopes = Self.fritschButlandSlopes(nodes, values)
    }

    /// The node slopes dᵢ described above.
    static func fritschButlandSlopes(_ x: [Double], _ f: [Double]) -> [Double] {
        let n = x.count
        let h = (0..<(n - 1)).map { x[$0 + 1] - x[$0] }
        let delta = (0..<(n - 1)).map { (f[$0 + 1] - f[$0]) / h[$0] }
        guard n > 2 else { return [delta[0], delta[0]] }
        var d = [Double](repeating: 0, count: n)
        for i in 1..<(n - 1) where delta[i - 1] * delta[i] > 0 {
            let w1 = 2 * h[i] + h[i - 1], w2 = h[i] + 2 * h[i - 1]
            d[i] = (w1 + w2) / (w1 / delta[i - 1] + w2 / delta[i])
        }
        /// Three-point end slope with the shape-preserving limits (h0, δ0 at the end, h1, δ1 next to it).
        func end(_ h0: Double, _ h1: Double, _ d0: Double, _ d1: Double) -> Double {
            let slope = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1)
            if slope.sign != d0.sign || d0 == 0 { return 0 }
            if d0.sign != d1.sign && abs(slope) > 3 * abs(d0) { return 3 * d0 }
            return slope
        }
        d[0] = end(h[0], h[1], delta[0], delta[1])
        d[n - 1] = end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3])
        return d
    }

    /// f(x) and f'(x).
    @inline(__always)
    public func callAsFunction(_ x: Double) -> (value: Double, derivative: Double) {
        let n = nodes.count
        if x <= nodes[0] { return (values[0] + slopes[0] * (x - nodes[0]), slopes[0]) }
        if x >= nodes[n - 1] { return (values[n - 1] + slopes[n - 1] * (x - nodes[n - 1]), slopes[n - 1]) }
        var low = 0, high = n - 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if nodes[mid] <= x { low = mid } else { high = mid }
        }
        let h = nodes[high] - nodes[low]
        let t = (x - nodes[low]) / h
        let t2 = t * t, t3 = t2 * t
        let (f0, f1, d0, d1) = (values[low], values[high], slopes[low], slopes[high])
        let value = (2 * t3 - 3 * t2 + 1) * f0 + (t3 - 2 * t2 + t) * h * d0 + (-2 * t3 + 3 * t2) * f1 + (t3 - t2) * h * d1
        let derivative = (6 * t2 - 6 * t) * (f0 - f1) / h + (3 * t2 - 4 * t + 1) * d0 + (3 * t2 - 2 * t) * d1
        return (value, derivative)
    }
}
