import Benchmark
import BenchmarkProblems
import Foundation
import SolidCell

/// Wall time IDA spent integrating (`SimulationResult.solveTime`: re-initialisation, consistent
/// initial conditions and stepping; model and solver set-up excluded), in microseconds.
let solveTime = BenchmarkMetric.custom("Solve time (us)", polarity: .prefersSmaller, useScalingFactor: false)
/// IDA steps of one run, to relate malloc counts to the number of steps.
let solverSteps = BenchmarkMetric.custom("Solver steps", polarity: .prefersSmaller, useScalingFactor: false)

let simulationMetrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident,
                                            solveTime, solverSteps]

/// Runs the simulation once per iteration and records its solve time and step count.
func measure(_ benchmark: Benchmark, _ simulation: Simulation) {
    for _ in benchmark.scaledIterations {
        let result = Problems.run(simulation)
        benchmark.measurement(solveTime, Int(result.solveTime * 1e6))
        benchmark.measurement(solverSteps, result.solverStatistics.steps)
        blackHole(result)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: simulationMetrics, warmupIterations: 1,
                                           maxDuration: .seconds(5), maxIterations: 50)

    // 1C discharge of the PyBaMM cross-check model at about 300, 1 000, 3 500 and 10 000 states.
    for mesh in Problems.meshes {
        let states = (try? Problems.stateCount(mesh)) ?? 0
        Benchmark("1C discharge, \(states) states (mesh \(mesh))",
                  configuration: .init(maxDuration: .seconds(states > 5000 ? 15 : 5),
                                       maxIterations: states > 5000 ? 5 : 50)) { benchmark in
            let simulation = try Problems.simulation(mesh, experiment: Problems.discharge1C)
            benchmark.startMeasurement()
            measure(benchmark, simulation)
        }
    }

    // 0.1C discharge: ten times the simulated time, a different number of steps at the same size,
    // so that malloc counts per run tell whether the hot path allocates.
    for mesh in [Problems.meshes[0], Problems.defaultMesh] {
        let states = (try? Problems.stateCount(mesh)) ?? 0
        Benchmark("0.1C discharge, \(states) states (mesh \(mesh))") { benchmark in
            let simulation = try Problems.simulation(mesh, experiment: Problems.discharge01C)
            benchmark.startMeasurement()
            measure(benchmark, simulation)
        }
    }

    // 100 CCCV cycles (1C discharge to 3.5 V, 1C charge to 4.2 V, hold at 4.2 V until C/50).
    do {
        let mesh = Problems.meshes[0]
        let states = (try? Problems.stateCount(mesh)) ?? 0
        Benchmark("100 CCCV cycles, \(states) states (mesh \(mesh))",
                  configuration: .init(warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 3)) { benchmark in
            let simulation = try Problems.simulation(mesh, experiment: Problems.cccv, cycles: 100)
            benchmark.startMeasurement()
            measure(benchmark, simulation)
        }
    }

    // 100 CCCV cycles of the solid-state model with everything on: 0.5C charge to 4.3 V, hold until
    // C/20, 0.5C discharge to 2.5 V, contact damage and interphase growth applied every cycle.
    Benchmark("100 CCCV cycles, fine NCM811 | LPSCl | Li with contact classes and degradation",
              configuration: .init(warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 1)) { benchmark in
        let simulation = try Problems.fadeSimulation(cycles: 100)
        benchmark.startMeasurement()
        measure(benchmark, simulation)
    }

    // Model build and solver set-up: model file → parameters → P2DModel (mesh, sparsity pattern)
    // → IDA + KLU, ready to integrate.
    for mesh in [Problems.defaultMesh, Problems.meshes[3]] {
        let states = (try? Problems.stateCount(mesh)) ?? 0
        Benchmark("Model build and solver set-up, \(states) states (mesh \(mesh))",
                  configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident])) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try Problems.buildSolver(mesh))
            }
        }
    }

    // One residual and one Jacobian evaluation per iteration (×1000) on a mid-discharge state:
    // the hot path must not allocate (malloc count 0).
    do {
        let mesh = Problems.defaultMesh
        let states = (try? Problems.stateCount(mesh)) ?? 0
        Benchmark("Residual + Jacobian evaluation, \(states) states",
                  configuration: .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
                                       scalingFactor: .kilo)) { benchmark in
            // A consistent mid-discharge state: integrate a 1C discharge for 30 minutes.
            let solver = try Problems.buildSolver(mesh)
            solver.system.control = .current(amperes: try Problems.parameters(mesh).nominalCapacity)
            try solver.reinitialize(time: 0, state: solver.state, derivative: solver.derivative)
            try solver.computeConsistentInitialConditions(firstOutputTime: 1)
            try solver.advance(to: 1800)
            var model = solver.system
            let y = solver.state, yp = solver.derivative
            var r = [Double](repeating: 0, count: y.count)
            var values = [Double](repeating: 0, count: model.jacobianPattern.rowIndices.count)
            benchmark.startMeasurement()
            try y.withUnsafeBufferPointer { y in
                try yp.withUnsafeBufferPointer { yp in
                    try r.withUnsafeMutableBufferPointer { r in
                        try values.withUnsafeMutableBufferPointer { values in
                            for _ in benchmark.scaledIterations {
                                try model.residual(time: 1800, state: y, derivative: yp, into: r)
                                try model.jacobian(time: 1800, state: y, derivative: yp, cj: 1e3, into: values)
                            }
                        }
                    }
                }
            }
            benchmark.stopMeasurement()
            blackHole(r)
            blackHole(values)
        }
    }
}
