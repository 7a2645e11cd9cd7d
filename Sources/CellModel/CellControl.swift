import CellPhysics
/// What the protocol prescribes for the cell (the other of current and voltage follows).
public enum CellControl: Equatable, Sendable {
    /// Cell current [A], positive = discharge (0 = rest).
    case current(amperes: Double)
    /// Terminal voltage [V].
    case voltage(volts: Double)
    /// Electrical power [W], positive = discharge.
    case power(watts: Double)
    /// Current, power or voltage that follows a table in time, piecewise-linear between its points.
    case profile(ControlProfile)

    /// The constant control in force at solver time t: a profile's value then, any other control
    /// itself. The control row of the residual and the Jacobian are those of this control.
    @inline(__always)
    public func instantaneous(at t: Double) -> CellControl {
        guard case .profile(let profile) = self else { return self }
        let x = profile.value(at: t)
        switch profile.quantity {
        case .current: return .current(amperes: x)
        case .power: return .power(watts: x)
        case .voltage: return .voltage(volts: x)
        }
    }
}

/// A current [A], power [W] (both positive on discharge) or terminal voltage [V] in time,
/// piecewise-linear between (start + times[k], values[k]), held at its end values outside them.
public struct ControlProfile: Equatable, Sendable {
    public enum Quantity: String, Sendable, CaseIterable {
        case current, power, voltage
    }
    public var quantity: Quantity
    /// Times from the profile's start [s], ascending, the first 0.
    public var times: [Double]
    public var values: [Double]
    /// The solver time the profile starts at [s] (set when its step starts).
    public var start: Double

    public init(_ quantity: Quantity, times: [Double], values: [Double], start: Double = 0) {
        self.quantity = quantity
        self.times = times
        self.values = values
        self.start = start
    }

    /// A current profile I(t) [A].
    public init(times: [Double], amperes: [Double], start: Double = 0) {
        self.init(.current, times: times, values: amperes, start: start)
    }

    /// How long the profile lasts [s].
    public var duration: Double { times.last ?? 0 }

    /// The value at solver time t.
    public func value(at t: Double) -> Double {
        guard let first = times.first, let last = times.last else { return 0 }
        let x = t - start
        if x <= first { return values[0] }
        if x >= last { return values[values.count - 1] }
        var low = 0, high = times.count - 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if times[mid] <= x { low = mid } else { high = mid }
        }
        let span = times[high] - times[low]
        return span == 0 ? values[high] : values[low] + (values[high] - values[low]) * (x - times[low]) / span
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
    /// g = 1 − i⁻/(φ_a i_p), the smallest over the lithium foils: the short-circuit criterion
    /// (``LithiumPenetrationCriterion``) is met at a plating foil.
    case lithiumPenetration(LithiumPenetrationCriterion)
    /// g = q_Li: an anode-free cell's plated lithium is used up.
    case lithiumExhausted
}
