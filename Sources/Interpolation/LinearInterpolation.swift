/// Linear interpolation of (xs, ys) at x, nil outside [xs.first, xs.last]; xs ascending.
public func interpolate(_ xs: [Double], _ ys: [Double], at x: Double) -> Double? {
    guard let first = xs.first, let last = xs.last, x >= first, x <= last else { return nil }
    var low = 0, high = xs.count - 1
    while high - low > 1 {
        let mid = (low + high) / 2
        if xs[mid] <= x { low = mid } else { high = mid }
    }
    let span = xs[high] - xs[low]
    return span == 0 ? ys[low] : ys[low] + (ys[high] - ys[low]) * (x - xs[low]) / span
}
