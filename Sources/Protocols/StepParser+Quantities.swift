// Quantities in a step: a number with its unit (or `C/<n>`), lexed from the step's scalars
// without ever trapping, checked against what the step's role allows, and converted to SI.

extension StepParser {

    private enum Scan {
        case value(DecimalNumber, UnitKind, reciprocal: Bool)
        case notANumber
        case signed
        case missingUnit
        case unknownUnit
    }

    /// Reads a quantity for `role` and returns its kind and SI magnitude (> 0, finite),
    /// or throws a message naming what was found and what was expected.
    mutating func requireQuantity(_ role: QuantityRole) throws(ExperimentParseError) -> (kind: UnitKind, value: Double) {
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
}
