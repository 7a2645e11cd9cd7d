import Foundation
import Testing
@testable import MeasuredData

/// Every kind of bad data gives one line naming the file, the line (1-based, counted in the file)
/// and the column.
@Suite("Bad data")
struct ErrorTests {
    static let bdfHeader = "Test Time / s,Voltage / V,Current / A\n"

    func message(_ name: String, _ text: String, format: MeasuredDataFormat? = nil) throws -> String? {
        let url = try temporaryFile(name, text)
        return errorMessage { try MeasuredDataReader.read(url: url, format: format) }
    }

    @Test("Missing required column")
    func missingColumn() throws {
        #expect(try message("missing.csv", "Test Time / s,Current / A\n0,1\n10,1\n")
            == "missing.csv, line 1, column 'Voltage / V': missing required column")
        // An explicit format whose header is nowhere names the column it looked for.
        #expect(try message("arbin.csv", "Time,U,I\n0,3.7,0\n", format: .arbin)
            == "arbin.csv, line 1, column 'Test Time (s)': missing required column")
    }

    @Test("Non-numeric, empty and missing cells")
    func nonNumeric() throws {
        #expect(try message("bad.csv", Self.bdfHeader + "0,3.7,0\n10,abc,0\n")
            == "bad.csv, line 3, column 'Voltage / V': \"abc\" is not a number")
        #expect(try message("empty-cell.csv", Self.bdfHeader + "0,3.7,0\n10,,0\n")
            == "empty-cell.csv, line 3, column 'Voltage / V': empty cell where a number is needed")
        #expect(try message("short.csv", Self.bdfHeader + "0,3.7,0\n10,3.7\n")
            == "short.csv, line 3, column 'Current / A': empty cell where a number is needed")
        #expect(try message("comma.csv", Self.bdfHeader + "0,3.7,0\n\"10,5\",3.7,0\n")
            == "comma.csv, line 3, column 'Test Time / s': \"10,5\" is not a number")
    }

    @Test("Time going backwards and duplicated times; a repeated time at a step change is allowed")
    func time() throws {
        #expect(try message("back.csv", Self.bdfHeader + "0,3.7,0\n10,3.7,0\n5,3.7,0\n")
            == "back.csv, line 4, column 'Test Time / s': time goes backwards (5.0 s after 10.0 s)")
        #expect(try message("dup.csv", Self.bdfHeader + "0,3.7,0\n10,3.7,0\n10,3.6,1\n")
            == "dup.csv, line 4, column 'Test Time / s': duplicated time 10.0 s (same as the previous row, without a step change)")
        let switchOn = try temporaryFile("switch.csv", "Test Time / s,Voltage / V,Current / A,Step Count / 1\n0,3.7,0,1\n10,3.7,0,1\n10,3.6,1,2\n")
        #expect(try MeasuredDataReader.read(url: switchOn).timeSeries?.time == [0, 10, 10])
        #expect(try message("clock.csv", "Total Time,Voltage(V),Current(A)\n0-00:00:10,3.7,0\n0-00:00:05,3.7,0\n")
            == "clock.csv, line 3, column 'Total Time': time goes backwards (5.0 s after 10.0 s)")
        #expect(try message("clock2.csv", "Total Time,Voltage(V),Current(A)\n0-00:00:10,3.7,0\n0-00:61:05,3.7,0\n")
            == "clock2.csv, line 3, column 'Total Time': \"0-00:61:05\" is not a number")
    }

    @Test("NaN and infinities")
    func notFinite() throws {
        #expect(try message("nan.csv", Self.bdfHeader + "0,3.7,0\n10,NaN,0\n")
            == "nan.csv, line 3, column 'Voltage / V': \"NaN\" is NaN or infinite")
        #expect(try message("inf.csv", Self.bdfHeader + "0,3.7,-inf\n")
            == "inf.csv, line 2, column 'Current / A': \"-inf\" is NaN or infinite")
    }

    @Test("Empty file, header only, blank only")
    func empty() throws {
        #expect(try message("empty.csv", "") == "empty.csv: no data rows")
        #expect(try message("header.csv", Self.bdfHeader) == "header.csv: no data rows")
        #expect(try message("blank.csv", Self.bdfHeader + "\n  \n") == "blank.csv: no data rows")
        #expect(try message("blank2.csv", "\n\n") == "blank2.csv: no data rows")
    }

    @Test("Mixed units: one quantity in two columns with different units")
    func mixedUnits() throws {
        #expect(try message("mixed.csv", "Test Time (s),Voltage (V),Current (A),Current (mA),Cycle Index\n0,3.7,0.001,1,1\n")
            == "mixed.csv, line 1, column 'Current (mA)': same quantity as column 'Current (A)' in a different unit (mixed units)")
        #expect(try message("fade.csv", "Cycle,Discharge capacity [mA.h],Charge capacity [mA.h/g]\n1,2.9,150\n")
            == "fade.csv, line 1, column 'Charge capacity [mA.h/g]': same quantity as column 'Discharge capacity [mA.h]' in a different unit (mixed units)")
    }

    @Test("Unknown unit, non-integer counter, unknown format")
    func otherErrors() throws {
        #expect(try message("kv.csv", "Time [s],Voltage [kV],Current [A]\n0,3.7,0\n")
            == "kv.csv, line 1, column 'Voltage [kV]': unknown unit 'kV'")
        #expect(try message("cycle.csv", "Test Time / s,Voltage / V,Current / A,Cycle Count / 1\n0,3.7,0,1\n10,3.7,0,1.5\n")
            == "cycle.csv, line 3, column 'Cycle Count / 1': \"1.5\" is not a whole number")
        let unknown = try #require(try message("what.csv", "a,b\n1,2\n"))
        #expect(unknown.hasPrefix("what.csv: no header of a known format"))
    }

    @Test("BioLogic: the line counts the header block; a Latin-1 column name is named as written")
    func bioLogicLine() throws {
        var bytes = Array("EC-Lab ASCII FILE\r\nNb header lines : 4\r\n\r\ntime/s\tEwe/V\tI/".utf8)
        bytes.append(0xB5)  // µ in Latin-1
        bytes += Array("A\r\n0,0\t3,1\t-250\r\n1,0\t3,1\tx\r\n".utf8)
        let url = try temporaryFile("cell.mpt", bytes: bytes)
        #expect(errorMessage { try MeasuredDataReader.read(url: url) } == "cell.mpt, line 6, column 'I/µA': \"x\" is not a number")
    }

    @Test("An unreadable path")
    func unreadable() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/cell.csv")
        #expect(errorMessage { try MeasuredDataReader.read(url: url) } == "cell.csv: cannot be read (cannot open /nonexistent/dir/cell.csv)")
    }
}

extension ErrorTests {
    @Test("A column whose header gives no unit where the format assumes none")
    func noUnit() throws {
        #expect(try message("p.csv", "Time [s],Voltage [V],Current [A],Stack pressure\n0,3.7,0,5\n")
            == "p.csv, line 1, column 'Stack pressure': no unit in the header")
    }
}
