import Benchmark
import BenchmarkProblems
import Dispatch
import Foundation
import SolidCell

/// Runs `count` simulations split over `workers` threads (each thread runs its share in turn).
func sweep(_ simulations: [Simulation], workers: Int) {
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for index in stride(from: worker, to: simulations.count, by: workers) {
            blackHole(Problems.run(simulations[index]))
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
                                           warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 10)

    // 16 independent 1C discharges of the cross-check model at 16 different temperatures
    // (298.15 K … 313.15 K), on 1 worker and on every core; throughput on n cores / throughput on 1
    // is the ratio of the two wall-clock times.
    let mesh = Problems.defaultMesh
    let states = (try? Problems.stateCount(mesh)) ?? 0
    let cores = ProcessInfo.processInfo.activeProcessorCount
    for workers in Set([1, 2, cores]).sorted() where workers <= max(cores, 2) {
        Benchmark("Sweep of 16 × 1C discharge, \(states) states, \(workers) worker\(workers == 1 ? "" : "s")") { benchmark in
            let experiment = try Experiment(parsing: Problems.discharge1C)
            let simulations = try (0..<16).map { k in
                var set = Problems.modelFile.parameters
                for (key, value) in mesh.overrides { try set.override(key, with: value) }
                try set.override("Ambient temperature [K]", with: "\(298.15 + Double(k))")
                return Simulation(parameters: try CellParameters(set), experiment: experiment)
            }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                sweep(simulations, workers: workers)
            }
        }
    }
}
