// Experiment (cycling protocol) steps: what drives the cell and what ends a step.
//
// Sign convention throughout (PyBaMM's): a positive current, C-rate, specific
// current, current density or power means DISCHARGE; a negative one means CHARGE.
// All values are SI unless the case name says otherwise.

/// How a step drives the cell.
///
/// Sign convention (PyBaMM's): positive current/power = discharge, negative = charge.
/// The experiment text always gives magnitudes; the verb ("Discharge"/"Charge") sets the sign.
public enum StepControl: Equatable, Sendable {
    /// Constant current in amperes (A). Positive = discharge.
    /// `"Discharge at 0.5 mA"` → `+5e-4`; `"Charge at 2 A"` → `-2`.
    case current(amperes: Double)
    /// Constant C-rate, a multiple of the cell's nominal capacity per hour (1/h). Positive = discharge.
    /// `"Discharge at 0.1C"` → `+0.1`; `"Charge at C/3"` → `-1/3`.
    case cRate(Double)
    /// Constant current per mass of cathode active material, in A/kg (numerically equal to mA/g).
    /// Positive = discharge. `"Discharge at 50 mA/g"` → `+50`.
    case specificCurrent(amperesPerKilogram: Double)
    /// Constant current per unit electrode (geometric) area, in A/m². Positive = discharge.
    /// `"Charge at 0.5 mA/cm2"` → `-5.0`.
    case currentDensity(amperesPerSquareMetre: Double)
    /// Constant power in watts (W). Positive = discharge (power delivered by the cell).
    /// `"Discharge at 1 W"` → `+1`; `"Charge at 10 mW"` → `-0.01`.
    case power(watts: Double)
    /// Constant terminal voltage in volts (V), always positive. `"Hold at 4.3 V"` → `4.3`.
    case voltage(volts: Double)
    /// Open circuit: zero applied current. `"Rest for 10 minutes"`.
    case rest
    /// A current, power or voltage that follows a table (time [s] from the step's start, then
    /// current [A] or power [W], positive = discharge, or terminal voltage [V]), piecewise-linear
    /// between its points, for as long as the table lasts (PyBaMM's drive cycles).
    /// `"Run current profile pulses.csv"` → `(.current, "pulses.csv")`. This module reads no files:
    /// the caller loads the table before the run (``Simulation``'s `profiles`).
    case profile(ProfileQuantity, path: String)
}

/// What a `Run … profile` step's table prescribes.
public enum ProfileQuantity: String, Sendable, CaseIterable {
    case current, power, voltage
}

/// A condition that ends a step, checked as a root (event) of the solution.
///
/// All values are positive magnitudes; the direction of approach follows from the step.
public enum StepTermination: Equatable, Sendable {
    /// End when the terminal voltage reaches this value in volts (V). `"until 2.5 V"` → `2.5`.
    case voltage(volts: Double)
    /// End when the magnitude of the current falls to this value in amperes (A); meant for holds.
    /// `"until 50 mA"` → `0.05`.
    case current(amperes: Double)
    /// End when the magnitude of the current falls to this C-rate (1/h); meant for holds.
    /// `"until C/20"` → `0.05`; `"until 0.05C"` → `0.05`.
    case cRate(Double)
}

/// One step of an experiment: a control, an optional duration and any end conditions.
///
/// The step ends at whichever comes first: the duration elapsing, any of the
/// `terminations` being met, or (for steps without either) the cell's own voltage limits.
public struct ExperimentStep: Equatable, Sendable, CustomStringConvertible {
    /// The step as the user wrote it, with surrounding whitespace trimmed.
    public var text: String
    /// How the cell is driven during the step (sign: positive = discharge).
    public var control: StepControl
    /// Maximum duration of the step in seconds (s), from `"for 10 minutes"` → `600`; `nil` if none was given.
    public var duration: Double?
    /// End conditions from `"until A or B"`; the step ends when the first of them is met. Empty if none.
    public var terminations: [StepTermination]
    /// Output sampling period in seconds from a `"(1 minute period)"` suffix → `60`; `nil` if none
    /// was given (the simulation then records every solver step).
    public var period: Double?
    /// The ambient temperature during the step [K], from PyBaMM's `"… at 45oC"` suffix; `nil`
    /// keeps the model's `"Ambient temperature [K]"`. The cell stays isothermal at the ambient.
    public var temperature: Double?

    /// Durations and periods a step may have [s]: shorter than a millisecond or longer than about
    /// 30 years is a typo, not a protocol.
    public static let allowedDurations = 1e-3...1e9

    /// Creates a step directly (no validation is done here).
    /// - Parameters:
    ///   - text: a human-readable form of the step, e.g. `"Discharge at 0.1C until 2.5 V"`.
    ///   - control: how the cell is driven (positive = discharge).
    ///   - duration: maximum duration in seconds, or `nil`.
    ///   - terminations: end conditions; the first one met ends the step.
    ///   - period: output sampling period in seconds, or `nil`.
    public init(
        text: String,
        control: StepControl,
        duration: Double? = nil,
        terminations: [StepTermination] = [],
        period: Double? = nil,
        temperature: Double? = nil
    ) {
        self.text = text
        self.control = control
        self.duration = duration
        self.terminations = terminations
        self.period = period
        self.temperature = temperature
    }

    /// The step as the user wrote it (same as `text`).
    public var description: String { text }
}
