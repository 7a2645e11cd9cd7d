extension DAESystem {
    /// Compares the analytic iteration matrix ∂F/∂y + c_j ∂F/∂ẏ with central finite differences
    /// at one point (y, ẏ) and returns the largest column-scaled deviation
    ///
    ///     max_{i,j} |J_ij − J^FD_ij| / max(max_i |J_ij|, max_i |J^FD_ij|, tiny)
    ///
    /// over all entries, including those outside the sparsity pattern (a missing entry counts as a
    /// deviation). Column j is differenced by perturbing y_j by ±h and ẏ_j by ±c_j h together,
    /// h = 1e-6 · max(|y_j|, `stateScale[j]`) (scale 1 if not given). For verification; it allocates.
    public mutating func jacobianDeviationFromFiniteDifferences(
        time: Double, state: [Double], derivative: [Double], cj: Double, stateScale: [Double]? = nil
    ) throws -> Double {
        let n = stateCount
        let pattern = jacobianPattern
        var values = [Double](repeating: 0, count: pattern.nonZeroCount)
        try state.withUnsafeBufferPointer { y in
            try derivative.withUnsafeBufferPointer { yp in
                try values.withUnsafeMutableBufferPointer { v in
                    try jacobian(time: time, state: y, derivative: yp, cj: cj, into: v)
                }
            }
        }
        let analytic = pattern.dense(values)
        var worst = 0.0
        var plus = [Double](repeating: 0, count: n)
        var minus = [Double](repeating: 0, count: n)
        for j in 0..<n {
            let h = 1e-6 * max(abs(state[j]), stateScale?[j] ?? 1)
            var y = state, yp = derivative
            y[j] += h; yp[j] += cj * h
            try evaluateResidual(time: time, state: y, derivative: yp, into: &plus)
            y[j] = state[j] - h; yp[j] = derivative[j] - cj * h
            try evaluateResidual(time: time, state: y, derivative: yp, into: &minus)
            var scale = 1e-300
            var column = [Double](repeating: 0, count: n)
            for i in 0..<n {
                column[i] = (plus[i] - minus[i]) / (2 * h)
                scale = max(scale, abs(column[i]), abs(analytic[i][j]))
            }
            for i in 0..<n {
                worst = max(worst, abs(analytic[i][j] - column[i]) / scale)
            }
        }
        return worst
    }

    /// Evaluates F(t, y, ẏ) on arrays (a convenience for tests and set-up; it allocates).
    public mutating func evaluateResidual(time: Double, state: [Double], derivative: [Double],
                                          into result: inout [Double]) throws {
        if result.count != stateCount { result = [Double](repeating: 0, count: stateCount) }
        try state.withUnsafeBufferPointer { y in
            try derivative.withUnsafeBufferPointer { yp in
                try result.withUnsafeMutableBufferPointer { r in
                    try residual(time: time, state: y, derivative: yp, into: r)
                }
            }
        }
    }
}
