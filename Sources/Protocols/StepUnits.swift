// The vocabulary of step quantities: decimal numbers as written, the units a step accepts and
// the role each quantity plays.

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
