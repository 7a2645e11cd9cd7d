/// One step of a measured log: a run of consecutive samples under one control.
public struct MeasuredStep: Sendable, Equatable {
    /// The control the step's samples show.
    public enum Kind: Sendable, Equatable {
        /// |I| at or below the rest threshold throughout.
        case rest
        /// Current constant within tolerance; its mean [A], positive on discharge.
        case constantCurrent(Double)
        /// Voltage flat within tolerance while |I| decays (falling on at least half the intervals); its mean [V].
        case constantVoltage(Double)
        /// Anything else: a current profile (pulses, drive cycle, constant power, …).
        case varyingCurrent
    }

    /// The step's samples, as indices into the series' arrays.
    public var rows: Range<Int>
    public var kind: Kind
    /// Time of the first and last sample [s].
    public var startTime: Double
    public var endTime: Double
    /// Voltage of the last sample [V].
    public var endVoltage: Double
    /// Charge passed in the discharge direction over the step's samples [A h] (trapezoidal
    /// ∫ I dt from the first to the last sample; negative for a charge).
    public var capacity: Double
    /// The file's cycle and step numbers of the step's first sample, where it has them.
    public var cycle: Int?
    public var step: Int?

    public init(rows: Range<Int>, kind: Kind, startTime: Double, endTime: Double, endVoltage: Double,
                capacity: Double, cycle: Int? = nil, step: Int? = nil) {
        self.rows = rows
        self.kind = kind
        self.startTime = startTime
        self.endTime = endTime
        self.endVoltage = endVoltage
        self.capacity = capacity
        self.cycle = cycle
        self.step = step
    }
}

/// Tolerances of ``MeasuredTimeSeries/steps(_:)``.
public struct StepDetection: Sendable, Equatable {
    /// |I| at or below this is rest [A]; nil takes `restFraction` of the series' largest |I|.
    public var restCurrent: Double?
    /// The rest threshold as a fraction of the series' largest |I|, where `restCurrent` is nil.
    public var restFraction: Double
    /// A current is at a level I when it differs from I by at most
    /// `max(relativeCurrentTolerance·|I|, rest threshold)` (I: a run's first sample while runs
    /// are found, a step's mean when it is classified).
    public var relativeCurrentTolerance: Double
    /// A constant-voltage step's voltage stays within this [V] of its first sample's while runs
    /// are found, of its mean when it is classified.
    public var voltageTolerance: Double
    /// A constant-current or constant-voltage run needs at least this many samples; shorter
    /// runs between them are a varying-current step.
    public var minimumSamples: Int

    public init(restCurrent: Double? = nil, restFraction: Double = 0.01, relativeCurrentTolerance: Double = 0.01,
                voltageTolerance: Double = 0.005, minimumSamples: Int = 3) {
        self.restCurrent = restCurrent
        self.restFraction = restFraction
        self.relativeCurrentTolerance = relativeCurrentTolerance
        self.voltageTolerance = voltageTolerance
        self.minimumSamples = minimumSamples
    }
}

extension MeasuredTimeSeries {
    /// The series cut into steps. Where the file has step (or cycle) numbers, a step is each run
    /// of samples with the same numbers; otherwise steps are found from changes of the control:
    /// rest while |I| is at or below the rest threshold, constant current while I stays within
    /// tolerance of a level, constant voltage while V stays flat and |I| decays, and varying
    /// current for samples that start no such run. Each step's kind is then classified from
    /// its samples by the same tolerances.
    public func steps(_ options: StepDetection = StepDetection()) -> [MeasuredStep] {
        guard count > 0 else { return [] }
        let largest = current.reduce(0) { max($0, abs($1)) }
        let rest = options.restCurrent ?? options.restFraction * largest
        let detector = StepDetector(time: time, voltage: voltage, current: current, rest: rest, options: options)
        let ranges = (step != nil || cycle != nil) ? numberedRuns() : detector.detect()
        return ranges.map { rows in
            MeasuredStep(rows: rows, kind: detector.classify(rows), startTime: time[rows.lowerBound],
                         endTime: time[rows.upperBound - 1], endVoltage: voltage[rows.upperBound - 1],
                         capacity: detector.capacity(rows), cycle: cycle?[rows.lowerBound], step: step?[rows.lowerBound])
        }
    }

    /// Runs of samples with equal cycle and step numbers.
    private func numberedRuns() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for k in 1..<max(count, 1) where step?[k] != step?[k - 1] || cycle?[k] != cycle?[k - 1] {
            ranges.append(start..<k)
            start = k
        }
        ranges.append(start..<count)
        return ranges
    }
}

/// The control-change rules behind ``MeasuredTimeSeries/steps(_:)``.
struct StepDetector {
    let time: [Double]
    let voltage: [Double]
    let current: [Double]
    let rest: Double
    let options: StepDetection

    func tolerance(_ level: Double) -> Double { max(options.relativeCurrentTolerance * abs(level), rest) }
    func isRest(_ k: Int) -> Bool { abs(current[k]) <= rest }

    /// End (exclusive) of the constant-current run starting at `start`.
    func constantCurrentEnd(from start: Int) -> Int {
        let level = current[start]
        var end = start + 1
        while end < current.count && !isRest(end) && abs(current[end] - level) <= tolerance(level) { end += 1 }
        return end
    }

    /// End (exclusive) of the constant-voltage run starting at `start`: voltage within tolerance
    /// of the first sample's, current of one sign and not growing beyond tolerance.
    func constantVoltageEnd(from start: Int) -> Int {
        var end = start + 1
        while end < current.count && !isRest(end) && (current[end] > 0) == (current[start] > 0)
            && abs(voltage[end] - voltage[start]) <= options.voltageTolerance
            && abs(current[end]) <= abs(current[end - 1]) + tolerance(current[end - 1]) {
            end += 1
        }
        return end
    }

    /// The controlled run starting at `start`, if one of at least the minimum length starts there.
    func controlledRun(from start: Int) -> Int? {
        if isRest(start) {
            var end = start + 1
            while end < current.count && isRest(end) { end += 1 }
            return end
        }
        let cc = constantCurrentEnd(from: start)
        let cv = constantVoltageEnd(from: start)
        if cv > cc && cv - start >= options.minimumSamples && decays(start..<cv) { return cv }
        if cc - start >= options.minimumSamples { return cc }
        return nil
    }

    /// True where |I| falls over the rows by more than the tolerance, and falls on at least half
    /// of the intervals (a constant-voltage hold, not a step down to a lower constant current).
    func decays(_ rows: Range<Int>) -> Bool {
        let first = rows.lowerBound, last = rows.upperBound - 1
        guard last > first, abs(current[last]) < abs(current[first]) - tolerance(current[first]) else { return false }
        let falling = rows.dropFirst().filter { abs(current[$0]) < abs(current[$0 - 1]) }.count
        return 2 * falling >= last - first
    }

    func detect() -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < current.count {
            if let end = controlledRun(from: start) {
                ranges.append(start..<end)
                start = end
            } else {
                var end = start + 1
                while end < current.count && controlledRun(from: end) == nil { end += 1 }
                ranges.append(start..<end)
                start = end
            }
        }
        return ranges
    }

    func classify(_ rows: Range<Int>) -> MeasuredStep.Kind {
        if rows.allSatisfy(isRest) { return .rest }
        let mean = rows.reduce(0) { $0 + current[$1] } / Double(rows.count)
        if rows.allSatisfy({ abs(current[$0] - mean) <= tolerance(mean) }) { return .constantCurrent(mean) }
        let first = rows.lowerBound
        let meanVoltage = rows.reduce(0) { $0 + voltage[$1] } / Double(rows.count)
        if rows.allSatisfy({ (current[$0] > 0) == (current[first] > 0) && abs(voltage[$0] - meanVoltage) <= options.voltageTolerance }),
           decays(rows) {
            return .constantVoltage(meanVoltage)
        }
        return .varyingCurrent
    }

    /// Trapezoidal ∫ I dt over the rows [A h].
    func capacity(_ rows: Range<Int>) -> Double {
        var sum = 0.0
        for k in rows.dropFirst() { sum += 0.5 * (current[k] + current[k - 1]) * (time[k] - time[k - 1]) }
        return sum / 3600
    }
}
