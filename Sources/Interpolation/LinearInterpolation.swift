/// Linear interpolation of (xs, ys) at x, nil outside [xs.first, xs.last]; xs ascending.
public func interpolate(_ xs: [Double], _ ys: [Double], at x: Double) -> Double? {
    guard let (low, high, weight) = bracket(xs, at: x) else { return nil }
    return weight == 0 ? ys[low] : ys[low] + (ys[high] - ys[low]) * weight
}

/// Where x falls among ascending xs: the neighbours xs[low] ≤ x ≤ xs[high] and the weight
/// w = (x − xs[low]) / (xs[high] − xs[low]) of the upper one (0 where they coincide), so that any
/// quantity sampled at xs interpolates as (1 − w) y[low] + w y[high]; nil outside [xs.first, xs.last].
public func bracket(_ xs: [Double], at x: Double) -> (low: Int, high: Int, weight: Double)? {
    guard let first = xs.first, let last = xs.last, x >= first, x <= last else { return nil }
    var low = 0, high = xs.count - 1
    while high - low > 1 {
        let mid = (low + high) / 2
        if xs[mid] <= x { low = mid } else { high = mid }
    }
    let span = xs[high] - xs[low]
    return (low, high, span == 0 ? 0 : (x - xs[low]) / span)
}
