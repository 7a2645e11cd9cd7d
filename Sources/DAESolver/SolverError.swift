/// A failure reported by SUNDIALS, or by the system's own callbacks during a solve.
///
/// `flagName` is IDA's name for the return flag (e.g. `IDA_TOO_MUCH_WORK`, `IDA_CONV_FAIL`,
/// `IDA_RES_FAIL`), `message` IDA's own explanation, `time` the integrator time at failure.
/// When a callback threw, `underlying` holds the thrown error.
public struct SolverError: Error, CustomStringConvertible {
    /// The SUNDIALS function that failed, e.g. `IDASolve`.
    public var function: String
    /// IDA's integer return flag (negative on failure).
    public var flag: Int
    /// IDA's symbolic name of `flag`.
    public var flagName: String
    /// IDA's error message, or a description of what went wrong.
    public var message: String
    /// The integrator time when the failure happened, if known.
    public var time: Double?
    /// The error a residual, Jacobian or root callback threw, if that caused the failure.
    public var underlying: (any Error)?

    public init(function: String, flag: Int, flagName: String, message: String,
                time: Double? = nil, underlying: (any Error)? = nil) {
        self.function = function
        self.flag = flag
        self.flagName = flagName
        self.message = message
        self.time = time
        self.underlying = underlying
    }

    public var description: String {
        var text = "\(function) failed with \(flagName)"
        if let time { text += " at t = \(time)" }
        if !message.isEmpty { text += ": \(message)" }
        if let underlying { text += " (caused by: \(underlying))" }
        return text
    }
}
