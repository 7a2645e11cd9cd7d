import Foundation
import TestSupport
import Testing

@Suite("solidcell sweep (command line and cluster examples)")
struct SweepCommandLineTests {
    static let model = ["--model", "xu2019-nmc532-half-cell-t1"]
    static let mesh = SweepFixture.mesh.flatMap { ["--set", $0] }
    static let vary = ["--vary", "Positive electrode thickness [m]=3e-5,4.2e-5,6e-5", "--vary", "Ambient temperature [K]=298.15,318.15"]
    static let experiment = ["--experiment", "Discharge at 1C until 3.6 V; Charge at 1C until 4.1 V", "--cycles", "2"]

    @Test("shards run by the CLI and merged equal the unsharded sweep, whatever --jobs; a re-run resumes")
    func shardsAndMerge() throws {
        let whole = temporaryFolder("sweep-cli-whole"), shared = temporaryFolder("sweep-cli-shared")
        defer { SweepFixture.remove(whole, shared) }
        let base = Self.model + Self.mesh + Self.vary + Self.experiment
        let unsharded = try ProcessRun.solidcell(["sweep", "run"] + base + ["--jobs", "3", "--output", whole])
        #expect(unsharded.status == 0, "\(unsharded.error)")
        #expect(unsharded.output.contains("6 cases: 6 completed, 0 failed (0 already finished, 6 run on 3 threads)"))
        #expect(unsharded.error.contains("case-0005 completed"))
        for (index, jobs) in [(1, "1"), (0, "2")] {
            let shard = try ProcessRun.solidcell(["sweep"] + base + ["--jobs", jobs, "--shard", "\(index)/2", "--output", shared])
            #expect(shard.status == 0, "\(shard.error)")
            #expect(shard.output.contains("index: \(shared)/sweep-shard-\(index)-of-2.csv"))
        }
        let merge = try ProcessRun.solidcell(["sweep", "merge", shared])
        #expect(merge.status == 0, "\(merge.error)")
        #expect(merge.output.contains("6 of 6 cases merged"))
        #expect(try SweepFixture.contents(of: shared) == SweepFixture.contents(of: whole))
        let again = try ProcessRun.solidcell(["sweep"] + base + ["--output", whole])
        #expect(again.status == 0)
        #expect(again.output.contains("(6 already finished, 0 run"))
        let different = try ProcessRun.solidcell(["sweep"] + Self.model + Self.mesh + ["--vary", "Ambient temperature [K]=300"]
                                                 + Self.experiment + ["--output", whole])
        #expect(different.status == 2 && different.error.contains("holds a different sweep"), "\(different.error)")
    }

    @Test("bad sweep input ends in one clear line and exit code 2, before any case runs", arguments: [
        ([String](), "at least one --vary"),
        (["--vary", "Positive electrod thickness [m]=3e-5"], "did you mean \"Positive electrode thickness [m]\""),
        (["--vary", "Separator porosity=0.3,abc"], "value \"abc\""),
        (["--vary", "Separator porosity=0.3,1.5"], "value \"1.5\" is not allowed"),
        (["--vary", "Separator porosity"], "expected KEY=v1,v2"),
        (["--vary", "Separator porosity=0.3", "--shard", "2/2"], "numbered from 0"),
        (["--vary", "Separator porosity=0.3", "--shard", "two/4"], "expected I/N"),
        (["--vary", "Separator porosity=0.3", "--jobs", "0"], "--jobs \"0\": allowed a whole number from 1 to 4096"),
        (["--vary", "Separator porosity=0.3", "--jobs", "two"], "--jobs \"two\": allowed a whole number from 1 to 4096"),
        (["--vary", "Separator porosity=0.3", "--cycles", "0"], "--cycles \"0\": allowed a whole number from 1 to 1000000"),
        (["--vary", "Separator porosity=0.3", "--cycles", "2.5"], "--cycles \"2.5\": allowed a whole number"),
        (["--vary", "Separator porosity=0.3", "--job", "2"], "Unknown option '--job'"),
        (["--vary", "Separator porosity=0.3", "--rtol", "0.5"], "--rtol \"0.5\": allowed a number from 1e-12 to 0.01"),
        (["--vary", "Separator porosity=0.3", "--set", "no equals"], "expected KEY=VALUE"),
        (["--vary", "Separator porosity=0.3", "--experiment", "Dischrge at 1C"], "experiment step 1"),
        (["--vary", "Separator porosity=0.3", "--model", "/nonexistent/model.json"], "cannot read the file"),
    ])
    func badInput(arguments: [String], expected: String) throws {
        let folder = temporaryFolder("sweep-cli-bad")
        defer { SweepFixture.remove(folder) }
        let run = try ProcessRun.solidcell(["sweep"] + Self.model + arguments + ["--output", folder])
        #expect(run.status == 2, "stderr: \(run.error)")
        #expect(run.error.hasPrefix("error: ") && run.error.contains(expected), "stderr: \(run.error)")
        #expect(run.error.split(separator: "\n").count == 1, "stderr: \(run.error)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/case-0000"))
    }

    @Test("sweep merge exits 2 for a folder that is not a sweep and 1, naming them, when cases are missing")
    func mergeErrors() throws {
        let folder = temporaryFolder("sweep-cli-merge"), empty = temporaryFolder("sweep-cli-empty")
        defer { SweepFixture.remove(folder, empty) }
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let notASweep = try ProcessRun.solidcell(["sweep", "merge", empty])
        #expect(notASweep.status == 2 && notASweep.error.contains("not a sweep output folder"), "\(notASweep.error)")
        let shard = try ProcessRun.solidcell(["sweep"] + Self.model + Self.mesh + Self.vary
                                             + ["--experiment", "Discharge at 1C for 10 s", "--shard", "1/3", "--output", folder])
        #expect(shard.status == 0, "\(shard.error)")
        let merge = try ProcessRun.solidcell(["sweep", "merge", folder])
        #expect(merge.status == 1)
        #expect(merge.error.contains("4 cases missing: case-0000, case-0002, case-0003, case-0005"), "\(merge.error)")
        let several = try ProcessRun.solidcell(["sweep", "merge", folder, empty])
        #expect(several.status == 2 && several.error.contains("--output"), "\(several.error)")
    }

    @Test("a failed single run writes everything up to the failure and exits 1 with the time, step and IDA message")
    func failedSingleRun() throws {
        let folder = temporaryFolder("sweep-cli-failure")
        defer { SweepFixture.remove(folder) }
        let run = try ProcessRun.solidcell(["simulate"] + Self.model + Self.mesh
                                           + ["--experiment", "Discharge at 1C for 30 s; Discharge at 100 W for 10 s", "--output", folder])
        #expect(run.status == 1)
        #expect(run.error.contains("t = 30.0 s"), "\(run.error)")
        #expect(run.error.contains("step 2"), "\(run.error)")
        #expect(run.error.contains("IDA"), "\(run.error)")
        let series = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8).split(separator: "\n")
        #expect(series.count > 3)
        #expect(series.dropFirst().contains { $0.split(separator: ",")[2] == "1" })
        let summary = try String(contentsOfFile: folder + "/summary.json", encoding: .utf8)
        #expect(summary.contains("\"status\" : \"failed\""))
        #expect(summary.contains("IDA"))
        #expect(FileManager.default.fileExists(atPath: folder + "/cycles.csv"))
    }

    /// Extra arguments that make the examples' sweeps quick: a tiny mesh and a short protocol.
    static let quick = mesh + ["--experiment", "Discharge at 1C for 20 s", "--cycles", "1"]

    @Test("examples/sweep-slurm.sh runs as a 3-task array and its shards merge into the whole sweep")
    func slurmExample() throws {
        let folder = temporaryFolder("sweep-slurm")
        defer { SweepFixture.remove(folder) }
        let script = try String(contentsOfFile: repositoryRoot + "/examples/sweep-slurm.sh", encoding: .utf8)
        #expect(script.contains("#SBATCH --array=0-"))
        #expect(script.contains("--shard \"$SHARD/$SHARDS\""))
        for task in 0..<3 {
            let run = try ProcessRun.run("/bin/bash", [repositoryRoot + "/examples/sweep-slurm.sh"] + Self.quick, environment: [
                "SOLIDCELL": try ProcessRun.solidcellPath(), "SWEEP_OUTPUT": folder,
                "SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_COUNT": "3", "SLURM_CPUS_PER_TASK": "2",
            ])
            #expect(run.status == 0, "\(run.error)")
            #expect(run.output.contains("12 cases: 12 completed"), "\(run.output)")
        }
        let merge = try ProcessRun.solidcell(["sweep", "merge", folder])
        #expect(merge.status == 0, "\(merge.error)")
        #expect(merge.output.contains("36 of 36 cases merged"))
    }

    @Test("examples/sweep-k8s-job.yaml: an Indexed Job whose pods' command, run with each JOB_COMPLETION_INDEX, covers the sweep")
    func kubernetesExample() throws {
        let folder = temporaryFolder("sweep-k8s")
        defer { SweepFixture.remove(folder) }
        let manifest = try String(contentsOfFile: repositoryRoot + "/examples/sweep-k8s-job.yaml", encoding: .utf8)
        let lines = manifest.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(manifest.contains("completionMode: Indexed"))
        func number(after prefix: String) -> Int? {
            lines.lazy.map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(prefix) }
                .flatMap { Int($0.dropFirst(prefix.count).prefix { $0.isNumber }) }
        }
        let completions = try #require(number(after: "completions: "))
        let shardsLine = try #require(lines.firstIndex { $0.contains("name: SHARDS") })
        let shards = Int(lines[shardsLine + 1].split(separator: "\"")[1])
        #expect(shards == completions, "completions and SHARDS must be equal")
        // The pod's shell command: the block scalar after `- |`.
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "- |" })
        let indent = lines[start + 1].prefix { $0 == " " }.count
        let body = lines[(start + 1)...].prefix { $0.prefix { $0 == " " }.count >= indent && !$0.isEmpty }
        var command = body.map { String($0.dropFirst(indent)) }.joined(separator: "\n")
        #expect(command.contains("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""))
        let output = "/results/thickness-radius-temperature"
        #expect(command.contains("--output \(output)"))
        #expect(manifest.contains("command: [\"solidcell\", \"sweep\", \"merge\", \"\(output)\"]"))
        let quick = Self.quick.map { "'\($0)'" }.joined(separator: " ")
        command = command.replacingOccurrences(of: "--output \(output)", with: "--output '\(folder)' \(quick)")
        let executableFolder = (try ProcessRun.solidcellPath() as NSString).deletingLastPathComponent
        for index in 0..<completions {
            let run = try ProcessRun.run("/bin/sh", ["-c", command], environment: [
                "JOB_COMPLETION_INDEX": "\(index)", "SHARDS": "\(completions)",
                "PATH": executableFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "SOLIDCELL_MODELS": repositoryRoot + "/models",
            ])
            #expect(run.status == 0, "\(run.error)")
        }
        let merge = try ProcessRun.solidcell(["sweep", "merge", folder])
        #expect(merge.status == 0, "\(merge.error)")
        #expect(merge.output.contains("36 of 36 cases merged"))
    }
}
