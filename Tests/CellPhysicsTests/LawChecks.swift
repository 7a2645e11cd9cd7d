import Testing

/// Helpers for the law tests of this target: central finite differences and relative comparisons.
enum LawChecks {
    /// The central difference (f(x + h) − f(x − h)) / 2h.
    static func centralDifference(at x: Double, step h: Double, _ f: (Double) -> Double) -> Double {
        (f(x + h) - f(x - h)) / (2 * h)
    }

    /// Whether |a − b| ≤ relative · max(|a|, |b|) + absolute.
    static func close(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
        abs(a - b) <= relative * max(abs(a), abs(b)) + absolute
    }
}
