/// What the protocol prescribes for the cell (the other of current and voltage follows).
public enum CellControl: Equatable, Sendable {
    /// Cell current [A], positive = discharge (0 = rest).
    case current(amperes: Double)
    /// Terminal voltage [V].
    case voltage(volts: Double)
    /// Electrical power [W], positive = discharge.
    case power(watts: Double)
}

/// A condition that ends an integration, as a root function g(y) that changes sign there.
public enum CellEvent: Equatable, Sendable {
    /// g = V − v.
    case voltage(volts: Double)
    /// g = |I| − i: the current magnitude falls (or rises) through i [A].
    case currentMagnitude(amperes: Double)
}
