import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import Parameters
@testable import Protocols
@testable import Simulator
@testable import Sweeps

/// Small, fast sweeps of the Xu 2019 half cell on a tiny mesh.
enum SweepFixture {
    static let modelPath = TestSupport.modelPath("xu2019-nmc532-half-cell-t1")
    static let mesh = ["Separator mesh points=2", "Positive electrode mesh points=3", "Positive particle mesh points=3"]
    static let experiment = "Discharge at 20 mW for 1 s; Discharge at 1C until 3.6 V; Charge at 1C until 4.1 V"
    /// 3 × 2 × 2 = 12 cases; a 10 µm high electrode (a thousandth of the area) cannot deliver 20 mW
    /// at any voltage, so those cases fail at their first switch-on.
    static let vary = ["Positive electrode thickness [m]=3e-5, 4.2e-5, 6e-5",
                       "Ambient temperature [K]=298.15,318.15",
                       "Electrode height [m]=0.01,1e-5"]

    static func sweep(_ vary: [String] = vary, overrides: [String] = mesh, experiment: String = experiment,
                      cycles: Int = 2, options: SimulationOptions = SimulationOptions()) throws -> ParameterSweep {
        try ParameterSweep(model: ModelFile.load(path: modelPath), overrides: overrides,
                           variables: vary.map { try SweepVariable(parsing: $0) },
                           experiment: Experiment(parsing: experiment), cycles: cycles, options: options)
    }

    /// Every file under `folder` by relative path, except the shard indexes and sweep.json (which
    /// records the model's path); summary.json without its wall-clock `solve_time_s` line.
    static func contents(of folder: String) throws -> [String: String] {
        var files: [String: String] = [:]
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder))
        while let path = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDirectory)
            let name = (path as NSString).lastPathComponent
            guard exists, !isDirectory.boolValue, name != "sweep.json", !name.hasPrefix("sweep-shard-") else { continue }
            var text = try String(contentsOfFile: folder + "/" + path, encoding: .utf8)
            if name == "summary.json" {
                text = text.split(separator: "\n").filter { !$0.contains("\"solve_time_s\"") }.joined(separator: "\n")
            }
            files[path] = text
        }
        return files
    }

    static func remove(_ folders: String...) {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }
}

@Suite("Parameter sweeps")
struct SweepTests {
    @Test("every case runs the experiment's current profiles: the charge passed is the table's integral")
    func currentProfileCases() throws {
        var sweep = try SweepFixture.sweep(["Positive particle radius [m]=3e-6,5e-6"], experiment: "Run current profile table.csv", cycles: 1)
        sweep.profiles = ["table.csv": ControlProfile(times: [0, 300, 600], amperes: [0.0024, 0.0048, 0.0012])]
        let integral = ((0.0024 + 0.0048) / 2 * 300 + (0.0048 + 0.0012) / 2 * 300) / 3600
        for number in 0..<2 {
            let result = sweep.runCase(number).simulation
            #expect(result.failure == nil, "\(result.failure?.message ?? "")")
            // (The charge is IDA's capacity state at the default rtol 1e-6, across the table's kinks.)
            #expect(abs(result.steps[0].dischargedCharge - integral) < 1e-5 * integral)
        }
    }

    @Test("--vary and --shard parse, and malformed ones are rejected with a message naming them")
    func parsing() throws {
        let variable = try SweepVariable(parsing: " Positive electrode thickness [m] = 3e-5, 4e-5 ,nmc_ocp_Xu2019")
        #expect(variable.key == "Positive electrode thickness [m]")
        #expect(variable.values == ["3e-5", "4e-5", "nmc_ocp_Xu2019"])
        for (text, expected) in [("no equals sign", "expected KEY=v1,v2"), ("=1,2", "expected KEY=v1,v2"),
                                 ("A=1,,2", "empty value"), ("A=", "empty value"), ("A=1,2,1", "listed twice")] {
            #expect(throws: SweepError.self) { try SweepVariable(parsing: text) }
            do { _ = try SweepVariable(parsing: text) } catch { #expect(error.message.contains(expected), "\(error)") }
        }
        let shard = try SweepShard(parsing: "3/8")
        #expect(shard.index == 3 && shard.count == 8)
        #expect(shard.contains(case: 11) && !shard.contains(case: 12))
        for text in ["8/8", "-1/8", "1/0", "0/-2", "a/b", "1/2/3", "1", "", "1/99999999999999999999", "0/2000000"] {
            #expect(throws: SweepError.self, "\(text)") { try SweepShard(parsing: text) }
        }
        do { _ = try SweepShard(parsing: "8/8") } catch { #expect(error.message.contains("numbered from 0")) }
    }

    @Test("cases are the row-major Cartesian product, named case-NNNN; the shards of any count partition them")
    func caseEnumeration() throws {
        let sweep = try SweepFixture.sweep()
        let design = sweep.design
        #expect(design.caseCount == 12)
        #expect(design.caseName(0) == "case-0000" && design.caseName(11) == "case-0011")
        #expect(design.values(ofCase: 0) == ["3e-5", "298.15", "0.01"])
        #expect(design.values(ofCase: 1) == ["3e-5", "298.15", "1e-5"])
        #expect(design.values(ofCase: 2) == ["3e-5", "318.15", "0.01"])
        #expect(design.values(ofCase: 11) == ["6e-5", "318.15", "1e-5"])
        #expect(design.overrides(ofCase: 5) == SweepFixture.mesh + ["Positive electrode thickness [m]=4.2e-5",
                                                                     "Ambient temperature [K]=298.15", "Electrode height [m]=1e-5"])
        // Every combination exactly once.
        #expect(Set((0..<12).map { design.values(ofCase: $0) }).count == 12)
        for count in 1...13 {
            let shards = try (0..<count).map { try design.cases(in: SweepShard(index: $0, count: count)) }
            #expect(shards.flatMap { $0 }.sorted() == Array(0..<12))
            for (index, cases) in shards.enumerated() { #expect(cases.allSatisfy { $0 % count == index }) }
        }
        var wide = design
        wide.caseCount = 123_456
        #expect(wide.caseName(7) == "case-000007")
    }

    @Test("a bad key or value in --vary fails before any case runs, naming it", arguments: [
        (["Positive electrod thickness [m]=3e-5,4e-5"], "did you mean \"Positive electrode thickness [m]\""),
        (["Separator porosity=0.3,abc"], "value \"abc\""),
        (["Positive electrode thickness [m]=3e-5,-1"], "value \"-1\" is not allowed"),
        (["Ambient temperature [K]=298,nan"], "value \"nan\" is not allowed"),
        (["Ambient temperature [K]=298,inf"], "value \"inf\" is not allowed"),
        (["Positive electrode OCP [V]=nmc_ocp_Xu2019,no_such_ocp"], "value \"no_such_ocp\" is not allowed"),
        (["Separator porosity=0.3,0.4", "Separator porosity=0.5"], "varied twice"),
        (["Separator mesh points=2,3"], "also fixed by --set"),
        (["Positive electrode porosity=0.2,0.6"], "\"Positive electrode porosity\": value \"0.6\" is not allowed"),
    ])
    func badVary(vary: [String], expected: String) throws {
        #expect(throws: SweepError.self) { try SweepFixture.sweep(vary) }
        do { _ = try SweepFixture.sweep(vary) } catch let error as SweepError {
            #expect(error.message.contains(expected), "\(error)")
            #expect(error.message.hasPrefix("--vary"), "\(error)")
        }
    }

    @Test("a sweep with more than a million cases, or whose case count overflows, is refused without a trap")
    func tooManyCases() throws {
        let values = (1...1000).map { String(300 + Double($0) / 1000) }.joined(separator: ",")
        let keys = ["Ambient temperature [K]", "Reference temperature [K]", "Separator porosity", "Positive electrode porosity",
                    "Electrolyte conductivity [S.m-1]", "Positive particle radius [m]", "Electrode width [m]"]
        #expect(throws: SweepError.self) { try SweepFixture.sweep(keys.map { "\($0)=\(values)" }) }
        do { _ = try SweepFixture.sweep(keys.map { "\($0)=\(values)" }) } catch let error as SweepError {
            #expect(error.message.contains("more than 1000000 cases"), "\(error)")
        }
    }

    @Test("a value that is valid only with some other varied values makes the other combinations failed cases")
    func invalidCombinationsAreFailedCases() throws {
        let folder = temporaryFolder("sweep-combination")
        defer { SweepFixture.remove(folder) }
        let sweep = try SweepFixture.sweep(["Positive electrode porosity=0.3,0.45",
                                            "Positive electrode active material volume fraction=0.5,0.6"],
                                           experiment: "Discharge at 1C for 30 s", cycles: 1)
        let report = try sweep.run(in: folder, jobs: 2)
        #expect(report.rows.map(\.status) == ["completed", "completed", "completed", "failed"])
        #expect(report.rows[3].reason.contains("invalid parameters"))
        #expect(report.rows[3].reason.contains("volume fractions sum to ≤ 1"))
        #expect(report.rows[3].cyclesRun == 0)
    }

    @Test("failed cases (solver failure) are recorded with their reason and do not stop the others")
    func failedCases() throws {
        let folder = temporaryFolder("sweep-failed")
        defer { SweepFixture.remove(folder) }
        let report = try SweepFixture.sweep().run(in: folder, jobs: 2)
        #expect(report.rows.count == 12 && report.ran == 12 && report.resumed == 0)
        #expect(report.rows.map(\.caseNumber) == Array(0..<12))
        for row in report.rows {
            if row.values[2] == "1e-5" {
                #expect(row.status == "failed")
                #expect(row.reason.contains("IDA"), "\(row.reason)")
                #expect(row.reason.contains("t = ") && row.reason.contains("step 1"), "\(row.reason)")
            } else {
                #expect(row.status == "completed", "\(row.caseName): \(row.reason)")
                #expect(row.reason.isEmpty)
                #expect(row.cyclesRun == 2)
                #expect(row.dischargeCapacity > 0 && row.retention > 50 && row.retention <= 100)
                #expect(abs(row.retention - 100 * row.lastDischargeCapacity / row.dischargeCapacity) < 1e-9)
            }
            let summary = try String(contentsOfFile: "\(folder)/\(row.caseName)/summary.json", encoding: .utf8)
            #expect(summary.contains("\"status\" : \"\(row.status)\""))
            #expect(summary.contains("Electrode height [m]=\(row.values[2])"))
        }
        let index = try String(contentsOfFile: report.indexPath, encoding: .utf8).split(separator: "\n")
        #expect(index.count == 13)
        #expect(index[0] == "Case,Positive electrode thickness [m],Ambient temperature [K],Electrode height [m],Status,Cycles run,"
                + "Discharge capacity [A.h],Discharge capacity [mA.h.g-1],Mean discharge voltage [V],Last discharge capacity [A.h],"
                + "Capacity retention [%],Reason")
        #expect(index[2].hasPrefix("case-0001,3e-5,298.15,1e-5,failed,"))
        // Only staged folders are ever incomplete; none is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test("the same sweep gives bit-identical files across runs and across --jobs values")
    func determinism() throws {
        let one = temporaryFolder("sweep-jobs1"), three = temporaryFolder("sweep-jobs3")
        defer { SweepFixture.remove(one, three) }
        let sweep = try SweepFixture.sweep()
        _ = try sweep.run(in: one, jobs: 1)
        _ = try sweep.run(in: three, jobs: 3)
        let a = try SweepFixture.contents(of: one), b = try SweepFixture.contents(of: three)
        // Four files per case, and capacity.svg for cases that ran more than one cycle.
        #expect(a.keys.filter { !$0.hasSuffix("capacity.svg") }.count == 1 + 12 * 4)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (path, text) in a { #expect(b[path] == text, "\(path) differs between --jobs 1 and --jobs 3") }
    }

    @Test("re-running a sweep skips finished cases, re-runs unfinished ones, and rewrites the same index")
    func resume() throws {
        let folder = temporaryFolder("sweep-resume")
        defer { SweepFixture.remove(folder) }
        let sweep = try SweepFixture.sweep()
        let first = try sweep.run(in: folder, jobs: 2)
        let index = try String(contentsOfFile: first.indexPath, encoding: .utf8)
        let fm = FileManager.default
        // A finished case carries a marker that must survive; case 3 lost its summary (interrupted),
        // case 7 is gone, and an interrupted staging folder is left over for case 9.
        try "marker".write(toFile: "\(folder)/case-0000/marker.txt", atomically: true, encoding: .utf8)
        try fm.removeItem(atPath: "\(folder)/case-0003/summary.json")
        try fm.removeItem(atPath: "\(folder)/case-0007")
        try fm.createDirectory(atPath: "\(folder)/.case-0009.partial", withIntermediateDirectories: true)
        try fm.removeItem(atPath: "\(folder)/case-0009")
        let second = try sweep.run(in: folder, jobs: 2)
        #expect(second.resumed == 9 && second.ran == 3)
        #expect(fm.fileExists(atPath: "\(folder)/case-0000/marker.txt"))
        #expect(fm.fileExists(atPath: "\(folder)/case-0003/summary.json"))
        #expect(!fm.fileExists(atPath: "\(folder)/.case-0009.partial"))
        #expect(try String(contentsOfFile: second.indexPath, encoding: .utf8) == index)
        let third = try sweep.run(in: folder, jobs: 4)
        #expect(third.resumed == 12 && third.ran == 0 && third.jobs == 0)
        #expect(try String(contentsOfFile: third.indexPath, encoding: .utf8) == index)
    }

    @Test("an output folder holding another sweep, or a case of other inputs, is refused")
    func otherSweepRefused() throws {
        let folder = temporaryFolder("sweep-other")
        defer { SweepFixture.remove(folder) }
        _ = try SweepFixture.sweep(experiment: "Discharge at 1C for 10 s", cycles: 1).run(in: folder, jobs: 2)
        let other = try SweepFixture.sweep(["Positive electrode thickness [m]=3e-5,5e-5"], experiment: "Discharge at 1C for 10 s", cycles: 1)
        #expect(throws: SweepError.self) { try other.run(in: folder, jobs: 1) }
        do { _ = try other.run(in: folder, jobs: 1) } catch { #expect(error.message.contains("holds a different sweep"), "\(error)") }
        // A case folder copied in from elsewhere is detected by its recorded inputs.
        let fm = FileManager.default
        try fm.removeItem(atPath: "\(folder)/case-0002")
        try fm.copyItem(atPath: "\(folder)/case-0001", toPath: "\(folder)/case-0002")
        #expect(throws: SweepError.self) { try SweepFixture.sweep(experiment: "Discharge at 1C for 10 s", cycles: 1).run(in: folder, jobs: 1) }
        #expect(throws: SweepError.self) { try SweepFixture.sweep(experiment: "Discharge at 1C for 10 s", cycles: 1).run(in: folder, jobs: 0) }
    }

    @Test("tolerances other than the defaults and a sampling period are part of the design: in sweep.json, in every case's inputs, and checked on resume")
    func tolerancesInTheDesign() throws {
        var loose = SimulationOptions()
        loose.relativeTolerance = 1e-4
        let standard = try SweepFixture.sweep(experiment: "Discharge at 1C for 10 s", cycles: 1)
        let looser = try SweepFixture.sweep(experiment: "Discharge at 1C for 10 s", cycles: 1, options: loose)
        // Default tolerances are not written to sweep.json.
        let standardJSON = String(decoding: try JSONEncoder().encode(standard.design), as: UTF8.self)
        #expect(!standardJSON.contains("rtol") && !standardJSON.contains("atol"))
        let looserJSON = try JSONEncoder().encode(looser.design)
        #expect(try JSONDecoder().decode(SweepDesign.self, from: looserJSON) == looser.design)
        #expect(looser.design.relativeTolerance == 1e-4 && looser.design.absoluteTolerance == nil)
        #expect(standard.design.difference(from: looser.design) == "--rtol 0.0001 instead of 1e-06")
        #expect(looser.inputs(ofCase: 0).relativeTolerance == 1e-4)
        var sampled = SimulationOptions()
        sampled.samplePeriod = 60
        let sampledSweep = try SweepFixture.sweep(experiment: "Discharge at 1C for 10 s", cycles: 1, options: sampled)
        #expect(String(decoding: try JSONEncoder().encode(sampledSweep.design), as: UTF8.self).contains("\"period\":60"))
        #expect(standard.design.difference(from: sampledSweep.design) == "--period 60 s instead of none (every solver step)")

        let folder = temporaryFolder("sweep-tolerances")
        defer { SweepFixture.remove(folder) }
        _ = try looser.run(in: folder, jobs: 2)
        do {
            _ = try standard.run(in: folder, jobs: 1)
            Issue.record("a sweep of other tolerances resumed in the folder")
        } catch {
            #expect(error.message.contains("holds a different sweep") && error.message.contains("--rtol"), "\(error)")
        }
    }

    @Test("the union of the shards, merged, equals the unsharded sweep exactly (separate and shared folders)")
    func shardsMergeToTheWholeSweep() throws {
        let whole = temporaryFolder("sweep-whole"), shared = temporaryFolder("sweep-shared")
        let merged = temporaryFolder("sweep-merged")
        let separate = (0..<5).map { temporaryFolder("sweep-shard\($0)") }
        defer { SweepFixture.remove(whole, shared, merged); for folder in separate { SweepFixture.remove(folder) } }
        let sweep = try SweepFixture.sweep()
        _ = try sweep.run(in: whole, jobs: 2)
        let expected = try SweepFixture.contents(of: whole)

        // Shards in their own folders (e.g. one per Kubernetes pod), merged into a new folder.
        for index in 0..<5 {
            let report = try sweep.run(in: separate[index], shard: SweepShard(index: index, count: 5), jobs: 1)
            #expect(report.indexPath.hasSuffix("/sweep-shard-\(index)-of-5.csv"))
            #expect(report.rows.map(\.caseNumber) == Array(stride(from: index, to: 12, by: 5)))
        }
        let report = try SweepIndex.merge(separate, into: merged)
        #expect(report.missing.isEmpty && report.rows.count == 12 && report.copied == 12)
        #expect(try SweepFixture.contents(of: merged) == expected)

        // Shards writing into one shared folder (e.g. a Slurm array on a shared file system), merged in place.
        for index in [2, 0, 1] { _ = try sweep.run(in: shared, shard: SweepShard(index: index, count: 3), jobs: 2) }
        #expect(!FileManager.default.fileExists(atPath: shared + "/sweep.csv"))
        let inPlace = try SweepIndex.merge([shared], into: shared)
        #expect(inPlace.missing.isEmpty && inPlace.copied == 0)
        #expect(try SweepFixture.contents(of: shared) == expected)
    }

    @Test("merging reports missing cases and refuses folders of different sweeps")
    func mergeChecks() throws {
        let a = temporaryFolder("sweep-a"), b = temporaryFolder("sweep-b"), out = temporaryFolder("sweep-out")
        let notASweep = temporaryFolder("sweep-none")
        defer { SweepFixture.remove(a, b, out, notASweep) }
        let sweep = try SweepFixture.sweep(experiment: "Discharge at 1C for 10 s", cycles: 1)
        _ = try sweep.run(in: a, shard: SweepShard(index: 0, count: 3), jobs: 2)
        let partial = try SweepIndex.merge([a], into: out)
        #expect(partial.rows.count == 4)
        #expect(partial.missing == [1, 2, 4, 5, 7, 8, 10, 11])
        let other = try SweepFixture.sweep(experiment: "Discharge at 1C for 20 s", cycles: 1)
        _ = try other.run(in: b, shard: SweepShard(index: 1, count: 3), jobs: 2)
        #expect(throws: SweepError.self) { try SweepIndex.merge([a, b], into: out) }
        try FileManager.default.createDirectory(atPath: notASweep, withIntermediateDirectories: true)
        #expect(throws: SweepError.self) { try SweepIndex.merge([notASweep], into: out) }
    }

    @Test("index fields with commas, quotes or line breaks are quoted (RFC 4180) and stay on one line")
    func csvQuoting() {
        #expect(SweepIndex.field("plain") == "plain")
        #expect(SweepIndex.field("a,b") == "\"a,b\"")
        #expect(SweepIndex.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(SweepIndex.field("two\nlines") == "\"two lines\"")
    }
}
