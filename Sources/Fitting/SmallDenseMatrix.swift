/// A small dense symmetric matrix (the n × n normal matrix of a fit, n the number of fitted
/// parameters), row-major, with the Cholesky factorisation the Levenberg–Marquardt step and the
/// covariance need.
struct SymmetricMatrix: Sendable {
    let n: Int
    var values: [Double]

    init(n: Int) {
        self.n = n
        values = Array(repeating: 0, count: n * n)
    }

    subscript(i: Int, j: Int) -> Double {
        get { values[i * n + j] }
        set { values[i * n + j] = newValue }
    }

    /// JᵀJ of an m × n matrix stored column by column (`columns[j][i]` = ∂rᵢ/∂θⱼ).
    static func normalMatrix(of columns: [[Double]]) -> SymmetricMatrix {
        var a = SymmetricMatrix(n: columns.count)
        for i in 0..<columns.count {
            for j in i..<columns.count {
                var s = 0.0
                for k in 0..<columns[i].count { s += columns[i][k] * columns[j][k] }
                a[i, j] = s
                a[j, i] = s
            }
        }
        return a
    }

    /// The lower Cholesky factor L (A = L Lᵀ), or nil when A is not numerically positive definite
    /// (a pivot below 10⁻¹⁴ of the largest diagonal entry).
    func cholesky() -> SymmetricMatrix? {
        var l = SymmetricMatrix(n: n)
        let scale = (0..<n).map { self[$0, $0] }.max() ?? 0
        guard scale > 0, scale.isFinite else { return nil }
        for j in 0..<n {
            var d = self[j, j]
            for k in 0..<j { d -= l[j, k] * l[j, k] }
            guard d > 1e-14 * scale, d.isFinite else { return nil }
            l[j, j] = d.squareRoot()
            for i in (j + 1)..<max(j + 1, n) {
                var s = self[i, j]
                for k in 0..<j { s -= l[i, k] * l[j, k] }
                l[i, j] = s / l[j, j]
            }
        }
        return l
    }

    /// Solves A x = b given this matrix's Cholesky factor L (`self` is L).
    func choleskySolve(_ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<n {
            for k in 0..<i { y[i] -= self[i, k] * y[k] }
            y[i] /= self[i, i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for k in (i + 1)..<max(i + 1, n) { y[i] -= self[k, i] * y[k] }
            y[i] /= self[i, i]
        }
        return y
    }

    /// A⁻¹ from this matrix's Cholesky factor L (`self` is L).
    func choleskyInverse() -> SymmetricMatrix {
        var inverse = SymmetricMatrix(n: n)
        for j in 0..<n {
            var e = Array(repeating: 0.0, count: n)
            e[j] = 1
            let column = choleskySolve(e)
            for i in 0..<n { inverse[i, j] = column[i] }
        }
        return inverse
    }
}
