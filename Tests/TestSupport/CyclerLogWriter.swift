import Foundation
import MeasuredData

/// A cycling log written by hand in each cycler format's documented layout, for tests that read
/// logs back (MeasuredDataTests) or replay them (`solidcell compare`). Every number is written
/// with Swift's shortest round-trip text, so a reader gets the values back exactly, except the
/// clock times of Maccor (`hh:mm:ss.ss`, hours past 24) and Neware (`d-hh:mm:ss.ss`), which are
/// rounded to 0.01 s as those exports round them.
public struct CyclerLog: Sendable {
    /// Test time [s].
    public var time: [Double]
    /// Cycle and step numbers (1-based).
    public var cycle: [Int]
    public var step: [Int]
    /// Current [A], POSITIVE ON DISCHARGE (each writer converts to its format's sign and unit).
    public var current: [Double]
    /// Voltage [V].
    public var voltage: [Double]
    /// Temperature [°C], written by the formats with a temperature column (BDF, BioLogic, Neware).
    public var temperature: [Double]?
    /// Stack pressure [Pa], written by the formats with a pressure column (BDF, SolidCell).
    public var pressure: [Double]?

    public init(time: [Double], cycle: [Int], step: [Int], current: [Double], voltage: [Double],
                temperature: [Double]? = nil, pressure: [Double]? = nil) {
        (self.time, self.cycle, self.step, self.current, self.voltage) = (time, cycle, step, current, voltage)
        (self.temperature, self.pressure) = (temperature, pressure)
    }

    /// The formats ``file(_:)`` writes.
    public static let formats: [MeasuredDataFormat] = [.solidCell, .bdf, .bioLogic, .arbin, .maccor, .neware]

    public static func number(_ x: Double, comma: Bool = false) -> String {
        comma ? "\(x)".replacingOccurrences(of: ".", with: ",") : "\(x)"
    }

    /// `hh:mm:ss.ss` with hours beyond 24, or `d-hh:mm:ss.ss`, rounded to 0.01 s.
    public static func clock(_ t: Double, days: Bool) -> String {
        let centiseconds = Int((t * 100).rounded())
        let seconds = Double(centiseconds % 6000) / 100
        let minutes = (centiseconds / 6000) % 60
        let hours = centiseconds / 360_000
        let s = String(format: "%05.2f", seconds)
        return days ? String(format: "%d-%02d:%02d:", hours / 24, hours % 24, minutes) + s
            : String(format: "%02d:%02d:", hours, minutes) + s
    }

    /// The file's bytes in `format` (Latin-1 with CRLF line ends for BioLogic, UTF-8 otherwise;
    /// Neware's with a byte-order mark).
    /// - SolidCell `timeseries.csv`: its own header, current positive on discharge, pressure in MPa.
    /// - BDF: `Test Time / s`, `Voltage / V`, `Current / A` positive on charge, `Cycle Count / 1`,
    ///   `Step Count / 1`, and `Ambient Temperature / degC`, `Applied Pressure / Pa` where given.
    /// - BioLogic `.mpt`: `EC-Lab ASCII FILE`, `Nb header lines : 6` (the count includes the column
    ///   header), a Latin-1 `°C` in the header, tabs, decimal commas, `time/s`, `Ecell/V`, `<I>/mA`
    ///   positive on charge (oxidation at the cathode), `cycle number`, `Ns`, a trailing tab.
    /// - Arbin: `Data Point`, `Test Time (s)`, `Step Index`, `Cycle Index`, `Current (A)` positive on
    ///   charge, `Voltage (V)`.
    /// - Maccor: a preamble line, tabs, `Test Time` as `hh:mm:ss.ss`, unsigned `Current` [A] with
    ///   `MD` = D(ischarge), C(harge) or R(est).
    /// - Neware: byte-order mark, `Total Time` as `d-hh:mm:ss.ss`, `Current(mA)` positive on charge,
    ///   `Voltage(V)`.
    public func file(_ format: MeasuredDataFormat) -> [UInt8] {
        func number(_ x: Double, comma: Bool = false) -> String { Self.number(x, comma: comma) }
        var rows: [String] = []
        var latin1 = false, byteOrderMark = false
        switch format {
        case .solidCell:
            rows.append("Time [s],Cycle,Step,Current [A],Voltage [V],Discharge capacity [A.h]" + (pressure != nil ? ",Stack pressure [MPa]" : ""))
            for k in time.indices {
                rows.append("\(number(time[k])),\(cycle[k]),\(step[k]),\(number(current[k])),\(number(voltage[k])),0"
                            + (pressure.map { ",\(number($0[k] / 1e6))" } ?? ""))
            }
        case .bdf:
            rows.append("Test Time / s,Voltage / V,Current / A,Cycle Count / 1,Step Count / 1"
                        + (temperature != nil ? ",Ambient Temperature / degC" : "") + (pressure != nil ? ",Applied Pressure / Pa" : ""))
            for k in time.indices {
                rows.append(([number(time[k]), number(voltage[k]), number(-current[k]), "\(cycle[k])", "\(step[k])"]
                             + [temperature.map { number($0[k]) }, pressure.map { number($0[k]) }].compactMap { $0 }).joined(separator: ","))
            }
        case .bioLogic:
            latin1 = true
            rows += ["EC-Lab ASCII FILE", "Nb header lines : 6", "", "Galvanostatic Cycling with Potential Limitation",
                     "Ewe ctrl range : min = 0,00 V, max = 10,00 V; T = 25 °C",
                     "mode\ttime/s\tEcell/V\t<I>/mA\tcycle number\tNs" + (temperature != nil ? "\tTemperature/°C" : "") + "\t"]
            for k in time.indices {
                rows.append((["1", number(time[k], comma: true), number(voltage[k], comma: true), number(-current[k] * 1000, comma: true),
                              "\(cycle[k])", "\(step[k])"] + (temperature.map { [number($0[k], comma: true)] } ?? [])).joined(separator: "\t") + "\t")
            }
        case .arbin:
            rows.append("Data Point,Test Time (s),Step Index,Cycle Index,Current (A),Voltage (V)")
            for k in time.indices {
                rows.append("\(k + 1),\(number(time[k])),\(step[k]),\(cycle[k]),\(number(-current[k])),\(number(voltage[k]))")
            }
        case .maccor:
            rows.append("Today's Date\t01/05/2024\tFilename:\tcell.001")
            rows.append("Rec\tCycle C\tStep\tTest Time\tCurrent\tVoltage\tMD")
            for k in time.indices {
                let i = current[k]
                rows.append(["\(k + 1)", "\(cycle[k])", "\(step[k])", Self.clock(time[k], days: false), number(abs(i)),
                             number(voltage[k]), i > 0 ? "D" : i < 0 ? "C" : "R"].joined(separator: "\t"))
            }
        case .neware:
            byteOrderMark = true
            rows.append("Record Index,Cycle Index,Step Index,Total Time,Current(mA),Voltage(V)" + (temperature != nil ? ",Temperature(°C)" : ""))
            for k in time.indices {
                rows.append((["\(k + 1)", "\(cycle[k])", "\(step[k])", Self.clock(time[k], days: true), number(-current[k] * 1000),
                              number(voltage[k])] + (temperature.map { [number($0[k])] } ?? [])).joined(separator: ","))
            }
        case .cycleTable, .impedanceCSV:
            preconditionFailure("CyclerLog writes time series only, not \(format)")
        }
        let text = rows.joined(separator: latin1 ? "\r\n" : "\n") + "\n"
        if latin1 { return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }
        return (byteOrderMark ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }
}
