import Foundation
import Testing
@testable import MeasuredData

/// Hand-written files in each format's documented layout (Fixtures/; `check_fixtures.py` reads
/// the same files with `batterydf` and `galvani`).
@Suite("Fixtures in each format")
struct FixtureTests {
    func series(_ name: String, format: MeasuredDataFormat? = nil, sign: CurrentSign? = nil) throws -> MeasuredTimeSeries {
        try #require(try MeasuredDataReader.read(url: fixture(name), format: format, currentSign: sign).timeSeries)
    }

    @Test("BDF: every optional column, current positive on charge turned positive on discharge")
    func bdf() throws {
        let s = try series("bdf_cycle.bdf.csv")
        #expect(s.source.format == .bdf)
        #expect(s.source.currentSign == .chargePositive)
        #expect(s.time == [0, 10, 20, 30, 40, 50])
        #expect(s.voltage == [3.65, 3.64, 3.52, 3.50, 3.62, 3.70])
        #expect(s.current == [0, 0, 0.002, 0.002, -0.001, -0.001])
        #expect(s.cycle == [1, 1, 1, 1, 1, 1])
        #expect(s.step == [1, 1, 2, 2, 3, 3])
        #expect(s.unixTime?.first == 1_704_448_800)
        #expect(s.temperature == [25.0, 25.0, 25.1, 25.1, 25.2, 25.2])
        #expect(s.pressure == [5e6, 5e6, 5e6, 5.01e6, 4.99e6, 5e6])
        #expect(s.source.headerLines == 1 && s.source.skippedLines == 0)
    }

    @Test("BioLogic GCPL: Latin-1 header lines, CRLF, decimal commas, <I>/mA oxidation-positive, trailing tab")
    func bioLogicCycling() throws {
        let s = try series("biologic_gcpl_fr.mpt")
        #expect(s.source.format == .bioLogic)
        #expect(s.source.headerLines == 8)
        #expect(s.time == [0, 10, 10.001, 20, 20.001, 30.5])
        #expect(s.voltage == [3.6512345, 3.651, 3.52, 3.5, 3.62, 3.7])
        #expect(close(s.current, [0, 0, 2.5e-4, 2.5e-4, -2.5e-4, -2.5e-4]))
        #expect(s.cycle == [0, 0, 0, 0, 1, 1])
        #expect(s.step == [0, 0, 1, 1, 2, 2])
        #expect(s.temperature == [25.0, 25.0, 25.1, 25.1, 25.2, 25.2])
    }

    @Test("BioLogic: a Latin-1 µ in the current's unit (I/µA)")
    func bioLogicMicroamps() throws {
        let bytes = try Data(contentsOf: fixture("biologic_microamps.mpt"))
        #expect(bytes.contains(0xB5), "the fixture carries the Latin-1 byte for µ")
        let s = try series("biologic_microamps.mpt")
        #expect(close(s.current, [2.5e-4, 2.5e-4, 2.5e-4, 0]))
        #expect(s.voltage == [3.0, 3.1, 3.2, 3.25])
        #expect(s.step == nil)
    }

    @Test("BioLogic PEIS: an impedance spectrum")
    func bioLogicImpedance() throws {
        let z = try #require(try MeasuredDataReader.read(url: fixture("biologic_peis.mpt")).impedance)
        #expect(z.source.format == .bioLogic)
        #expect(z.frequency == [1e6, 1e3, 1, 1e-2])
        #expect(z.real == [21.5, 45, 120, 160])
        #expect(z.minusImaginary == [-0.12, 20, 35, 90])
    }

    @Test("Arbin: Test Time (s), Cycle Index, Step Index; discharge logged negative")
    func arbin() throws {
        let s = try series("arbin.csv")
        #expect(s.source.format == .arbin)
        #expect(s.time == [0, 30.5, 30.51, 90.51, 90.52, 150.52])
        #expect(s.current == [0, 0, 1.5, 1.5, -0.75, -0.75])
        #expect(s.step == [1, 1, 2, 2, 3, 3])
        #expect(s.cycle == [1, 1, 1, 1, 1, 1])
    }

    @Test("Maccor: a preamble line, tab-separated, hh:mm:ss.s beyond 24 h, current's direction from MD")
    func maccor() throws {
        let s = try series("maccor.txt")
        #expect(s.source.format == .maccor)
        #expect(s.source.headerLines == 2)
        #expect(close(s.time, [0, 10.5, 10.6, 3610.6, 3610.7, 100_000.7]))
        #expect(s.current == [0, 0, 0.002, 0.002, -0.001, -0.001])
        #expect(s.cycle == [0, 0, 1, 1, 1, 1])
        #expect(s.step == [1, 1, 2, 2, 3, 3])
        // An explicit sign reads the logged magnitudes as signed values and ignores MD.
        let signed = try series("maccor.txt", sign: .chargePositive)
        #expect(signed.current == [0, 0, -0.002, -0.002, -0.001, -0.001])
    }

    @Test("Neware: UTF-8 BOM, d-hh:mm:ss total time, °C, trailing blank lines counted")
    func neware() throws {
        let s = try series("neware.csv")
        #expect(s.source.format == .neware)
        #expect(s.time == [0, 600, 601, 86_399.5, 86_400, 93_784.25])
        #expect(s.current == [0, 0, 0.002, 0.002, -0.001, -0.001])
        #expect(s.temperature == [24.8, 24.9, 25.0, 25.3, 25.3, 25.1])
        #expect(s.source.skippedLines == 2)
    }

    @Test("SolidCell timeseries.csv: discharge-positive current, MPa pressure, a switch-on repeating a time")
    func solidCellTimeSeries() throws {
        let s = try series("solidcell_timeseries.csv")
        #expect(s.source.format == .solidCell)
        #expect(s.source.currentSign == .dischargePositive)
        #expect(s.time == [0, 100, 200, 200, 260])
        #expect(s.current == [0.0025, 0.0025, 0.0025, 0, 0])
        #expect(s.step == [1, 1, 1, 2, 2])
        #expect(close(s.pressure, [5e6, 5.001e6, 5.002e6, 5.002e6, 5.001e6]))
    }

    @Test("SolidCell cycles.csv: absolute capacities chosen over specific ones")
    func solidCellCycles() throws {
        let c = try #require(try MeasuredDataReader.read(url: fixture("solidcell_cycles.csv")).cycles)
        #expect(c.source.format == .cycleTable)
        #expect(c.capacityUnit == .ampereHours)
        #expect(c.cycle == [1, 2, 3])
        #expect(c.dischargeCapacity == [0.003, 0.00299, 0.00297])
        #expect(c.chargeCapacity == [0.0031, 0.00302, 0.00301])
    }

    @Test("SolidCell impedance.csv")
    func solidCellImpedance() throws {
        let z = try #require(try MeasuredDataReader.read(url: fixture("solidcell_impedance.csv")).impedance)
        #expect(z.source.format == .impedanceCSV)
        #expect(z.frequency == [1e6, 1e3, 1, 1e-2])
        #expect(z.real == [21.5, 45, 120, 160])
        #expect(z.minusImaginary == [-0.12, 20, 35, 90])
    }

    @Test("Fade tables: mAh/g with semicolons and decimal commas; mA.h BioLogic-style names")
    func fadeTables() throws {
        let specific = try #require(try MeasuredDataReader.read(url: fixture("fade_mAh_per_g_semicolon.csv")).cycles)
        #expect(specific.capacityUnit == .milliampereHoursPerGram)
        #expect(specific.cycle == [1, 2, 3])
        #expect(specific.dischargeCapacity == [152.3, 151.9, 151.2])
        #expect(specific.chargeCapacity == [160.1, 153.0, 152.4])
        #expect(specific.source.skippedLines == 1)
        let absolute = try #require(try MeasuredDataReader.read(url: fixture("fade_biologic_style.txt")).cycles)
        #expect(absolute.capacityUnit == .ampereHours)
        #expect(close(absolute.dischargeCapacity, [2.95e-3, 2.94e-3]))
        #expect(close(absolute.chargeCapacity, [3.1e-3, 2.96e-3]))
    }

    @Test("Every fixture's format is detected from its header", arguments: [
        ("bdf_cycle.bdf.csv", MeasuredDataFormat.bdf), ("biologic_gcpl_fr.mpt", .bioLogic), ("biologic_peis.mpt", .bioLogic),
        ("arbin.csv", .arbin), ("maccor.txt", .maccor), ("neware.csv", .neware), ("solidcell_timeseries.csv", .solidCell),
        ("solidcell_cycles.csv", .cycleTable), ("solidcell_impedance.csv", .impedanceCSV),
        ("fade_mAh_per_g_semicolon.csv", .cycleTable),
    ])
    func detection(name: String, format: MeasuredDataFormat) throws {
        #expect(try MeasuredDataReader.detectFormat(url: fixture(name)) == format)
    }

    @Test("An explicit format reads a file whose header another format also matches")
    func explicitFormat() throws {
        // Arbin's columns read as Neware's (Neware accepts Test Time as its time column).
        let s = try series("arbin.csv", format: .neware)
        #expect(s.source.format == .neware)
        #expect(s.time == [0, 30.5, 30.51, 90.51, 90.52, 150.52])
    }
}

@Suite("Header variants")
struct HeaderVariantTests {
    @Test("A BioLogic export without the EC-Lab preamble, found by its tab-separated time/s header")
    func bioLogicWithoutPreamble() throws {
        let url = try temporaryFile("bare.mpt", "time/s\tEwe/V\tI/mA\n0\t3,7\t-1\n1\t3,6\t-1\n")
        let s = try #require(try MeasuredDataReader.read(url: url).timeSeries)
        #expect(s.source.format == .bioLogic)
        #expect(s.source.headerLines == 1)
        #expect(s.voltage == [3.7, 3.6])
        #expect(s.current == [1e-3, 1e-3])
    }

    @Test("'Nb header lines' beyond the lines searched is an error naming line 2")
    func bioLogicHeaderTooLong() throws {
        let url = try temporaryFile("long.mpt", "EC-Lab ASCII FILE\nNb header lines : 900\ntime/s\tEwe/V\tI/mA\n0\t3.7\t1\n")
        #expect(errorMessage { try MeasuredDataReader.read(url: url) }
            == "long.mpt, line 2: cannot be read ('Nb header lines' is 900, past the file's first lines)")
    }

    @Test("Quoted header and cells, as some Arbin exports write them")
    func quoted() throws {
        let url = try temporaryFile("quoted.csv", "\"Test Time (s)\",\"Voltage (V)\",\"Current (A)\",\"Cycle Index\",\"Step Index\"\n\"0\",\"3.7\",\"-0.5\",\"1\",\"1\"\n\"1.5\",\"3.6\",\"-0.5\",\"1\",\"1\"\n")
        let s = try #require(try MeasuredDataReader.read(url: url).timeSeries)
        #expect(s.source.format == .arbin)
        #expect(s.time == [0, 1.5])
        #expect(s.current == [0.5, 0.5])
    }

    @Test("A UTF-8 µ in a unit, and Maccor's day notation")
    func utf8Micro() throws {
        let url = try temporaryFile("maccor.csv", "Rec,Cycle C,Step,Test Time,Current [µA],Voltage,MD\n1,1,1,0d 23:59:59.5,250,3.7,D\n2,1,1,1d 00:00:00.5,250,3.6,D\n")
        let s = try #require(try MeasuredDataReader.read(url: url).timeSeries)
        #expect(s.source.format == .maccor)
        #expect(s.time == [86_399.5, 86_400.5])
        #expect(close(s.current, [2.5e-4, 2.5e-4]))
    }
}
