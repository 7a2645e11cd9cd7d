import Foundation
import TestSupport
import Testing
@testable import Parameters

/// Issue #18 items 5-7 and 9: messages that name the cause (negative numbers, misspelt required
/// keys, metadata and hexadecimal overrides, byte-order marks, bad UTF-8, folders given as files,
/// long echoes, output folders, SOLIDCELL_MODELS), impedance under current, `models NAME`, and
/// what `simulate --help` says.
@Suite("Input messages and model listings", .serialized)
struct InputMessageTests {
    static let xu = "xu2019-nmc532-half-cell-t1"

    /// Runs solidcell and expects exit code 2 with one line on standard error containing `expected`.
    func expectRefusal(_ arguments: [String], _ expected: String, environment: [String: String] = [:]) throws {
        let run = try ProcessRun.solidcell(arguments, environment: environment)
        #expect(run.status == 2, "\(arguments): \(run.error)")
        #expect(run.error.contains(expected), "stderr was: \(run.error)")
        #expect(run.error.split(separator: "\n").count == 1, "stderr was: \(run.error)")
    }

    @Test("a negative number after a numeric option is that option's value, refused naming the flag and the range", arguments: [
        (["--cycles", "-1"], "--cycles \"-1\": allowed a whole number from 1 to 1000000"),
        (["--period", "-5"], "--period \"-5\": allowed a number from 0.001"),
        (["--rtol", "-1e-6"], "--rtol \"-1e-6\": allowed a number from 1e-12"),
        (["impedance", "--model", xu, "--soc", "-0.1", "--output", "/tmp/unused"], "--soc \"-0.1\": allowed a number from 0 to 1"),
        (["sweep", "run", "--model", xu, "--vary", "Positive electrode thickness [m]=1e-5", "--jobs", "-1", "--output", "/tmp/unused"],
         "--jobs \"-1\": allowed a whole number"),
        (["sweep", "run", "--model", xu, "--vary", "Positive electrode thickness [m]=1e-5", "--shard", "-1/2", "--output", "/tmp/unused"],
         "--shard -1/2: the shard index must be from 0 to 1"),
    ])
    func negativeNumbers(arguments: [String], expected: String) throws {
        try expectRefusal(arguments, expected)
    }

    @Test("--set refuses metadata, hexadecimal and non-finite numbers, and echoes a huge key cut short")
    func overrides() throws {
        try expectRefusal(["--set", "metadata=3"], "--set \"metadata=3\": \"metadata\" is the model file's description, not a parameter")
        try expectRefusal(["--set", "Ambient temperature [K]=0x12C"], "not a decimal number")
        try expectRefusal(["--set", "Ambient temperature [K]=0x1p8"], "not a decimal number")
        try expectRefusal(["--set", "Ambient temperature [K]=nan"], "parameter \"Ambient temperature [K]\": out of range (got nan")
        let key = String(repeating: "K", count: 100_000)
        let run = try ProcessRun.solidcell(["--set", key + "=3"])
        #expect(run.status == 2)
        #expect(run.error.count < 400 && run.error.contains("… (100000 characters)"), "\(run.error.prefix(500))")
        for text in ["12", "-0.5", ".5", "5.", "2.5e-5", "+1E3"] { #expect(ParameterSet.isDecimalNumber(text), "\(text)") }
        for text in ["0x12C", "inf", "nan", "1e", "e5", ".", "1_000", "١٢"] { #expect(!ParameterSet.isDecimalNumber(text), "\(text)") }
    }

    /// Writes the Xu model file, changed by `edit`, to a temporary file and returns its path.
    func modelFile(_ edit: (inout Data) throws -> Void) throws -> String {
        var data = try Data(contentsOf: URL(fileURLWithPath: repositoryRoot + "/models/\(Self.xu).json"))
        try edit(&data)
        let path = temporaryFolder("model") + ".json"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("model files: a misspelt required key is named, a byte-order mark is accepted, bad UTF-8 and folders are said so")
    func modelFiles() throws {
        let misspelt = try modelFile { data in
            data = Data(String(decoding: data, as: UTF8.self)
                .replacingOccurrences(of: "\"Positive electrode thickness [m]\"", with: "\"Positive electrode thicknes [m]\"").utf8)
        }
        defer { try? FileManager.default.removeItem(atPath: misspelt) }
        try expectRefusal(["--model", misspelt], "parameter \"Positive electrode thickness [m]\": missing; the file has "
                          + "\"Positive electrode thicknes [m]\", did you mean \"Positive electrode thickness [m]\"?")

        let bom = try modelFile { data in data = Data([0xEF, 0xBB, 0xBF]) + data }
        defer { try? FileManager.default.removeItem(atPath: bom) }
        let run = try ProcessRun.solidcell(["--model", bom, "--experiment", "Rest for 1 minute"])
        #expect(run.status == 0, "\(run.error)")

        let invalid = try modelFile { data in data.insert(0xFF, at: 1) }
        defer { try? FileManager.default.removeItem(atPath: invalid) }
        try expectRefusal(["--model", invalid], "not UTF-8 text (line 1, column 2: byte 0xFF)")

        let folder = temporaryFolder("model-folder")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try expectRefusal(["--model", folder], "is a folder, not a model file")
    }

    @Test("an output folder that cannot be made is said so in plain words; SOLIDCELL_MODELS pointing nowhere is reported")
    func outputFolderAndModelsVariable() throws {
        let file = temporaryFolder("output-file")
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        for (output, expected) in [(file, "cannot create the folder: a file of that name exists"),
                                   (file + "/sub", "cannot create the folder: \"\(file)\" is a file, not a folder")] {
            let run = try ProcessRun.solidcell(["--model", Self.xu, "--experiment", "Rest for 1 minute", "--output", output])
            #expect(run.status == 1)
            #expect(run.error.contains("--output \"\(output)\": " + expected), "\(run.error)")
            #expect(!run.error.contains("NSCocoaErrorDomain") && !run.error.contains("doesn’t exist") && !run.error.contains("doesn't exist"))
        }
        let run = try ProcessRun.solidcell(["models"], environment: ["SOLIDCELL_MODELS": "/nowhere/models"])
        #expect(run.status == 0)
        #expect(run.error.contains("warning: SOLIDCELL_MODELS=\"/nowhere/models\" is not an existing folder; ignored"), "\(run.error)")
        #expect(run.error.split(separator: "\n").count == 1)
    }

    @Test("impedance after an experiment that ends under current is refused unless --allow-current")
    func impedanceUnderCurrent() throws {
        let folder = temporaryFolder("eis-current")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try expectRefusal(["impedance", "--model", Self.xu, "--after-experiment", "Discharge at 1C until 3.7 V", "--output", folder],
                          "--after-experiment ends under current")
        #expect(!FileManager.default.fileExists(atPath: folder + "/impedance.csv"))
        let allowed = try ProcessRun.solidcell(["impedance", "--model", Self.xu, "--after-experiment", "Discharge at 1C until 3.7 V",
                                        "--allow-current", "--output", folder])
        #expect(allowed.status == 0, "\(allowed.error)")
        #expect(allowed.output.contains("under current"))
        let rest = try ProcessRun.solidcell(["impedance", "--model", Self.xu, "--after-experiment", "Discharge at 1C until 3.7 V; Rest for 10 minutes",
                                     "--output", folder])
        #expect(rest.status == 0, "\(rest.error)")
    }

    @Test("models NAME lists every key of the model with the readers' own ranges; --json for scripts")
    func modelListing() throws {
        let run = try ProcessRun.solidcell(["models", Self.xu])
        #expect(run.status == 0, "\(run.error)")
        let file = try ModelFile.load(path: repositoryRoot + "/models/\(Self.xu).json")
        let keys = file.parameters.values.keys.filter { $0 != "metadata" }
        for key in keys { #expect(run.output.contains("  \(key) = "), "\(key) missing") }
        #expect(run.output.contains("Positive electrode thickness [m] = 4.2e-05 m  [required; allowed: "))
        #expect(run.output.contains("Positive electrode OCP [V] = nmc_ocp_Xu2019  [built-in function") &&
                run.output.contains("[built-in function; allowed: one of:"))

        // The allowed range is the one the check uses: the same text as the refusal of a bad value.
        let refusal = try ProcessRun.solidcell(["--model", Self.xu, "--set", "Positive electrode thickness [m]=-1"])
        let allowed = try #require(refusal.error.components(separatedBy: "allowed: ").last?.dropLast(2))
        let json = try ProcessRun.solidcell(["models", Self.xu, "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let parameters = try #require(object["parameters"] as? [[String: Any]])
        let thickness = try #require(parameters.first { $0["key"] as? String == "Positive electrode thickness [m]" })
        #expect(thickness["allowed"] as? String == String(allowed))
        #expect(thickness["kind"] as? String == "required")
        #expect(thickness["unit"] as? String == "m")
        #expect(thickness["value"] as? Double == 4.2e-5)
        #expect(Set(parameters.compactMap { $0["key"] as? String }).isSuperset(of: keys))
        #expect(parameters.contains { $0["kind"] as? String == "optional" })

        let help = try ProcessRun.solidcell(["simulate", "--help"])
        #expect(help.output.contains("Default model: \(BundledModels.defaultModelName)"))
        #expect(help.output.contains("Default protocol"))
        #expect(help.output.contains("week") && help.output.contains("mA/g") && help.output.contains("Nominal cell capacity [A.h]"))
    }

    @Test("summary.json says what C-rates refer to: the model's nominal capacity and its value")
    func cRateBasis() throws {
        let folder = temporaryFolder("c-rate")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["--model", Self.xu, "--experiment", "Discharge at 1C for 1 minute", "--output", folder])
        #expect(run.status == 0)
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any])
        let basis = try #require(summary["c_rate_basis"] as? [String: Any])
        #expect(basis["parameter"] as? String == "Nominal cell capacity [A.h]")
        let nominal = try #require(try ModelFile.load(path: repositoryRoot + "/models/\(Self.xu).json").parameters(overriding: []).nominalCapacity)
        #expect(basis["value_Ah"] as? Double == nominal)
        // 1C is that many amperes.
        let current = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8).split(separator: "\n")[1].split(separator: ",")[3]
        #expect(abs(Double(current)! - nominal) < 1e-12 * nominal)
    }
}
