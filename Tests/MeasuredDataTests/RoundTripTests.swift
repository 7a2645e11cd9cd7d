import Foundation
import Testing
@testable import MeasuredData

/// A synthetic series, as SolidCell's timeseries.csv would hold it (the time repeated at each
/// step's switch-on), written in every format and read back.
@Suite("Round trip through every format")
struct RoundTripTests {
    struct Series {
        var time: [Double] = [], cycle: [Int] = [], step: [Int] = [], current: [Double] = [], voltage: [Double] = []
        var temperature: [Double] = [], pressure: [Double] = []
    }

    /// Two cycles of CC discharge, rest, CC charge and a decaying CV hold, 500.25 s apart (so that
    /// the log spans more than a day), with arbitrary voltages.
    static let series: Series = {
        var s = Series()
        var t = 0.0
        for cycle in 1...2 {
            for step in 1...4 {
                if !s.time.isEmpty { t -= 500.25 }  // the switch-on repeats the previous time
                for k in 0..<25 {
                    t += 500.25
                    let n = Double(s.time.count)
                    s.time.append(t)
                    s.cycle.append(cycle)
                    s.step.append(step)
                    s.current.append([0.0123456789, 0, -0.00617283945, -0.006 * exp(-Double(k) / 20)][step - 1])
                    s.voltage.append(3 + 1.2 * sin(0.1 * n) + 1e-7 * n)
                    s.temperature.append(25 + 0.01 * n)
                    s.pressure.append(5e6 + 1000 * sin(n))
                }
            }
        }
        return s
    }()

    static func number(_ x: Double, comma: Bool = false) -> String {
        comma ? "\(x)".replacingOccurrences(of: ".", with: ",") : "\(x)"
    }

    /// `h:mm:ss.ss` with hours beyond 24, or `d-hh:mm:ss.ss` (the times are whole quarter seconds,
    /// so two decimals are exact).
    static func clock(_ t: Double, days: Bool) -> String {
        let whole = Int(t)
        let seconds = t - Double(whole - whole % 60)
        let minutes = (whole / 60) % 60
        let hours = whole / 3600
        let s = String(format: "%05.2f", seconds)
        return days ? String(format: "%d-%02d:%02d:", hours / 24, hours % 24, minutes) + s
            : String(format: "%02d:%02d:", hours, minutes) + s
    }

    /// The file text of `format`, and whether it carries temperature and pressure.
    static func write(_ format: MeasuredDataFormat) -> (bytes: [UInt8], temperature: Bool, pressure: Bool) {
        let s = series
        var rows: [String] = []
        var latin1 = false
        var temperature = false, pressure = false
        switch format {
        case .solidCell:
            rows.append("Time [s],Cycle,Step,Current [A],Voltage [V],Discharge capacity [A.h],Stack pressure [MPa]")
            for k in s.time.indices {
                rows.append("\(number(s.time[k])),\(s.cycle[k]),\(s.step[k]),\(number(s.current[k])),\(number(s.voltage[k])),0,\(number(s.pressure[k] / 1e6))")
            }
            pressure = true
        case .bdf:
            rows.append("Test Time / s,Voltage / V,Current / A,Cycle Count / 1,Step Count / 1,Ambient Temperature / degC,Applied Pressure / Pa")
            for k in s.time.indices {
                rows.append([number(s.time[k]), number(s.voltage[k]), number(-s.current[k]), "\(s.cycle[k])", "\(s.step[k])",
                             number(s.temperature[k]), number(s.pressure[k])].joined(separator: ","))
            }
            temperature = true
            pressure = true
        case .bioLogic:
            latin1 = true
            rows += ["EC-Lab ASCII FILE", "Nb header lines : 5", "", "Galvanostatic Cycling with Potential Limitation",
                     "mode\ttime/s\tEcell/V\tI/mA\tcycle number\tNs\tTemperature/°C\t"]
            for k in s.time.indices {
                rows.append(["1", number(s.time[k], comma: true), number(s.voltage[k], comma: true),
                             number(-s.current[k] * 1000, comma: true), "\(s.cycle[k])", "\(s.step[k])",
                             number(s.temperature[k], comma: true)].joined(separator: "\t") + "\t")
            }
            temperature = true
        case .arbin:
            rows.append("Data Point,Test Time (s),Step Index,Cycle Index,Current (A),Voltage (V)")
            for k in s.time.indices {
                rows.append("\(k + 1),\(number(s.time[k])),\(s.step[k]),\(s.cycle[k]),\(number(-s.current[k])),\(number(s.voltage[k]))")
            }
        case .maccor:
            rows.append("Today's Date\t01/05/2024\tFilename:\tcell.001")
            rows.append("Rec\tCycle C\tStep\tTest Time\tCurrent\tVoltage\tMD")
            for k in s.time.indices {
                let i = s.current[k]
                rows.append(["\(k + 1)", "\(s.cycle[k])", "\(s.step[k])", clock(s.time[k], days: false), number(abs(i)),
                             number(s.voltage[k]), i > 0 ? "D" : i < 0 ? "C" : "R"].joined(separator: "\t"))
            }
        case .neware:
            rows.append("Record Index,Cycle Index,Step Index,Total Time,Current(mA),Voltage(V),Temperature(°C)")
            for k in s.time.indices {
                rows.append(["\(k + 1)", "\(s.cycle[k])", "\(s.step[k])", clock(s.time[k], days: true), number(-s.current[k] * 1000),
                             number(s.voltage[k]), number(s.temperature[k])].joined(separator: ","))
            }
            temperature = true
        case .cycleTable, .impedanceCSV:
            break
        }
        let text = rows.joined(separator: latin1 ? "\r\n" : "\n") + "\n"
        let bytes = latin1 ? text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } : Array(text.utf8)
        return (bytes, temperature, pressure)
    }

    @Test("Written and read back equal to 1e-9 relative", arguments: [
        MeasuredDataFormat.solidCell, .bdf, .bioLogic, .arbin, .maccor, .neware,
    ])
    func roundTrip(format: MeasuredDataFormat) throws {
        let written = Self.write(format)
        let url = try temporaryFile("roundtrip-\(format.rawValue).txt", bytes: written.bytes)
        #expect(try MeasuredDataReader.detectFormat(url: url) == format)
        let read = try #require(try MeasuredDataReader.read(url: url).timeSeries)
        let s = Self.series
        #expect(read.source.format == format)
        #expect(read.count == s.time.count)
        #expect(close(read.time, s.time))
        #expect(close(read.voltage, s.voltage))
        #expect(close(read.current, s.current))
        #expect(read.cycle == s.cycle)
        #expect(read.step == s.step)
        if written.temperature { #expect(close(read.temperature, s.temperature)) }
        if written.pressure { #expect(close(read.pressure, s.pressure)) }
        #expect(read.time.last ?? 0 > 86_400)
    }

    @Test("Cycle tables and spectra written as SolidCell writes them read back exactly")
    func tablesRoundTrip() throws {
        let capacities = (1...50).map { 3e-3 * pow(0.999, Double($0)) }
        var cycles = "Cycle,Charge capacity [A.h],Discharge capacity [A.h],Charge capacity [mA.h.g-1],Discharge capacity [mA.h.g-1]\n"
        for (k, q) in capacities.enumerated() { cycles += "\(k + 1),\(q * 1.01),\(q),\(q * 1e5),\(q * 1e5)\n" }
        let table = try #require(try MeasuredDataReader.read(url: try temporaryFile("cycles.csv", cycles)).cycles)
        #expect(table.cycle == Array(1...50))
        #expect(table.dischargeCapacity == capacities)
        #expect(table.chargeCapacity == capacities.map { $0 * 1.01 })

        let frequencies = (0..<30).map { pow(10, 6 - Double($0) * 0.27) }
        var impedance = "Frequency [Hz],Re(Z) [Ohm],-Im(Z) [Ohm]\n"
        for f in frequencies { impedance += "\(f),\(20 + 100 / (1 + f)),\(50 * f / (1 + f * f))\n" }
        let z = try #require(try MeasuredDataReader.read(url: try temporaryFile("impedance.csv", impedance)).impedance)
        #expect(z.frequency == frequencies)
        #expect(z.real == frequencies.map { 20 + 100 / (1 + $0) })
        #expect(z.minusImaginary == frequencies.map { 50 * $0 / (1 + $0 * $0) })
    }
}
