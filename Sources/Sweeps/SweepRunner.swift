import Foundation
import OutputFiles
import Parameters
import Protocols
import Simulator

/// A case of a sweep has finished (reported once per case run, in completion order).
public struct SweepProgress: Sendable {
    public var row: SweepRow
    /// Cases of this run finished so far, including this one, and the number this run has to do.
    public var finished: Int
    public var total: Int
    /// Wall time the case took [s].
    public var wallTime: Double
}

/// What ``ParameterSweep/run(in:shard:jobs:progress:)`` did.
public struct SweepReport: Sendable {
    public var design: SweepDesign
    public var shard: SweepShard
    /// The shard's cases in case order, whether run now or found finished.
    public var rows: [SweepRow]
    /// Cases found already finished (resumed, not run again).
    public var resumed: Int
    /// Cases run now.
    public var ran: Int
    /// Threads used.
    public var jobs: Int
    public var indexPath: String

    /// Cases that failed (a case stopped by an outcome of the cell, such as contact lost at the
    /// negative electrode, finished: its status is `stopped`).
    public var failed: Int { rows.filter { $0.status != "completed" && $0.status != "stopped" }.count }
}

extension ParameterSweep {
    /// Runs the shard's cases into `directory`, `jobs` at a time, and writes the shard's index.
    ///
    /// Each case gets its own ``Simulation`` (and so its own solver) on one of `jobs` threads.
    /// Cases whose folder already holds a finished run are not run again (resume). A case that
    /// fails (solver failure, non-physical state, invalid parameter combination) is recorded with
    /// its reason and does not stop the others. The index lists the cases in case order, so it is
    /// the same whatever `jobs` is and whichever order cases finish in.
    ///
    /// - Throws: ``SweepError`` when the folder holds a different sweep or a file cannot be written.
    public func run(in directory: String, shard: SweepShard = .whole, jobs: Int,
                    progress: (@Sendable (SweepProgress) -> Void)? = nil) throws(SweepError) -> SweepReport {
        guard jobs >= 1 else { throw SweepError("--jobs \(jobs): allowed a whole number ≥ 1") }
        try SweepIndex.prepare(directory, for: design)
        let numbers = design.cases(in: shard)
        var rows = [SweepRow?](repeating: nil, count: numbers.count)
        var pending: [Int] = []
        for (position, number) in numbers.enumerated() {
            if let row = try SweepIndex.readRow(design, case: number, in: directory) {
                rows[position] = row
            } else {
                pending.append(position)
            }
        }
        let threads = min(jobs, pending.count)
        let total = pending.count
        let queue = SweepWorkQueue(pending: pending, rows: rows)
        if threads > 0 {
            let group = DispatchGroup()
            for _ in 0..<threads {
                group.enter()
                let thread = Thread { [self] in
                    defer { group.leave() }
                    while let position = queue.next() {
                        let started = ContinuousClock.now
                        do {
                            let row = try runAndStore(case: numbers[position], in: directory)
                            let elapsed = ContinuousClock.now - started
                            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                            queue.finish(position, row) { finished in
                                progress?(SweepProgress(row: row, finished: finished, total: total, wallTime: seconds))
                            }
                        } catch {
                            queue.fail(error)
                        }
                    }
                }
                thread.stackSize = 16 << 20
                thread.start()
            }
            group.wait()
        }
        if let error = queue.error { throw error }
        let finished = queue.rows.map { $0! }
        let indexPath = directory + "/" + SweepIndex.indexFile(for: shard)
        try SweepIndex.write(Data(SweepIndex.csv(design: design, rows: finished).utf8), to: indexPath)
        return SweepReport(design: design, shard: shard, rows: finished, resumed: numbers.count - pending.count,
                           ran: pending.count, jobs: threads, indexPath: indexPath)
    }

    /// Runs one case, writes its folder (staged, then renamed into place) and reads its row back,
    /// so a row is the same whether the case ran now or was resumed.
    func runAndStore(case number: Int, in directory: String) throws(SweepError) -> SweepRow {
        let name = design.caseName(number)
        let staging = directory + "/." + name + ".partial"
        let destination = directory + "/" + name
        let fm = FileManager.default
        let result = runCase(number)
        do {
            if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
            if let measurement = design.criticalCurrent, let criticalCurrent = result.criticalCurrent {
                try CriticalCurrentFiles.write(criticalCurrent, measurement: measurement, model: design.model,
                                               overrides: design.overrides(ofCase: number), to: staging)
            }
            try OutputWriter.write(result.simulation, inputs: inputs(ofCase: number), to: staging)
            if fm.fileExists(atPath: destination) { try fm.removeItem(atPath: destination) }
            try fm.moveItem(atPath: staging, toPath: destination)
        } catch {
            throw SweepError("cannot write \(destination): \(error.localizedDescription)", fileFailure: true)
        }
        guard let row = try SweepIndex.readRow(design, case: number, in: directory) else {
            throw SweepError("cannot read back \(destination)/summary.json after writing it", fileFailure: true)
        }
        return row
    }
}

/// Hands out pending cases to worker threads and collects their rows.
private final class SweepWorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [Int]
    private var cursor = 0
    private var finishedCount = 0
    private(set) var rows: [SweepRow?]
    private(set) var error: SweepError?

    init(pending: [Int], rows: [SweepRow?]) {
        self.pending = pending
        self.rows = rows
    }

    /// The next position to run, or nil when none is left or a write failed.
    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard error == nil, cursor < pending.count else { return nil }
        cursor += 1
        return pending[cursor - 1]
    }

    /// Stores a row and reports it (under the lock, so reports never interleave).
    func finish(_ position: Int, _ row: SweepRow, report: (Int) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        rows[position] = row
        finishedCount += 1
        report(finishedCount)
    }

    func fail(_ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = (error as? SweepError) ?? SweepError("\(error)", fileFailure: true) }
    }
}
