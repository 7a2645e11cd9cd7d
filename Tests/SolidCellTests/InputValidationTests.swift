import Foundation
import TestSupport
import Testing
@testable import Parameters
@testable import Protocols

@Suite("Input validation messages")
struct InputValidationTests {
    @Test("JSON problems are reported with line and column", arguments: [
        ("{\"a\": 1,\n  \"b\": [1, 2", "line 2, column 13"),
        ("{\"a\": 1,\n  \"a\": 2}", "line 2, column 3: the key \"a\" is given twice"),
        ("{\"a\": 01}", "may not start with 0"),
        ("{\"a\": 1e309}", "outside the range of a double"),
        ("{\"a\": \"x\ny\"}", "control character"),
        ("{\"a\": 1} x", "unexpected text after the end"),
    ])
    func jsonProblems(text: String, expected: String) {
        let error = #expect(throws: ModelFileError.self) { try ModelFile.parse(Data(text.utf8), path: "m.json") }
        #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
    }

    @Test("valid JSON still parses, nested lists and objects included")
    func validJSON() throws {
        let file = try ModelFile.parse(Data("{\"a\": -1.5e-3, \"b\": [ {\"c\": \"d\\\"e\"}, 2 ], \"e\": {}}".utf8), path: "m.json")
        #expect(file.parameters["a"] == .number(-1.5e-3))
        #expect(file.parameters["b"] == .list([.table(["c": .text("d\"e")]), .number(2)]))
    }

    @Test("durations outside 1 ms … 1e9 s are parse errors", arguments: ["Rest for 1e300 s", "Discharge at 1C for 1e-300 s", "Rest for 40 years"])
    func durationBounds(text: String) {
        #expect(throws: ExperimentParseError.self) { _ = try Experiment(parsing: text) }
    }

    @Test("a vanishingly small positive parameter is rejected with its allowed range")
    func lowerBound() throws {
        var set = try loadParameterSet("xu2019-nmc532-half-cell-t1")
        set["Positive electrode thickness [m]"] = .number(Double.leastNonzeroMagnitude)
        let error = #expect(throws: ParameterError.self) { _ = try CellParameters(set) }
        #expect(error?.key == "Positive electrode thickness [m]")
    }

    @Test("--set adds an optional key the file lacks; a key the model does not read is refused by name")
    func overridesAddOptionalKeys() throws {
        let file = try ModelFile.load(path: modelPath("xu2019-nmc532-half-cell-t1"))
        #expect(file.parameters[CellParameters.positiveDoubleLayerKey] == nil)
        #expect(try file.parameters(overriding: []).positiveDoubleLayerCapacity == 0)
        let withCapacity = try file.parameters(overriding: ["\(CellParameters.positiveDoubleLayerKey)=0.05"])
        #expect(withCapacity.positiveDoubleLayerCapacity == 0.05)
        let error = #expect(throws: ParameterError.self) {
            _ = try file.parameters(overriding: ["Positive electrode double-layer capacty [F.m-2]=0.05"])
        }
        #expect(error?.problem == "unknown key")
        #expect(error?.description.contains("did you mean \"\(CellParameters.positiveDoubleLayerKey)\"") == true, "\(error?.description ?? "")")
    }
}
