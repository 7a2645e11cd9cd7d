import DAESolver
import Foundation
import SolidCell

/// Mesh of the cross-check model: finite-volume cells in the separator and the composite positive
/// electrode, and radial cells per particle.
public struct BenchmarkMesh: Sendable, CustomStringConvertible {
    public var separator: Int
    public var electrode: Int
    public var particle: Int

    public init(separator: Int, electrode: Int, particle: Int) {
        self.separator = separator
        self.electrode = electrode
        self.particle = particle
    }

    /// The same number of cells everywhere (PyBaMM's `var_pts` x_s = x_p = r_p = n).
    public static func uniform(_ n: Int) -> BenchmarkMesh { BenchmarkMesh(separator: n, electrode: n, particle: n) }

    /// Model-file overrides that select this mesh.
    public var overrides: [(key: String, value: String)] {
        [("Separator mesh points", "\(separator)"), ("Positive electrode mesh points", "\(electrode)"),
         ("Positive particle mesh points", "\(particle)")]
    }

    public var description: String { "\(separator)/\(electrode)/\(particle)" }
}

/// The problems every suite and `compare-pybamm.sh` solve: PyBaMM's Xu 2019 NMC532 | Li half cell in
/// the single-ion limit (`models/xu2019-nmc532-half-cell-t1.json`, the cross-check model).
public enum Problems {
    /// Repository root (this file is Benchmarks/Sources/BenchmarkProblems/Problems.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static let modelPath = root + "/models/xu2019-nmc532-half-cell-t1.json"

    /// Meshes giving about 300, 1 000, 3 500 and 10 000 SolidCell states: (Ns + Np) + Np + Np·Nr
    /// + 3 (current density, discharged capacity, stack pressure) = 307, 993, 3 541 and 9 901.
    public static let meshes: [BenchmarkMesh] = [.uniform(16), .uniform(30), .uniform(58), .uniform(98)]

    /// The mesh used where one is enough (0.1C, cycling, set-up, sweep).
    public static let defaultMesh = BenchmarkMesh.uniform(30)

    public static let discharge1C = "Discharge at 1C until 3.5 V"
    public static let discharge01C = "Discharge at 0.1C until 3.5 V"
    /// One CCCV cycle; the benchmarks repeat it 100 times.
    public static let cccv = "Discharge at 1C until 3.5 V; Charge at 1C until 4.2 V; Hold at 4.2 V until C/50"

    /// Reads the model file once (parsing is not what the solver benchmarks measure).
    public static let modelFile: ModelFile = {
        do { return try ModelFile.load(path: modelPath) } catch { fatalError("\(error)") }
    }()

    /// Cell parameters of the cross-check model on a mesh.
    public static func parameters(_ mesh: BenchmarkMesh, file: ModelFile = modelFile) throws -> CellParameters {
        var set = file.parameters
        for (key, value) in mesh.overrides { try set.override(key, with: value) }
        return try CellParameters(set)
    }

    public static func simulation(_ mesh: BenchmarkMesh, experiment: String, cycles: Int = 1) throws -> Simulation {
        Simulation(parameters: try parameters(mesh), experiment: try Experiment(parsing: experiment), cycles: cycles)
    }

    /// The degrading solid-state cell: Zhou 2025 fine NCM811 | Li6PS5Cl | Li at its default 2 MPa —
    /// contact classes, stack-pressure state, double layers, contact damage and SE oxidation films.
    public static let fadeModelPath = root + "/models/zhou2025-ncm811-lpsc-fine.json"
    /// One CCCV cycle of the fade model; the benchmark repeats it 100 times.
    public static let fadeCCCV = "Charge at 0.5C until 4.3 V; Hold at 4.3 V until C/20; Discharge at 0.5C until 2.5 V"

    /// The fade model as its file defines it (its own mesh and tolerances), cycled `cycles` times.
    public static func fadeSimulation(cycles: Int) throws -> Simulation {
        let parameters = try CellParameters(try ModelFile.load(path: fadeModelPath).parameters)
        return Simulation(parameters: parameters, experiment: try Experiment(parsing: fadeCCCV), cycles: cycles)
    }

    /// Number of unknowns of the model on a mesh.
    public static func stateCount(_ mesh: BenchmarkMesh) throws -> Int {
        P2DModel(parameters: try parameters(mesh)).stateCount
    }

    /// Everything from the model file to an integrator ready to step, as `Simulation` does it:
    /// parse the file, read and check the parameters, build the model (mesh, sparsity pattern,
    /// Jacobian slots), create IDA with KLU (symbolic analysis happens on the first factorisation).
    public static func buildSolver(_ mesh: BenchmarkMesh) throws -> IDASolver<P2DModel> {
        let file = try ModelFile.load(path: modelPath)
        let model = P2DModel(parameters: try parameters(mesh, file: file))
        return try model.makeSolver(relativeTolerance: 1e-6, absoluteTolerance: 1e-8)
    }

    /// Runs a simulation and stops the process if it failed: a benchmark of a failing run is meaningless.
    public static func run(_ simulation: Simulation) -> SimulationResult {
        let result = simulation.run()
        if let failure = result.failure { fatalError("benchmark simulation failed: \(failure)") }
        return result
    }
}
