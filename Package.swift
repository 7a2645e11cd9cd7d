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
        // Experiment (protocol) steps and their text language; stands alone.
        .target(name: "Protocols"),
        // Cell parameters, constitutive laws, mesh, residual and analytic Jacobian.
        .target(name: "CellModel", dependencies: ["DAESolver"]),
        // Simulation driver, solutions, summaries, exports.
        .target(name: "SolidCell", dependencies: ["CellModel", "Protocols", "DAESolver"]),
        // The command-line tool.
        .executableTarget(
            name: "SolidCellCLI",
            dependencies: [
                "SolidCell",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets (a seedable random generator).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DAESolverTests", dependencies: ["DAESolver", "TestSupport"]),
        .testTarget(name: "ProtocolsTests", dependencies: ["Protocols", "TestSupport"]),
        .testTarget(name: "CellModelTests", dependencies: ["CellModel", "DAESolver", "TestSupport"]),
        .testTarget(name: "SolidCellTests", dependencies: ["SolidCell", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
