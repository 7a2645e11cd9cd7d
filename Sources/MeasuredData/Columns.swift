import Foundation

/// The quantities the readers take from a file's columns.
enum Quantity: Sendable, Equatable {
    case time, voltage, current, cycle, step, temperature, pressure, unixTime
    /// Maccor's charge/discharge/rest state letter.
    case state
    case frequency, realImpedance, minusImaginaryImpedance, imaginaryImpedance
    case chargeCapacity, dischargeCapacity

    var dimensions: [Dimension] {
        switch self {
        case .time, .unixTime: [.time]
        case .voltage: [.voltage]
        case .current: [.current]
        case .cycle, .step: [.count]
        case .state: [.text]
        case .temperature: [.temperature]
        case .pressure: [.pressure]
        case .frequency: [.frequency]
        case .realImpedance, .minusImaginaryImpedance, .imaginaryImpedance: [.impedance]
        case .chargeCapacity, .dischargeCapacity: [.capacity, .specificCapacity]
        }
    }
}

/// What a unit measures.
enum Dimension: Sendable, Equatable {
    case time, voltage, current, count, text, temperature, pressure, frequency, impedance, capacity, specificCapacity
}

/// A unit from a column header: value in internal units = value × scale + offset.
struct Unit: Sendable, Equatable {
    var dimension: Dimension
    var scale: Double
    var offset: Double = 0

    /// The unit a header spells, looked up as written and then in lower case (so `Sec` and
    /// `VOLTS` match; the table has no lower-case spelling that two units share, so `mPa` is
    /// unknown rather than read as MPa). Micro is accepted as `µ` (U+00B5, also Latin-1 byte
    /// 0xB5), `μ` (U+03BC) or `u`; degree as `°`, or `ø` (BioLogic's older exports, byte 0xF8
    /// in Latin-1); `·` and `*` as `.` in `mA·h`.
    static func parse(_ text: String) -> Unit? {
        var unit = text.trimmingCharacters(in: .whitespaces)
        unit = unit.replacingOccurrences(of: "\u{03BC}", with: "u").replacingOccurrences(of: "\u{00B5}", with: "u")
            .replacingOccurrences(of: "\u{00F8}", with: "°").replacingOccurrences(of: "·", with: ".")
            .replacingOccurrences(of: "*", with: ".")
        if let unit = table[unit] { return unit }
        return table[unit.lowercased()]
    }

    private static let table: [String: Unit] = {
        var t: [String: Unit] = [:]
        func add(_ names: [String], _ dimension: Dimension, _ scale: Double, _ offset: Double = 0) {
            for name in names { t[name] = Unit(dimension: dimension, scale: scale, offset: offset) }
        }
        add(["s", "sec", "secs", "second", "seconds"], .time, 1)
        add(["min", "mins", "minute", "minutes"], .time, 60)
        add(["h", "hr", "hrs", "hour", "hours"], .time, 3600)
        add(["ms"], .time, 1e-3)
        add(["V", "v", "Volts", "volts"], .voltage, 1)
        add(["mV"], .voltage, 1e-3)
        add(["A", "a", "Amps", "amps"], .current, 1)
        add(["mA", "ma"], .current, 1e-3)
        add(["uA", "ua"], .current, 1e-6)
        add(["nA"], .current, 1e-9)
        add(["1", "-", "#"], .count, 1)
        add(["degC", "degc", "°C", "°c", "C", "c", "deg C", "celsius"], .temperature, 1)
        add(["K", "k", "kelvin"], .temperature, 1, -273.15)
        add(["Pa", "pa"], .pressure, 1)
        add(["kPa", "kpa"], .pressure, 1e3)
        add(["MPa"], .pressure, 1e6)
        add(["bar"], .pressure, 1e5)
        add(["Hz", "hz"], .frequency, 1)
        add(["kHz", "khz"], .frequency, 1e3)
        add(["mHz"], .frequency, 1e-3)
        add(["Ohm", "ohm", "Ohms", "ohms", "Ω"], .impedance, 1)
        add(["mOhm", "mohm", "mΩ"], .impedance, 1e-3)
        add(["kOhm", "kohm", "kΩ"], .impedance, 1e3)
        add(["A.h", "Ah", "A h", "ah", "a.h", "Amp-hr", "amp-hr"], .capacity, 1)
        add(["mA.h", "mAh", "mA h", "mah", "ma.h"], .capacity, 1e-3)
        add(["uA.h", "uAh"], .capacity, 1e-6)
        add(["mA.h/g", "mAh/g", "mA.h.g-1", "mAh.g-1", "mA.h g-1", "mAh g-1", "mah/g", "ma.h/g"], .specificCapacity, 1)
        add(["A.h/kg", "Ah/kg"], .specificCapacity, 1)
        return t
    }()
}

/// A column header split into a name (lower case, `_` read as a space, spaces collapsed) and the
/// unit it gives: `Voltage / V` (BDF), `Voltage [V]` (SolidCell), `Voltage (V)` or `Voltage(V)`
/// (Arbin, Neware), `Ewe/V` (BioLogic). Text in parentheses or after a slash counts as a unit
/// only where it is a known one, so `Re(Z)` keeps its name.
struct HeaderField: Sendable, Equatable {
    var text: String
    var name: String
    var unit: String?

    init(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        self.text = t
        var name = t
        var unit: String?
        if t.hasSuffix("]"), let open = t.lastIndex(of: "[") {
            name = String(t[..<open])
            unit = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
        } else if t.hasSuffix(")"), let open = t.lastIndex(of: "("),
                  case let inside = String(t[t.index(after: open)..<t.index(before: t.endIndex)]), Unit.parse(inside) != nil {
            name = String(t[..<open])
            unit = inside
        } else if let slash = t.lastIndex(of: "/"), case let after = String(t[t.index(after: slash)...]),
                  Unit.parse(after) != nil {
            name = String(t[..<slash])
            unit = after.trimmingCharacters(in: .whitespaces)
        }
        self.name = HeaderField.normalise(name)
        self.unit = unit
    }

    static func normalise(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "_", with: " ")
            .split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// One quantity a format reads: the column names it accepts, most preferred first (normalised as
/// ``HeaderField/name``, or as the whole header for names that carry their unit, such as BDF's
/// `test_time_second`), and the unit assumed where the header gives none.
struct ColumnRule: Sendable {
    var quantity: Quantity
    /// The accepted names, normalised.
    var names: [String]
    /// The first accepted name as the format's documentation spells it, for messages.
    var display: String
    var defaultUnit: String?
    var required = false

    init(_ quantity: Quantity, _ names: [String], unit: String? = nil, required: Bool = false) {
        self.quantity = quantity
        self.names = names.map(HeaderField.normalise)
        self.display = names.first ?? ""
        self.defaultUnit = unit
        self.required = required
    }
}

/// A column bound to a quantity, with the conversion of its unit.
struct ColumnBinding: Sendable {
    var index: Int
    var header: String
    var quantity: Quantity
    var unit: Unit
}

extension ColumnRule {
    /// True where some column of `fields` has one of this rule's names.
    func isPresent(in fields: [HeaderField]) -> Bool {
        fields.contains { field in names.contains { $0 == field.name || $0 == HeaderField.normalise(field.text) } }
    }

    /// The column this rule takes from `fields`: the first of its names that a column has. Another
    /// column of the same name (`Current (A)` and `Current (mA)`) in a different unit of the
    /// same dimension is mixed units. A quantity with several dimensions (capacity in A h or in
    /// mA h/g) takes the first dimension present: SolidCell's cycles.csv has both.
    func bind(_ fields: [HeaderField], file: String, headerLine: Int) throws -> ColumnBinding? {
        for alias in names {
            let candidates = fields.indices.filter { fields[$0].name == alias || HeaderField.normalise(fields[$0].text) == alias }
            guard let found = candidates.first else { continue }
            var matching: [(index: Int, unit: Unit)] = []
            for index in fields.indices where index == found || fields[index].name == fields[found].name {
                let whole = HeaderField.normalise(fields[index].text) == alias
                matching.append((index, try unit(of: fields[index], whole: whole, file: file, headerLine: headerLine)))
            }
            guard let dimension = quantity.dimensions.first(where: { d in matching.contains { $0.unit.dimension == d } }) else { continue }
            matching = matching.filter { $0.unit.dimension == dimension }
            let first = matching[0]
            for other in matching.dropFirst() where other.unit != first.unit {
                throw MeasuredDataError(file: file, line: headerLine, column: fields[other.index].text,
                                        kind: .mixedUnits(fields[first.index].text))
            }
            return ColumnBinding(index: first.index, header: fields[first.index].text, quantity: quantity, unit: first.unit)
        }
        if required {
            throw MeasuredDataError(file: file, line: headerLine, column: display, kind: .missingColumn)
        }
        return nil
    }

    /// The unit of a column this rule matched: the header's own, else the rule's default.
    private func unit(of field: HeaderField, whole: Bool, file: String, headerLine: Int) throws -> Unit {
        guard let text = (whole ? nil : field.unit) ?? defaultUnit else {
            if quantity.dimensions.contains(.count) { return Unit(dimension: .count, scale: 1) }
            if quantity.dimensions.contains(.text) { return Unit(dimension: .text, scale: 1) }
            throw MeasuredDataError(file: file, line: headerLine, column: field.text, kind: .unknownUnit(""))
        }
        guard let unit = Unit.parse(text), quantity.dimensions.contains(unit.dimension) else {
            throw MeasuredDataError(file: file, line: headerLine, column: field.text, kind: .unknownUnit(text))
        }
        return unit
    }
}
