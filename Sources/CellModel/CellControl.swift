/// What the protocol prescribes for the cell (the other of current and voltage follows).
public enum CellControl: Equatable, Sendable {
    /// Cell current [A], positive = discharge (0 = rest).
    case current(amperes: Double)
    /// Terminal voltage [V].
    case voltage(volts: Double)
    /// Electrical power [W], positive = discharge.
    case power(watts: Double)
    /// Cell current [A] that follows a table in time, piecewise-linear between its points.
    case currentProfile(CurrentProfile)
}

/// A current I(t) [A, positive = discharge], piecewise-linear between (start + times[k], amperes[k]),
/// held at its end values outside them.
public struct CurrentProfile: Equatable, Sendable {
    /// Times from the profile's start [s], ascending, the first 0.
    public var times: [Double]
    public var amperes: [Double]
    /// The solver time the profile starts at [s] (set when its step starts).
    public var start: Double

    public init(times: [Double], amperes: [Double], start: Double = 0) {
        self.times = times
        self.amperes = amperes
        self.start = start
    }

    /// How long the profile lasts [s].
    public var duration: Double { times.last ?? 0 }

    /// I at solver time t.
    public func current(at t: Double) -> Double {
        guard let first = times.first, let last = times.last else { return 0 }
        let x = t - start
        if x <= first { return amperes[0] }
        if x >= last { return amperes[amperes.count - 1] }
        var low = 0, high = times.count - 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if times[mid] <= x { low = mid } else { high = mid }
        }
        let span = times[high] - times[low]
        return span == 0 ? amperes[high] : amperes[low] + (amperes[high] - amperes[low]) * (x - times[low]) / span
    }
}

/// A condition that ends an integration, as a root function g(y) that changes sign there.
public enum CellEvent: Equatable, Sendable {
    /// g = V − v.
    case voltage(volts: Double)
    /// g = |I| − i: the current magnitude falls (or rises) through i [A].
    case currentMagnitude(amperes: Double)
    /// g = φ_a − φ: the foil|SE contact fraction falls (or rises) through φ.
    case negativeContact(fraction: Double)
}
