import Foundation

/// When a protocol step's solution is recorded: after every solver step, or, with a sampling
/// period P, at start + n P (IDA interpolates there; its internal steps are unchanged), at one
/// optional extra time, and at the step's end.
struct SampleSchedule {
    let start: Double
    /// The step's time limit (its duration, or the run's maximum step duration).
    let end: Double
    let period: Double?
    /// One more sample time, such as the end of the DC-resistance pulse (ignored without a period,
    /// when every solver step is recorded anyway).
    var extraTime: Double?
    private var number = 1.0

    init(start: Double, end: Double, period: Double?, extraTime: Double? = nil) {
        self.start = start
        self.end = end
        self.period = period
        self.extraTime = extraTime
    }

    /// Every solver step is recorded (IDA's one-step mode).
    var everyStep: Bool { period == nil }

    /// The time to integrate to from `time`: the next sample time, or `end` when every solver step
    /// is recorded (IDA then returns after one step).
    mutating func nextSample(after time: Double) -> Double {
        guard let period else { return end }
        while start + number * period <= time { number += 1 }
        var next = min(start + number * period, end)
        if let extra = extraTime, extra > time, extra < next { next = extra }
        if let extra = extraTime, extra <= next { extraTime = nil }
        return next
    }
}
