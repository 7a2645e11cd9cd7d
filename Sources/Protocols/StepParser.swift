// The parser of one experiment step (see `Experiment` for the accepted language): the step
// grammar, keywords and messages here; quantities in StepParser+Quantities.swift, their units in
// StepUnits.swift.
//
// It works on the step's Unicode scalars with plain integer positions, never
// indexes out of range, and never converts untrusted text to integers without
// saturation, so no input can make it trap.

/// Parses one trimmed, non-blank step.
struct StepParser {
    let text: String
    private let index: Int
    let scalars: [Unicode.Scalar]
    var pos = 0

    /// Longest excerpt of the user's text quoted after "found".
    private static let foundLimit = 40
    /// Longest excerpt of the step quoted after "after".
    private static let contextLimit = 60

    init(text: String, index: Int) {
        self.text = text
        self.index = index
        self.scalars = Array(text.unicodeScalars)
    }

    mutating func parse() throws(ExperimentParseError) -> ExperimentStep {
        if scalars.count > Experiment.maximumStepLength {
            throw error(
                "the step is \(scalars.count) characters long; expected at most "
                    + "\(Experiment.maximumStepLength) characters per step"
            )
        }
        if take("discharge") { return try parseElectrical(sign: 1) }
        if take("charge") { return try parseElectrical(sign: -1) }
        if take("hold") { return try parseHold() }
        if take("rest") { return try parseRest() }
        if take("run") { return try parseProfile() }
        throw error(
            #"expected a step starting with "Discharge", "Charge", "Hold", "Rest" or "Run … profile", found "#
                + found(token: true)
        )
    }

    // MARK: Step forms

    private mutating func parseElectrical(sign: Double) throws(ExperimentParseError) -> ExperimentStep {
        try expectAt()
        let (kind, magnitude) = try requireQuantity(.drive)
        let value = sign * magnitude
        let control: StepControl
        switch kind {
        case .current: control = .current(amperes: value)
        case .cRate: control = .cRate(value)
        case .power: control = .power(watts: value)
        case .specificCurrent: control = .specificCurrent(amperesPerKilogram: value)
        case .currentDensity: control = .currentDensity(amperesPerSquareMetre: value)
        case .voltage, .duration:
            // Unreachable: `requireQuantity(.drive)` rejects these kinds.
            throw error("internal error: unexpected unit for a current")
        }
        let (duration, terminations) = try parseLimits()
        let period = try parsePeriodAndEnd()
        return ExperimentStep(text: text, control: control, duration: duration, terminations: terminations, period: period)
    }

    /// `Run current|power|voltage profile PATH`: the rest of the step is the table's path.
    private mutating func parseProfile() throws(ExperimentParseError) -> ExperimentStep {
        guard let quantity = ProfileQuantity.allCases.first(where: { take($0.rawValue) }), take("profile") else {
            throw error(#"expected "current profile", "power profile" or "voltage profile" and a file after "# + "\(context()), "
                        + "found \(found(token: false)) " + #"(e.g. "Run current profile pulses.csv")"#)
        }
        let path = ScalarClass.trimmed(scalars[min(pos, scalars.count)..<scalars.count])
        guard !path.isEmpty else {
            let column = ["current": "Current [A]", "power": "Power [W]", "voltage": "Voltage [V]"][quantity.rawValue]!
            throw error("expected the \(quantity.rawValue) profile's file after " + "\(context()) "
                        + "(a CSV with columns \"Time [s],\(column)\", e.g. \"Run \(quantity.rawValue) profile table.csv\")")
        }
        pos = scalars.count
        return ExperimentStep(text: text, control: .profile(quantity, path: path))
    }

    private mutating func parseHold() throws(ExperimentParseError) -> ExperimentStep {
        try expectAt()
        let (_, volts) = try requireQuantity(.voltage)
        let (duration, terminations) = try parseLimits()
        if duration == nil && terminations.isEmpty {
            throw error(
                #"a hold needs a duration or an end condition: expected "for" and a duration or "until" and "#
                    + "an end condition after \(context()), found \(found(token: false)) "
                    + #"(e.g. "Hold at 4.2 V until C/50" or "Hold at 4.2 V for 1 hour")"#
            )
        }
        let period = try parsePeriodAndEnd()
        return ExperimentStep(text: text, control: .voltage(volts: volts), duration: duration, terminations: terminations,
                              period: period)
    }

    private mutating func parseRest() throws(ExperimentParseError) -> ExperimentStep {
        let restAdvice = "; a rest ends only after its duration and cannot end on a condition"
        guard take("for") else {
            let advice = peek("until") ? restAdvice : ""
            throw error(
                #"expected "for" and a duration such as "10 minutes" after "# + context()
                    + ", found \(found(token: false))" + advice
            )
        }
        let (_, seconds) = try requireQuantity(.duration)
        if peek("until") || peek("or") {
            throw error("expected the end of the step after \(context()), found \(found(token: false))" + restAdvice)
        }
        let period = try parsePeriodAndEnd()
        return ExperimentStep(text: text, control: .rest, duration: seconds, terminations: [], period: period)
    }

    /// `[for D] [or] [until C [or C]...]`, in either order.
    private mutating func parseLimits() throws(ExperimentParseError) -> (Double?, [StepTermination]) {
        var duration: Double?
        var terminations: [StepTermination] = []
        var sawClause = false
        while true {
            skipSpaces()
            if pos >= scalars.count || scalars[pos] == "(" { break }
            var sawOr = false
            if sawClause && take("or") { sawOr = true }
            let clauseStart = pos
            if take("for") {
                if duration != nil {
                    pos = clauseStart
                    throw error(
                        "expected at most one duration per step, found a second one after \(context()): "
                            + found(token: false)
                    )
                }
                duration = try requireQuantity(.duration).value
            } else if take("until") {
                terminations.append(try requireCondition())
                // "until A or B": "or" followed by another condition (not by "for"/"until").
                while peek("or") && !peek("for", afterWord: "or") && !peek("until", afterWord: "or") {
                    _ = take("or")
                    terminations.append(try requireCondition())
                }
            } else if sawOr {
                throw error(
                    #"expected "for" and a duration or "until" and an end condition after "#
                        + "\(context()), found \(found(token: false))"
                )
            } else if sawClause {
                throw error(
                    #"expected "or", "for", "until" or the end of the step after "#
                        + "\(context()), found \(found(token: false))"
                )
            } else {
                throw error(
                    #"expected "for" and a duration, "until" and an end condition, or the end of the step after "#
                        + "\(context()), found \(found(token: false))"
                )
            }
            sawClause = true
        }
        return (duration, terminations)
    }

    /// An optional `(<duration> period)` suffix, then the end of the step; returns the period [s].
    private mutating func parsePeriodAndEnd() throws(ExperimentParseError) -> Double? {
        var period: Double?
        skipSpaces()
        if pos < scalars.count && scalars[pos] == "(" {
            pos += 1
            period = try requireQuantity(.duration).value
            guard take("period") else {
                throw error(
                    #"expected "period" to complete a period suffix such as "(1 minute period)" after "#
                        + "\(context()), found \(found(token: false))"
                )
            }
            skipSpaces()
            guard pos < scalars.count && scalars[pos] == ")" else {
                throw error(#"expected ")" after "# + "\(context()), found \(found(token: false))")
            }
            pos += 1
        }
        skipSpaces()
        if pos < scalars.count {
            throw error("expected the end of the step after \(context()), found \(found(token: false))")
        }
        return period
    }

    private mutating func expectAt() throws(ExperimentParseError) {
        guard take("at") else {
            throw error(#"expected "at" after "# + "\(context()), found \(found(token: false))")
        }
    }

    private mutating func requireCondition() throws(ExperimentParseError) -> StepTermination {
        let (kind, value) = try requireQuantity(.condition)
        switch kind {
        case .voltage: return .voltage(volts: value)
        case .current: return .current(amperes: value)
        case .cRate: return .cRate(value)
        default:
            // Unreachable: `requireQuantity(.condition)` rejects other kinds.
            throw error("internal error: unexpected unit for an end condition")
        }
    }
    // MARK: Keywords and whitespace

    func skipSpaces(from start: Int) -> Int {
        var p = max(start, 0)
        while p < scalars.count && ScalarClass.isSpace(scalars[p]) { p += 1 }
        return p
    }

    mutating func skipSpaces() {
        pos = skipSpaces(from: pos)
    }

    /// The end of `word` (ASCII lower case) at `start`, case-insensitively, if it is
    /// there as a whole word (not followed by a letter or digit).
    private func keywordEnd(_ word: String, at start: Int) -> Int? {
        var p = start
        for expected in word.unicodeScalars {
            guard p < scalars.count, ScalarClass.asciiLower(scalars[p]) == expected else { return nil }
            p += 1
        }
        if p < scalars.count && ScalarClass.isWordCharacter(scalars[p]) { return nil }
        return p
    }

    /// Consumes whitespace and then `word` if it is next.
    private mutating func take(_ word: String) -> Bool {
        let start = skipSpaces(from: pos)
        guard let end = keywordEnd(word, at: start) else { return false }
        pos = end
        return true
    }

    /// Whether `word` comes next (after whitespace), without consuming anything.
    private func peek(_ word: String) -> Bool {
        keywordEnd(word, at: skipSpaces(from: pos)) != nil
    }

    /// Whether `word` comes next after the keyword `first` (both after whitespace).
    private func peek(_ word: String, afterWord first: String) -> Bool {
        guard let firstEnd = keywordEnd(first, at: skipSpaces(from: pos)) else { return false }
        return keywordEnd(word, at: skipSpaces(from: firstEnd)) != nil
    }

    // MARK: Messages

    func error(_ message: String) -> ExperimentParseError {
        ExperimentParseError(stepIndex: index, stepText: text, message: message)
    }

    /// `"<the step up to pos>"`, for "after …".
    func context() -> String {
        let prefix = ScalarClass.trimmed(scalars[0..<min(pos, scalars.count)])
        return "\"" + TextExcerpt.tail(prefix, limit: Self.contextLimit) + "\""
    }

    /// What comes next: the next whitespace-delimited token (`token: true`) or the rest
    /// of the step, quoted and shortened; or "the end of the step".
    func found(token: Bool) -> String {
        let start = skipSpaces(from: pos)
        guard start < scalars.count else { return "the end of the step" }
        let excerpt = token
            ? String(String.UnicodeScalarView(tokenScalars(at: start)))
            : ScalarClass.trimmed(scalars[start...])
        return "\"" + TextExcerpt.head(excerpt, limit: Self.foundLimit) + "\""
    }

    /// `"<scalars start..<end>"`, trimmed and shortened.
    func quote(from start: Int, to end: Int) -> String {
        let lower = min(max(start, 0), scalars.count)
        let upper = min(max(end, lower), scalars.count)
        let excerpt = ScalarClass.trimmed(scalars[lower..<upper])
        return "\"" + TextExcerpt.head(excerpt, limit: Self.foundLimit) + "\""
    }

    func tokenEnd(from start: Int) -> Int {
        var p = start
        while p < scalars.count && !ScalarClass.isSpace(scalars[p]) { p += 1 }
        return p
    }

    func tokenScalars(at start: Int) -> ArraySlice<Unicode.Scalar> {
        let lower = min(max(start, 0), scalars.count)
        return scalars[lower..<tokenEnd(from: lower)]
    }
}
