import Foundation
import Testing
@testable import MeasuredData

/// Reading a 10⁶-row file: reports the time and the peak resident memory, asserts nothing about
/// either. Runs only with MEASURED_DATA_BENCHMARK set (it writes a ~70 MB file in the temporary
/// directory), e.g.
/// `MEASURED_DATA_BENCHMARK=1 swift test --skip-build -c release -Xswiftc -enable-testing --filter MeasuredDataTests.BenchmarkTests`
@Suite("Benchmark", .serialized, .enabled(if: ProcessInfo.processInfo.environment["MEASURED_DATA_BENCHMARK"] != nil))
struct BenchmarkTests {
    static let rows = 1_000_000

    /// Writes `rows` rows of SolidCell's timeseries.csv (nine columns) or of a Neware export
    /// (clock times, seven columns) in 1 MB pieces.
    static func writeFile(_ format: MeasuredDataFormat, to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var text = format == .neware
            ? "Record Index,Cycle Index,Step Index,Total Time,Time,Current(A),Voltage(V)\n"
            : "Time [s],Cycle,Step,Current [A],Voltage [V],Discharge capacity [A.h],Stack pressure [MPa],Mean contact fraction,Average positive particle stoichiometry\n"
        for k in 0..<rows {
            let t = Double(k) * 0.75
            let step = k / 10_000 % 4 + 1
            let current = [0.0025, 0, -0.00125, -0.001 * exp(-Double(k % 10_000) / 2000)][step - 1]
            let voltage = 3.7 + 0.4 * sin(Double(k) * 1e-4)
            if format == .neware {
                let whole = Int(t)
                text += "\(k + 1),\(k / 40_000 + 1),\(step),\(whole / 86_400)-\(whole / 3600 % 24):\(whole / 60 % 60):\(Double(whole % 60) + t - Double(whole)),0,\(-current),\(voltage)\n"
            } else {
                text += "\(t),\(k / 40_000 + 1),\(step),\(current),\(voltage),\(Double(k) * 1e-7),5.\(k % 1000),0.99,0.5\n"
            }
            if text.utf8.count > 1 << 20 {
                handle.write(Data(text.utf8))
                text = ""
            }
        }
        handle.write(Data(text.utf8))
    }

    static func peakResidentMegabytes() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// CPU time of this thread [s] (the read runs on one thread; on a shared machine wall time
    /// also counts waiting for a core).
    static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) * 1e-9
    }

    static func currentResidentMegabytes() -> Double {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
              let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) else { return .nan }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / (1024 * 1024)
    }

    @Test("Read 10⁶ rows", arguments: [MeasuredDataFormat.solidCell, .neware])
    func readMillionRows(format: MeasuredDataFormat) throws {
        let url = try temporaryDirectory().appendingPathComponent("million-\(format.rawValue).csv")
        try Self.writeFile(format, to: url)
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int ?? 0
        let before = Self.currentResidentMegabytes()
        let clock = ContinuousClock()
        var times: [Double] = []
        var cpu: [Double] = []
        var series: MeasuredTimeSeries?
        for _ in 0..<3 {
            series = nil
            let start = clock.now
            let startCPU = Self.threadCPUSeconds()
            series = try MeasuredDataReader.read(url: url).timeSeries
            cpu.append(Self.threadCPUSeconds() - startCPU)
            let elapsed = (clock.now - start).components
            times.append(Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18)
        }
        let after = Self.currentResidentMegabytes()
        let s = try #require(series)
        #expect(s.count == Self.rows)
        print(String(format: "MeasuredData benchmark: %@ %d rows, %.1f MB file: read in %.2f s wall (median of 3; %.2f, %.2f, %.2f), %.2f s CPU (median; %.2f, %.2f, %.2f); resident %.0f MB before, %.0f MB after (the series: %.0f MB of arrays), peak %.0f MB",
                     format.rawValue, s.count, Double(size) / 1e6, times.sorted()[1], times[0], times[1], times[2],
                     cpu.sorted()[1], cpu[0], cpu[1], cpu[2], before, after,
                     Double(s.count * 8 * (3 + (s.cycle == nil ? 0 : 1) + (s.step == nil ? 0 : 1) + (s.pressure == nil ? 0 : 1))) / 1e6,
                     Self.peakResidentMegabytes()))
    }
}
