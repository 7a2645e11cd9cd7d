// Measured battery-cycler data, read into SolidCell's units and sign convention.
//
// Units inside this module: time in s, voltage in V, current in A, capacity in A h (or mA h/g
// for specific capacities), temperature in °C, pressure in Pa, frequency in Hz, impedance in Ω.
// Current is stored POSITIVE ON DISCHARGE, as in SolidCell's own outputs; each file's own
// convention is described by `CurrentSign` and converted on reading.

/// Which way a file's current column counts positive.
public enum CurrentSign: String, Sendable, CaseIterable {
    /// Positive while the cell charges (BDF, Arbin, Neware, BioLogic's oxidation-positive current
    /// with the working electrode on the cathode, and signed Maccor exports).
    case chargePositive
    /// Positive while the cell discharges (SolidCell's `timeseries.csv` and this module's arrays).
    case dischargePositive

    /// The factor that turns a current in this convention into a discharge-positive one.
    public var toDischargePositive: Double { self == .chargePositive ? -1 : 1 }
}

/// The file formats this module reads. ``MeasuredDataReader/read(url:format:currentSign:)``
/// detects the format from the file's header unless one is given.
public enum MeasuredDataFormat: String, Sendable, CaseIterable {
    /// Battery Data Format CSV (`Test Time / s`, `Voltage / V`, `Current / A`, …), current positive on charge.
    case bdf
    /// BioLogic EC-Lab / BT-Lab text export (`.mpt`): a cycling log or an impedance spectrum.
    case bioLogic
    /// Arbin CSV export (`Test Time (s)`, `Voltage (V)`, `Current (A)`, `Cycle Index`, `Step Index`).
    case arbin
    /// Maccor CSV/text export (`Test Time`, `Voltage`, `Current`, `Cycle C`, `Step`, `MD` or `State`).
    case maccor
    /// Neware CSV export (`Total Time`, `Voltage(V)`, `Current(A)`, `Cycle Index`, `Step Index`).
    case neware
    /// SolidCell's own `timeseries.csv` (`Time [s]`, `Cycle`, `Step`, `Current [A]` positive on discharge, …).
    case solidCell
    /// A per-cycle table: a cycle column with discharge (and optionally charge) capacity,
    /// SolidCell's `cycles.csv` among them.
    case cycleTable
    /// A plain CSV impedance spectrum with SolidCell's `impedance.csv` columns
    /// (`Frequency [Hz]`, `Re(Z) [Ohm]`, `-Im(Z) [Ohm]`) or BioLogic-style names.
    case impedanceCSV
}

/// Where a data set came from and what the reader passed over.
public struct MeasuredSource: Sendable, Equatable {
    /// The file's name (last path component).
    public var file: String
    public var format: MeasuredDataFormat
    /// The convention the file's current column was read with.
    public var currentSign: CurrentSign
    /// Lines before the first data row: preamble, comments and the column header itself.
    public var headerLines: Int
    /// Data-section lines passed over because they were blank (e.g. trailing empty lines).
    /// No line with content is ever skipped: it is read or it is an error.
    public var skippedLines: Int

    public init(file: String, format: MeasuredDataFormat, currentSign: CurrentSign, headerLines: Int, skippedLines: Int) {
        self.file = file
        self.format = format
        self.currentSign = currentSign
        self.headerLines = headerLines
        self.skippedLines = skippedLines
    }
}

/// A measured cycling log, one array per column, all of length ``count``.
public struct MeasuredTimeSeries: Sendable, Equatable {
    /// Test time [s], strictly increasing except that a step change may repeat a time.
    public var time: [Double]
    /// Cell voltage [V].
    public var voltage: [Double]
    /// Cell current [A], POSITIVE ON DISCHARGE.
    public var current: [Double]
    /// The file's cycle numbers, where it has them.
    public var cycle: [Int]?
    /// The file's step numbers, where it has them.
    public var step: [Int]?
    /// Ambient or cell temperature [°C], where the file has it.
    public var temperature: [Double]?
    /// Applied (stack) pressure [Pa], where the file has it.
    public var pressure: [Double]?
    /// Wall-clock time [s since 1970-01-01 UTC], where the file has it.
    public var unixTime: [Double]?
    public var source: MeasuredSource

    public init(time: [Double], voltage: [Double], current: [Double], cycle: [Int]? = nil, step: [Int]? = nil,
                temperature: [Double]? = nil, pressure: [Double]? = nil, unixTime: [Double]? = nil, source: MeasuredSource) {
        self.time = time
        self.voltage = voltage
        self.current = current
        self.cycle = cycle
        self.step = step
        self.temperature = temperature
        self.pressure = pressure
        self.unixTime = unixTime
        self.source = source
    }

    public var count: Int { time.count }
}

/// Per-cycle capacities (fade data).
public struct MeasuredCycleTable: Sendable, Equatable {
    /// The unit the capacities are stored in, after conversion from the file's header.
    public enum CapacityUnit: String, Sendable, Equatable {
        /// A h.
        case ampereHours
        /// mA h per gram of active material.
        case milliampereHoursPerGram
    }

    public var cycle: [Int]
    /// Discharge capacity of each cycle, in ``capacityUnit``.
    public var dischargeCapacity: [Double]
    /// Charge capacity of each cycle, in ``capacityUnit``, where the file has it.
    public var chargeCapacity: [Double]?
    public var capacityUnit: CapacityUnit
    public var source: MeasuredSource

    public init(cycle: [Int], dischargeCapacity: [Double], chargeCapacity: [Double]?, capacityUnit: CapacityUnit, source: MeasuredSource) {
        self.cycle = cycle
        self.dischargeCapacity = dischargeCapacity
        self.chargeCapacity = chargeCapacity
        self.capacityUnit = capacityUnit
        self.source = source
    }

    public var count: Int { cycle.count }
}

/// An impedance spectrum Z(f) = Re Z + j Im Z, in the file's frequency order.
public struct MeasuredImpedanceSpectrum: Sendable, Equatable {
    /// Frequency [Hz].
    public var frequency: [Double]
    /// Re Z [Ω].
    public var real: [Double]
    /// −Im Z [Ω] (positive for a capacitive arc, as Nyquist plots show it).
    public var minusImaginary: [Double]
    public var source: MeasuredSource

    public init(frequency: [Double], real: [Double], minusImaginary: [Double], source: MeasuredSource) {
        self.frequency = frequency
        self.real = real
        self.minusImaginary = minusImaginary
        self.source = source
    }

    public var count: Int { frequency.count }
}

/// What a file holds.
public enum MeasuredDataset: Sendable, Equatable {
    case timeSeries(MeasuredTimeSeries)
    case cycles(MeasuredCycleTable)
    case impedance(MeasuredImpedanceSpectrum)

    public var source: MeasuredSource {
        switch self {
        case .timeSeries(let s): s.source
        case .cycles(let c): c.source
        case .impedance(let z): z.source
        }
    }

    /// The time series, or nil when the file held something else.
    public var timeSeries: MeasuredTimeSeries? { if case .timeSeries(let s) = self { s } else { nil } }
    /// The cycle table, or nil when the file held something else.
    public var cycles: MeasuredCycleTable? { if case .cycles(let c) = self { c } else { nil } }
    /// The impedance spectrum, or nil when the file held something else.
    public var impedance: MeasuredImpedanceSpectrum? { if case .impedance(let z) = self { z } else { nil } }
}
