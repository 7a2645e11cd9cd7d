// swift-tools-version:6.1
// Benchmarks of SolidCell, kept out of the root package so that ordinary builds stay fast.
//
//   cd Benchmarks && swift package benchmark                      # every suite
//   cd Benchmarks && swift package benchmark --target Solver      # one suite
//
// The side-by-side comparison with PyBaMM is a separate script: bash Benchmarks/compare-pybamm.sh
import PackageDescription

let package = Package(
    name: "SolidCellBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "SolidCell", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The benchmark problems (model file, meshes, protocols), shared by the suites.
        .target(
            name: "BenchmarkProblems",
            dependencies: [
                .product(name: "SolidCell", package: "SolidCell"),
                .product(name: "DAESolver", package: "SolidCell"),
            ],
            path: "Sources/BenchmarkProblems"
        ),
        // Single simulations: 1C discharge at four mesh sizes, 0.1C discharge, 100 CCCV cycles,
        // model build / solver set-up, residual + Jacobian evaluations.
        .executableTarget(
            name: "Solver",
            dependencies: [
                "BenchmarkProblems",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Solver",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // A sweep of 16 independent simulations on 1 worker thread and on every core.
        .executableTarget(
            name: "Sweep",
            dependencies: [
                "BenchmarkProblems",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Sweep",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
