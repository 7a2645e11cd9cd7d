import Foundation
import Testing
import TestSupport
@testable import MeasuredData

@Suite("Numbers, times and units")
struct ParsingTests {
    func number(_ text: String, decimalComma: Bool = false) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { NumberParser.double($0, decimalComma: decimalComma) }
    }

    func time(_ text: String, scale: Double = 1, decimalComma: Bool = false) -> Double? {
        Array(text.utf8).withUnsafeBufferPointer { NumberParser.time($0, scale: scale, decimalComma: decimalComma) }
    }

    @Test("Decimal numbers as Swift reads them, with a decimal comma where allowed")
    func numbers() {
        #expect(number("3.65") == 3.65)
        #expect(number("-0.0025") == -0.0025)
        #expect(number("+12") == 12)
        #expect(number("1e-05") == 1e-05)
        #expect(number("6.944444444444445e-05") == 6.944444444444445e-05)
        #expect(number("1,000000000000000E+001", decimalComma: true) == 10)
        #expect(number("3,6512345", decimalComma: true) == 3.6512345)
        #expect(number("3,65") == nil)
        #expect(number(".5") == 0.5)
        #expect(number("5.") == 5)
        #expect(number("") == nil)
        #expect(number("-") == nil)
        #expect(number("1e") == nil)
        #expect(number("1.2.3") == nil)
        #expect(number("12 V") == nil)
        #expect(number("nan")?.isNaN == true)
        #expect(number("-Inf") == -.infinity)
        #expect(number("123456789012345678901234") == 123456789012345678901234.0)
        #expect(number("0.000000000000000000000000001234") == 1.234e-27)
    }

    @Test("Exact on random doubles written the shortest way")
    func exactness() {
        var random = SplitMix64(seed: 19)
        for _ in 0..<20_000 {
            let x = Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF | (random.next() & 1) << 63)
            let scaled = Double.random(in: -1e4...1e4, using: &random)
            for value in [x, scaled] {
                #expect(number("\(value)") == value, "\(value)")
                #expect(number("\(value)".replacingOccurrences(of: ".", with: ","), decimalComma: true) == value)
            }
        }
    }

    @Test("Clock times: hh:mm:ss.s, hours beyond a day, d-hh:mm:ss, Maccor's 1d 02:03:04")
    func clocks() {
        #expect(time("00:00:10.5") == 10.5)
        #expect(time("27:46:40.7") == 100_000.7)
        #expect(time("1-02:03:04") == 93_784)
        #expect(time("1-02:03:04.25") == 93_784.25)
        #expect(time("2 00:00:01") == 172_801)
        #expect(time("1d 02:03:04") == 93_784)
        #expect(time("00:00:01,5", decimalComma: true) == 1.5)
        #expect(time("2.5", scale: 3600) == 9000)
        #expect(time("00:60:00") == nil)
        #expect(time("00:00:60") == nil)
        #expect(time("10:00") == nil)
        #expect(time("a:00:00") == nil)
    }

    @Test("Units from headers")
    func units() throws {
        func scale(_ unit: String) -> Double? { Unit.parse(unit)?.scale }
        #expect(scale("mA") == 1e-3)
        #expect(scale("µA") == 1e-6)  // U+00B5
        #expect(scale("μA") == 1e-6)  // U+03BC
        #expect(scale("uA") == 1e-6)
        #expect(scale("mAh") == 1e-3 && scale("mA.h") == 1e-3 && scale("Ah") == 1 && scale("A.h") == 1)
        #expect(scale("h") == 3600 && scale("min") == 60 && scale("s") == 1)
        #expect(scale("kPa") == 1e3 && scale("MPa") == 1e6)
        #expect(Unit.parse("mA.h/g")?.dimension == .specificCapacity)
        #expect(Unit.parse("mA.h.g-1")?.dimension == .specificCapacity)
        #expect(Unit.parse("K")?.offset == -273.15)
        #expect(Unit.parse("øC")?.dimension == .temperature)  // BioLogic's older degree sign
        #expect(Unit.parse("furlong") == nil)
    }

    @Test("Header names and units in each format's notation")
    func headers() {
        func split(_ text: String) -> [String?] { let h = HeaderField(text); return [h.name, h.unit] }
        #expect(split("Voltage / V") == ["voltage", "V"])
        #expect(split("Current [A]") == ["current", "A"])
        #expect(split("Test Time (s)") == ["test time", "s"])
        #expect(split("Test_Time(s)") == ["test time", "s"])
        #expect(split("Voltage(V)") == ["voltage", "V"])
        #expect(split("<I>/mA") == ["<i>", "mA"])
        #expect(split("Re(Z)/Ohm") == ["re(z)", "Ohm"])
        #expect(split("Re(Z)") == ["re(z)", nil])
        #expect(split("Q charge/discharge/mA.h") == ["q charge/discharge", "mA.h"])
        #expect(split("Cycle Count / 1") == ["cycle count", "1"])
        #expect(split("  Cycle   C ") == ["cycle c", nil])
    }

    @Test("Units converted on reading: h, min, mV, mA, µA (UTF-8), K, kPa")
    func conversions() throws {
        let text = "Time [min],Voltage [mV],Current [µA],Temperature [K],Stack pressure [kPa]\n0,3700,-250,298.15,5000\n1.5,3650,1000,300.15,5001\n"
        let s = try #require(try MeasuredDataReader.read(url: try temporaryFile("units.csv", text)).timeSeries)
        #expect(s.time == [0, 90])
        #expect(close(s.voltage, [3.7, 3.65]))
        #expect(close(s.current, [-2.5e-4, 1e-3]))
        #expect(close(s.temperature, [25, 27]))
        #expect(close(s.pressure, [5e6, 5.001e6]))
        let hours = "Test Time / h,Voltage / V,Current / mA\n0,3.7,1\n0.5,3.6,1\n"
        let b = try #require(try MeasuredDataReader.read(url: try temporaryFile("h.csv", hours)).timeSeries)
        #expect(b.time == [0, 1800])
        #expect(b.current == [-1e-3, -1e-3])
    }

    @Test("Current sign: each format's own, and the override")
    func signs() throws {
        let bdf = Self.signFile("Test Time / s,Voltage / V,Current / A")
        #expect(try MeasuredDataReader.read(url: bdf).timeSeries?.current == [-1, 2])
        #expect(try MeasuredDataReader.read(url: bdf, currentSign: .dischargePositive).timeSeries?.current == [1, -2])
        let solidCell = Self.signFile("Time [s],Voltage [V],Current [A]")
        #expect(try MeasuredDataReader.read(url: solidCell).timeSeries?.current == [1, -2])
        #expect(try MeasuredDataReader.read(url: solidCell, currentSign: .chargePositive).timeSeries?.current == [-1, 2])
        #expect(CurrentSign.chargePositive.toDischargePositive == -1 && CurrentSign.dischargePositive.toDischargePositive == 1)
    }

    static func signFile(_ header: String) -> URL {
        (try? temporaryFile("sign.csv", header + "\n0,3.7,1\n10,3.6,-2\n")) ?? URL(fileURLWithPath: "/nonexistent")
    }

    @Test("A file larger than the read chunk: lines across chunk boundaries, no newline at the end")
    func chunkBoundaries() throws {
        var text = "Time [s],Voltage [V],Current [A]\r\n"
        let rows = 60_000
        for k in 0..<rows { text += "\(Double(k) * 0.5),\(3 + Double(k % 1000) * 1e-4),\(Double(k % 7) * 0.001)\r\n" }
        text.removeLast(2)
        #expect(text.utf8.count > LineReader.chunkSize)
        let s = try #require(try MeasuredDataReader.read(url: try temporaryFile("big.csv", text)).timeSeries)
        #expect(s.count == rows)
        #expect(s.time.last == Double(rows - 1) * 0.5)
        #expect(s.voltage[54_321] == 3 + Double(54_321 % 1000) * 1e-4)
    }
}
