import CellModel
import DAESolver
import Foundation
import Parameters
import TestSupport
import Testing

/// The P2D model's particle blocks (P2DModel+LinearStructure.swift) condensed by the linear solver:
/// the model declares them, IDASolver accepts them (the structural check passes for every model
/// variant), and an integration gives KLU's answer to 1e-8 with step counts within 1 %.
@Suite("Condensed P2D solves")
struct CondensedP2DTests {
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var file: String
        var mesh: (Int, Int, Int)
        var changes: [String: ParameterValue] = [:]
        /// Current in C-rates (positive discharges) and the cut-off it runs to.
        var rate: Double
        var cutoff: Double
        var limit: Double
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "Xu 2019 half cell, 1C discharge", file: "xu2019-nmc532-half-cell-t1", mesh: (8, 10, 12),
             rate: 1, cutoff: 3.5, limit: 8000),
        Case(name: "Xu 2019 with double layers, 2C discharge", file: "xu2019-nmc532-half-cell-t1", mesh: (6, 8, 10),
             changes: [CellParameters.positiveDoubleLayerKey: .number(0.2), CellParameters.negativeDoubleLayerKey: .number(0.05)],
             rate: 2, cutoff: 3.5, limit: 3000),
        // Contact mechanics (dense last rows), 10 contact classes, oxidation films, double layers.
        Case(name: "Zhou 2025 coarse NCM811: mechanics, 10 classes, films, double layers, 0.5C charge",
             file: "zhou2025-ncm811-lpsc-coarse", mesh: (4, 6, 8), rate: -0.5, cutoff: 4.3, limit: 9000),
        // As above with a constant-gap fixture: the pressure row couples to every particle node.
        Case(name: "Zhou 2025 coarse NCM811, constant gap, 0.5C charge", file: "zhou2025-ncm811-lpsc-coarse", mesh: (4, 6, 8),
             changes: ["Stack fixture": .text("constant gap"), "Stack stiffness [MPa.m-1]": .number(3e5)],
             rate: -0.5, cutoff: 4.3, limit: 9000),
    ]

    struct Run {
        var kind: LinearSolverKind
        var times: [Double] = []
        var voltages: [Double] = []
        var capacity = 0.0
        var finalTime = 0.0
        var statistics = SolverStatistics()
        var skeleton: String?
    }

    static func integrate(_ c: Case, _ choice: LinearSolverChoice) throws -> Run {
        let set = try loadParameterSet(c.file).adding(c.changes.merging([
            MeshKey.separator: .number(Double(c.mesh.0)), MeshKey.positive: .number(Double(c.mesh.1)),
            MeshKey.particle: .number(Double(c.mesh.2))]) { a, _ in a })
        let p = try CellParameters(set)
        var model = P2DModel(parameters: p)
        model.control = .current(amperes: c.rate * p.nominalCapacity)
        model.events = [.voltage(volts: c.cutoff)]
        var options = SolverOptions()
        options.relativeTolerance = 1e-6
        options.absoluteTolerance = .vector(model.toleranceScale.map { $0 * 1e-8 })
        options.linearSolver = choice
        let y0 = model.restingState()
        let solver = try IDASolver(system: model, time: 0, state: y0, derivative: [Double](repeating: 0, count: y0.count),
                                   options: options)
        try solver.computeConsistentInitialConditions(firstOutputTime: 1)
        var run = Run(kind: solver.linearSolverKind, skeleton: solver.condensedSkeletonDescription)
        var t = 0.0
        while t < c.limit {
            t += 100
            let outcome = try solver.advance(to: t)
            run.times.append(solver.time)
            run.voltages.append(solver.system.voltage(solver.state))
            if case .root = outcome { break }
        }
        run.finalTime = solver.time
        run.capacity = solver.state[model.currentIndex + 1]
        run.statistics = solver.cumulativeStatistics
        return run
    }

    @Test("the model declares one block per particle")
    func blocks() throws {
        let p = try makeParameters(.xu2019, mesh: (4, 5, 7))
        let model = P2DModel(parameters: p)
        let blocks = model.condensableBlocks
        #expect(blocks.count == 5)
        #expect(blocks.allSatisfy { $0.count == 7 })
        #expect(blocks.last!.upperBound == model.currentIndex)
    }

    @Test("condensed and KLU integrations agree", arguments: cases)
    func agree(_ c: Case) throws {
        let condensed = try Self.integrate(c, .automatic)
        let klu = try Self.integrate(c, .klu)
        #expect(condensed.kind == .condensed)
        #expect(klu.kind == .klu)
        #expect(condensed.voltages.count == klu.voltages.count)
        let voltage = zip(condensed.voltages, klu.voltages).map { abs($0 - $1) / abs($1) }.max() ?? 0
        let capacity = abs(condensed.capacity - klu.capacity) / abs(klu.capacity)
        let time = abs(condensed.finalTime - klu.finalTime) / klu.finalTime
        let steps = abs(Double(condensed.statistics.steps - klu.statistics.steps)) / Double(klu.statistics.steps)
        print("\(c.name): \(condensed.skeleton ?? "no skeleton"); end \(klu.finalTime) s, V \(klu.voltages.last ?? .nan); relative differences voltage \(voltage), "
              + "capacity \(capacity), end time \(time); steps \(condensed.statistics.steps) / \(klu.statistics.steps), "
              + "Newton iterations \(condensed.statistics.nonlinearIterations) / \(klu.statistics.nonlinearIterations)")
        #expect(voltage <= 1e-8)
        #expect(capacity <= 1e-8)
        #expect(time <= 1e-8)
        #expect(steps <= 0.01)
    }
}
