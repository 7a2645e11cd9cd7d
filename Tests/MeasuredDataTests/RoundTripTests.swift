import Foundation
import TestSupport
import Testing
@testable import MeasuredData

/// A synthetic series, as SolidCell's timeseries.csv would hold it (the time repeated at each
/// step's switch-on), written in every format and read back.
@Suite("Round trip through every format")
struct RoundTripTests {
    /// Two cycles of CC discharge, rest, CC charge and a decaying CV hold, 500.25 s apart (so that
    /// the log spans more than a day), with arbitrary voltages.
    static let series: CyclerLog = {
        var s = CyclerLog(time: [], cycle: [], step: [], current: [], voltage: [], temperature: [], pressure: [])
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
                    s.temperature!.append(25 + 0.01 * n)
                    s.pressure!.append(5e6 + 1000 * sin(n))
                }
            }
        }
        return s
    }()

    /// The file text of `format` (``CyclerLog/file(_:)``), and whether it carries temperature and pressure.
    static func write(_ format: MeasuredDataFormat) -> (bytes: [UInt8], temperature: Bool, pressure: Bool) {
        (series.file(format), [.bdf, .bioLogic, .neware].contains(format), [.solidCell, .bdf].contains(format))
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
        if written.temperature { #expect(close(read.temperature, s.temperature!)) }
        if written.pressure { #expect(close(read.pressure, s.pressure!)) }
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
