// swift-tools-version:6.1
// SolidCell: a pressure-aware P2D simulator of all-solid-state lithium cells.
import PackageDescription

let package = Package(
    name: "SolidCell",
    products: [
        .library(name: "SolidCell", targets: ["SolidCell"]),
        .library(name: "DAESolver", targets: ["DAESolver"]),
        .executable(name: "solidcell", targets: ["SolidCellCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // SUNDIALS IDA + serial N_Vector + CSC sparse matrix + SUNLinSol_KLU, from Debian.
        .systemLibrary(
            name: "CSundials",
            providers: [.apt(["libsundials-dev", "libsuitesparse-dev"])]
        ),
        // IDA's element-wise vector loops, compiled (Debian's libsundials is built without optimisation).
        .target(name: "CVectorOps"),
        // A SUNDIALS linear solver that condenses tridiagonal (+ dense last row) blocks and factorises
        // the remaining skeleton with KLU (the plan comes from DAESolver's CondensedLinearSolver.swift).
        .target(name: "CCondensedSolver", linkerSettings: [.linkedLibrary("klu")]),
        // Battery-agnostic implicit DAE solver (IDA + KLU) and sparse linear algebra.
        .target(name: "DAESolver", dependencies: ["CSundials", "CVectorOps", "CCondensedSolver"]),
        // Linear and monotone cubic (PCHIP) interpolation of tabulated data.
        .target(name: "Interpolation"),
        // Experiment (protocol) steps and their text language; stands alone.
        .target(name: "Protocols"),
        // The physical laws as value types: constants, open-circuit potentials, kinetics, transport,
        // contact mechanics, degradation. No solver and no discretisation.
        .target(name: "CellPhysics", dependencies: ["Interpolation"]),
        // Parameter sets, the typed cell parameters, model files and `--set` overrides.
        .target(name: "Parameters", dependencies: ["CellPhysics"]),
        // The discretised P2D model: mesh, state layout, residual and analytic Jacobian.
        .target(name: "CellModel", dependencies: ["CellPhysics", "Parameters", "DAESolver"]),
        // Runs an experiment on a cell: the step loop, per-cycle summaries, results.
        .target(name: "Simulator", dependencies: ["CellModel", "CellPhysics", "Parameters", "Protocols", "DAESolver", "Interpolation"]),
        // Small-signal impedance spectra of the linearised model.
        .target(name: "Impedance", dependencies: ["Simulator", "CellModel", "Parameters", "Protocols", "DAESolver"]),
        // What a run writes: CSV and JSON files, SVG plots.
        .target(name: "OutputFiles", dependencies: ["Simulator", "Impedance", "Parameters", "DAESolver"]),
        // Parameter sweeps: design, sharding, parallel runs, index and merge.
        .target(name: "Sweeps", dependencies: ["Simulator", "CellModel", "OutputFiles", "Parameters", "Protocols"]),
        // Published data and PyBaMM cross-checks, the calibration fits to them, and the validation
        // report. A leaf: nothing imports it.
        .target(name: "Validation", dependencies: ["Simulator", "Impedance", "OutputFiles", "Parameters", "Protocols", "CellModel",
                                                   "CellPhysics", "Interpolation", "DAESolver", "Fitting"]),
        // The library's one import: re-exports the modules above for users of the package.
        .target(name: "SolidCell", dependencies: ["DAESolver", "Interpolation", "Protocols", "CellPhysics", "Parameters",
                                                  "CellModel", "Simulator", "Impedance", "OutputFiles", "Sweeps",
                                                  "MeasuredData", "Comparison", "Fitting"]),
        // Readers of measured cycler data (Battery Data Format, BioLogic, Arbin, Maccor, Neware,
        // SolidCell's own outputs, impedance spectra, per-cycle tables); Foundation only.
        .target(name: "MeasuredData"),
        // Drives the model with a measured log's controls and compares voltages and capacities; a
        // measured impedance spectrum with the model's at the same frequencies.
        .target(name: "Comparison", dependencies: ["MeasuredData", "Simulator", "Protocols", "Parameters", "CellModel",
                                                   "Interpolation", "OutputFiles", "Impedance", "DAESolver"]),
        // Fits model keys to measured data: weighted least squares, Levenberg–Marquardt, statistics.
        .target(name: "Fitting", dependencies: ["Comparison", "MeasuredData", "Simulator", "Protocols", "Parameters", "CellModel",
                                                "OutputFiles"]),
        // The command-line tool.
        .executableTarget(
            name: "SolidCellCLI",
            dependencies: [
                "Parameters", "Protocols", "Simulator", "Impedance", "OutputFiles", "Sweeps", "Validation",
                "MeasuredData", "Comparison", "CellModel", "Fitting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: the seedable random generator (Fitting's), the repository root, model
        // loading, the runner of command-line processes and IDA on a P2D model.
        .target(name: "TestSupport", dependencies: ["Parameters", "CellModel", "DAESolver", "MeasuredData", "Fitting"],
                path: "Tests/TestSupport"),
        .testTarget(name: "DAESolverTests", dependencies: ["DAESolver", "TestSupport"]),
        .testTarget(name: "ProtocolsTests", dependencies: ["Protocols", "TestSupport"]),
        .testTarget(name: "CellPhysicsTests", dependencies: ["CellPhysics", "Interpolation", "TestSupport"]),
        .testTarget(name: "CellModelTests", dependencies: ["CellModel", "CellPhysics", "Parameters", "DAESolver", "TestSupport"]),
        .testTarget(name: "SolidCellTests", dependencies: ["CellModel", "CellPhysics", "DAESolver", "Impedance", "Interpolation",
                                                    "OutputFiles", "Parameters", "Protocols", "Simulator", "Sweeps",
                                                    "Validation", "MeasuredData", "Comparison", "TestSupport"]),
        .testTarget(name: "FittingTests", dependencies: ["Fitting", "Comparison", "Impedance", "MeasuredData", "Parameters", "Simulator",
                                                   "Protocols", "TestSupport"]),
        .testTarget(name: "MeasuredDataTests", dependencies: ["MeasuredData", "TestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
