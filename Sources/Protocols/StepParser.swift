// The parser of one experiment step (see `Experiment` for the accepted language).
//
// It works on the step's Unicode scalars with plain integer positions, never
// indexes out of range, and never converts untrusted text to integers without
// saturation, so no input can make it trap.

/// A decimal number as written: value = `integerDigits.fractionDigits` × 10^`exponent`.
struct DecimalNumber {
    var integerDigits: String
    var fractionDigits: String
    /// Decimal exponent, saturated to ±`DecimalNumber.exponentLimit`.
    var exponent: Int
    /// Whether every digit is zero (the number is exactly zero).
    var isZero: Bool

    static let exponentLimit = 1_000_000

    /// The value × 10^`shift`, correctly rounded (the shift is applied in decimal,
    /// so "0.5 mA" gives exactly the same Double as the literal `5e-4`).
    /// Overflow gives +infinity and underflow gives zero.
    func value(decimalShift shift: Int) -> Double {
        let integer = integerDigits.isEmpty ? "0" : integerDigits
        let fraction = fractionDigits.isEmpty ? "0" : fractionDigits
        return Double("\(integer).\(fraction)e\(exponent + shift)") ?? .nan
    }
}

/// What a unit (after normalisation) means, and how to convert it to SI.
enum UnitKind: Equatable {
    /// Current; value × 10^shift is in A.
    case current(shift: Int)
    /// C-rate (1/h).
    case cRate
    /// Power; value × 10^shift is in W.
    case power(shift: Int)
    /// Specific current; value × 10^shift is in A/kg.
    case specificCurrent(shift: Int)
    /// Current density; value × 10^shift is in A/m².
    case currentDensity(shift: Int)
    /// Voltage; value × 10^shift is in V.
    case voltage(shift: Int)
    /// Duration; value × `seconds` is in s.
    case duration(seconds: Double)

    /// Normalised unit text → meaning. Normalisation: ASCII lower case, µ/μ → u,
    /// ² → 2, ⁻ → -, `·`/`*` → `.`, `^` dropped; a spaced denominator ("mA cm-2") is joined with ".".
    static let table: [String: UnitKind] = {
        var table: [String: UnitKind] = [
            "c": .cRate,
            "w": .power(shift: 0), "mw": .power(shift: -3),
            "v": .voltage(shift: 0), "mv": .voltage(shift: -3),
        ]
        let numerators = ["a": 0, "ma": -3, "ua": -6]
        let perMass = ["/kg": 0, ".kg-1": 0, "/g": 3, ".g-1": 3]
        let perArea = ["/m2": 0, ".m-2": 0, "/cm2": 4, ".cm-2": 4]
        for (numerator, shift) in numerators {
            table[numerator] = .current(shift: shift)
            for (denominator, extra) in perMass {
                table[numerator + denominator] = .specificCurrent(shift: shift + extra)
            }
            for (denominator, extra) in perArea {
                table[numerator + denominator] = .currentDensity(shift: shift + extra)
            }
        }
        let durations: [(names: [String], seconds: Double)] = [
            (["s", "sec", "secs", "second", "seconds"], 1),
            (["min", "mins", "minute", "minutes"], 60),
            (["h", "hr", "hrs", "hour", "hours"], 3600),
            (["day", "days"], 86_400),
            (["week", "weeks"], 604_800),
        ]
        for (names, seconds) in durations {
            for name in names { table[name] = .duration(seconds: seconds) }
        }
        return table
    }()

    /// Denominators that may follow a current unit after a space: "mA cm-2", "mA g-1".
    static let spacedDenominators: Set<String> = ["m-2", "cm-2", "kg-1", "g-1"]

    static func normalize<S: Sequence>(_ scalars: S) -> String where S.Element == Unicode.Scalar {
        var out = String.UnicodeScalarView()
        for scalar in scalars {
            switch scalar.value {
            case 0xB5, 0x3BC, 0x39C: out.append("u")            // µ, μ, Μ
            case 0xB2: out.append("2")                          // ²
            case 0xB9: out.append("1")                          // ¹
            case 0x207B, 0x2212: out.append("-")                // ⁻, −
            case 0xB7, 0x22C5, 0x2A: out.append(".")            // ·, ⋅, *
            case 0x5E: continue                                 // ^
            default: out.append(ScalarClass.asciiLower(scalar))
            }
        }
        return String(out)
    }
}

/// The role a quantity plays in a step; decides which units are allowed and the hints.
enum QuantityRole {
    case drive, voltage, duration, condition

    /// The noun with its article, for "expected … greater than zero".
    var noun: String {
        switch self {
        case .drive: return "a current"
        case .voltage: return "a voltage"
        case .duration: return "a duration"
        case .condition: return "an end condition"
        }
    }

    /// What a valid quantity looks like.
    var hint: String {
        switch self {
        case .drive:
            return #"a current such as "1C", "C/10", "0.5 mA", "2 A", "50 mA/g", "0.5 mA/cm2" or "1 W""#
        case .voltage:
            return #"a voltage such as "4.2 V" or "4200 mV""#
        case .duration:
            return #"a duration such as "30 s", "10 minutes", "2 hours" or "1 day""#
        case .condition:
            return #"an end condition such as "2.5 V", "4200 mV", "50 mA" or "C/20""#
        }
    }

    func accepts(_ kind: UnitKind) -> Bool {
        switch (self, kind) {
        case (.drive, .current), (.drive, .cRate), (.drive, .power),
             (.drive, .specificCurrent), (.drive, .currentDensity):
            return true
        case (.voltage, .voltage), (.duration, .duration):
            return true
        case (.condition, .voltage), (.condition, .current), (.condition, .cRate):
            return true
        default:
            return false
        }
    }

    /// Extra advice when a quantity of the wrong kind was given.
    func misuseAdvice(for kind: UnitKind) -> String {
        switch (self, kind) {
        case (.voltage, .current), (.voltage, .cRate), (.voltage, .power),
             (.voltage, .specificCurrent), (.voltage, .currentDensity):
            return #"; a hold keeps the voltage constant, use "Charge at …" or "Discharge at …" for a constant current or power"#
        case (.drive, .voltage):
            return #"; use "Hold at <voltage>" to hold a constant voltage"#
        case (.condition, .duration):
            return #"; use "for <duration>" to limit the duration"#
        case (.condition, .power), (.condition, .specificCurrent), (.condition, .currentDensity):
            return "; end conditions can be a voltage, a current or a C-rate"
        default:
            return ""
        }
    }
}

/// Parses one trimmed, non-blank step.
struct StepParser {
    private let text: String
    private let index: Int
    private let scalars: [Unicode.Scalar]
    private var pos = 0

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
        throw error(
            #"expected a step starting with "Discharge", "Charge", "Hold" or "Rest", found "#
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

    // MARK: Quantities

    private enum Scan {
        case value(DecimalNumber, UnitKind, reciprocal: Bool)
        case notANumber
        case signed
        case missingUnit
        case unknownUnit
    }

    /// Reads a quantity for `role` and returns its kind and SI magnitude (> 0, finite),
    /// or throws a message naming what was found and what was expected.
    private mutating func requireQuantity(_ role: QuantityRole) throws(ExperimentParseError) -> (kind: UnitKind, value: Double) {
        skipSpaces()
        let after = context()
        let start = pos
        let scan = scanQuantity()
        let raw = quote(from: start, to: pos)
        let expected = "expected \(role.hint) after \(after), found "
        switch scan {
        case .notANumber:
            pos = start
            let token = found(token: true)
            let lower = UnitKind.normalize(tokenScalars(at: start))
            let nonFinite = lower.hasPrefix("nan") || lower.hasPrefix("inf")
            throw error(expected + token + (nonFinite ? ", which is not a finite number" : ""))
        case .signed:
            let advice = role == .drive
                ? #"; give the magnitude without a sign, "Charge" or "Discharge" sets the direction"#
                : "; give a positive value without a sign"
            throw error(expected + raw + advice)
        case .missingUnit:
            throw error(expected + raw + " without a unit")
        case .unknownUnit:
            var advice = ""
            if let comma = tokenScalars(at: start).firstIndex(of: ","), comma > 0 {
                advice = #"; use "." as the decimal separator"#
            }
            throw error(expected + raw + advice)
        case let .value(number, kind, reciprocal):
            guard role.accepts(kind) else {
                throw error(expected + raw + role.misuseAdvice(for: kind))
            }
            if number.isZero {
                if reciprocal {
                    throw error(expected + raw + ", which divides by zero")
                }
                throw error("expected \(role.noun) greater than zero after \(after), found \(raw)")
            }
            let value: Double
            switch kind {
            case .cRate:
                let written = number.value(decimalShift: 0)
                value = reciprocal ? 1 / written : written
            case let .current(shift), let .power(shift), let .specificCurrent(shift),
                 let .currentDensity(shift), let .voltage(shift):
                value = number.value(decimalShift: shift)
            case let .duration(seconds):
                value = number.value(decimalShift: 0) * seconds
            }
            if value.isNaN || value.isInfinite {
                throw error("expected \(role.noun) of finite size after \(after), found \(raw), which is too large")
            }
            if !(value > 0) {
                throw error("expected \(role.noun) greater than zero after \(after), found \(raw), which is too small")
            }
            // A step shorter than a millisecond or longer than ~30 years is a typo, not a protocol.
            if case .duration = kind, !ExperimentStep.allowedDurations.contains(value) {
                throw error("expected a duration from 1 ms to 1e9 s (about 30 years) after \(after), found \(raw)")
            }
            return (kind, value)
        }
    }

    /// Scans `C/<n>` or `<n> <unit>` from `pos` (already past whitespace), moving `pos`
    /// to the end of what was recognised (of the offending text on failure).
    private mutating func scanQuantity() -> Scan {
        let start = pos
        guard start < scalars.count else { return .notANumber }

        // C/<n>
        if ScalarClass.asciiLower(scalars[start]) == "c" {
            let slash = skipSpaces(from: start + 1)
            if slash < scalars.count && scalars[slash] == "/" {
                let numberStart = skipSpaces(from: slash + 1)
                guard let (number, end) = lexNumber(at: numberStart) else {
                    pos = tokenEnd(from: start)
                    return .unknownUnit
                }
                if end < scalars.count && !ScalarClass.isSpace(scalars[end]) && scalars[end] != "(" {
                    pos = tokenEnd(from: start)
                    return .unknownUnit
                }
                pos = end
                return .value(number, .cRate, reciprocal: true)
            }
        }

        // A sign: values are magnitudes.
        if scalars[start] == "-" || scalars[start] == "+" || scalars[start].value == 0x2212 {
            if lexNumber(at: start + 1) != nil {
                // Scan the rest as an unsigned quantity, only to quote it whole ("-4.2 V").
                pos = start + 1
                _ = scanQuantity()
                return .signed
            }
        }

        guard let (number, numberEnd) = lexNumber(at: start) else { return .notANumber }
        pos = numberEnd
        let unitStart = skipSpaces(from: numberEnd)
        let unitEnd = unitRunEnd(from: unitStart)
        if unitEnd == unitStart {
            return .missingUnit
        }
        let unitText = UnitKind.normalize(scalars[unitStart..<unitEnd])
        if unitStart > numberEnd && ["for", "until", "or", "period"].contains(unitText) {
            return .missingUnit
        }
        guard var kind = UnitKind.table[unitText] else {
            pos = unitEnd
            return .unknownUnit
        }
        pos = unitEnd
        // "mA cm-2", "A m-2", "mA g-1": a spaced denominator.
        if case .current = kind {
            let denominatorStart = skipSpaces(from: unitEnd)
            let denominatorEnd = unitRunEnd(from: denominatorStart)
            if denominatorStart > unitEnd && denominatorEnd > denominatorStart {
                let denominator = UnitKind.normalize(scalars[denominatorStart..<denominatorEnd])
                if UnitKind.spacedDenominators.contains(denominator),
                   let combined = UnitKind.table[unitText + "." + denominator] {
                    kind = combined
                    pos = denominatorEnd
                }
            }
        }
        return .value(number, kind, reciprocal: false)
    }

    /// Lexes `digits[.digits][(e|E)[+|-]digits]` or `.digits[...]` at `start`.
    private func lexNumber(at start: Int) -> (DecimalNumber, end: Int)? {
        var p = start
        var integer = String.UnicodeScalarView()
        var fraction = String.UnicodeScalarView()
        var allZero = true
        while p < scalars.count && ScalarClass.isDigit(scalars[p]) {
            integer.append(scalars[p])
            if scalars[p] != "0" { allZero = false }
            p += 1
        }
        if p + 1 < scalars.count && scalars[p] == "." && ScalarClass.isDigit(scalars[p + 1]) {
            p += 1
            while p < scalars.count && ScalarClass.isDigit(scalars[p]) {
                fraction.append(scalars[p])
                if scalars[p] != "0" { allZero = false }
                p += 1
            }
        }
        if integer.isEmpty && fraction.isEmpty { return nil }

        var exponent = 0
        if p < scalars.count && (scalars[p] == "e" || scalars[p] == "E") {
            var q = p + 1
            var negative = false
            if q < scalars.count && (scalars[q] == "+" || scalars[q] == "-") {
                negative = scalars[q] == "-"
                q += 1
            }
            if q < scalars.count && ScalarClass.isDigit(scalars[q]) {
                while q < scalars.count && ScalarClass.isDigit(scalars[q]) {
                    if exponent < DecimalNumber.exponentLimit {
                        exponent = exponent * 10 + Int(scalars[q].value - 0x30)
                    }
                    q += 1
                }
                exponent = min(exponent, DecimalNumber.exponentLimit)
                if negative { exponent = -exponent }
                p = q
            }
        }
        let number = DecimalNumber(
            integerDigits: String(integer),
            fractionDigits: String(fraction),
            exponent: exponent,
            isZero: allZero
        )
        return (number, p)
    }

    /// End of a unit: a run of non-space scalars, stopped by '(' or ')'.
    private func unitRunEnd(from start: Int) -> Int {
        var p = start
        while p < scalars.count && !ScalarClass.isSpace(scalars[p]) && scalars[p] != "(" && scalars[p] != ")" {
            p += 1
        }
        return p
    }

    // MARK: Keywords and whitespace

    private func skipSpaces(from start: Int) -> Int {
        var p = max(start, 0)
        while p < scalars.count && ScalarClass.isSpace(scalars[p]) { p += 1 }
        return p
    }

    private mutating func skipSpaces() {
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

    private func error(_ message: String) -> ExperimentParseError {
        ExperimentParseError(stepIndex: index, stepText: text, message: message)
    }

    /// `"<the step up to pos>"`, for "after …".
    private func context() -> String {
        let prefix = ScalarClass.trimmed(scalars[0..<min(pos, scalars.count)])
        return "\"" + TextExcerpt.tail(prefix, limit: Self.contextLimit) + "\""
    }

    /// What comes next: the next whitespace-delimited token (`token: true`) or the rest
    /// of the step, quoted and shortened; or "the end of the step".
    private func found(token: Bool) -> String {
        let start = skipSpaces(from: pos)
        guard start < scalars.count else { return "the end of the step" }
        let excerpt = token
            ? String(String.UnicodeScalarView(tokenScalars(at: start)))
            : ScalarClass.trimmed(scalars[start...])
        return "\"" + TextExcerpt.head(excerpt, limit: Self.foundLimit) + "\""
    }

    /// `"<scalars start..<end>"`, trimmed and shortened.
    private func quote(from start: Int, to end: Int) -> String {
        let lower = min(max(start, 0), scalars.count)
        let upper = min(max(end, lower), scalars.count)
        let excerpt = ScalarClass.trimmed(scalars[lower..<upper])
        return "\"" + TextExcerpt.head(excerpt, limit: Self.foundLimit) + "\""
    }

    private func tokenEnd(from start: Int) -> Int {
        var p = start
        while p < scalars.count && !ScalarClass.isSpace(scalars[p]) { p += 1 }
        return p
    }

    private func tokenScalars(at start: Int) -> ArraySlice<Unicode.Scalar> {
        let lower = min(max(start, 0), scalars.count)
        return scalars[lower..<tokenEnd(from: lower)]
    }
}
