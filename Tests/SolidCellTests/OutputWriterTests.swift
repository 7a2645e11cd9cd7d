import Foundation
import TestSupport
import Testing
@testable import OutputFiles
@testable import Simulator

@Suite("Output files")
struct OutputWriterTests {
    /// A result of `cycles` cycles of two steps, the last one failed, with step texts that need
    /// escaping in JSON.
    func result(cycles: Int) -> SimulationResult {
        var result = SimulationResult()
        for cycle in 1...cycles {
            result.steps.append(StepRecord(cycle: cycle, step: 1, text: "Discharge at 1C until 3 V \"quoted\" \\ back\nslash",
                                           startTime: Double(cycle), endTime: Double(cycle) + 0.5,
                                           end: .voltageLimit(3), dischargedCharge: 1e-3 * Double(cycle), energy: 0))
            result.steps.append(StepRecord(cycle: cycle, step: 2, text: "Rest for 1 hour", startTime: Double(cycle) + 0.5,
                                           endTime: Double(cycle) + 1, end: cycle == cycles ? .failed("IDA said \"no\"") : .duration,
                                           dischargedCharge: 0, energy: 0))
        }
        result.failure = SimulationFailure(cycle: cycles, step: 2, stepText: "Rest for 1 hour", time: Double(cycles) + 1,
                                           message: "IDA said \"no\"")
        return result
    }

    @Test("summary.json is valid JSON with every step's record, the failure and the inputs", arguments: [0, 1, 3])
    func summaryRoundTrips(cycles: Int) throws {
        var result = cycles == 0 ? SimulationResult() : result(cycles: cycles)
        result.solverStatistics.steps = 7 * cycles
        result.solverStatistics.residualEvaluations = 11 * cycles
        result.solverStatistics.jacobianEvaluations = 2 * cycles
        result.solverStatistics.nonlinearIterations = 10 * cycles
        result.solverStatistics.errorTestFailures = 3 * cycles
        result.solverStatistics.nonlinearConvergenceFailures = cycles
        result.linearSolver = cycles == 0 ? .condensed : .klu
        result.linearSolverFallbackReason = cycles == 0 ? nil : "a block is not tridiagonal"
        result.linearSolverSkeleton = cycles == 0 ? "KLU on 51 skeleton unknowns, 300 non-zeros" : nil
        let inputs = RunInputs(model: "m \"1\"", modelPath: "/a/b.json", overrides: ["K=1"], experiment: ["Rest for 1 hour"], cycles: cycles)
        let data = try OutputWriter.summaryJSON(result, inputs: inputs)
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(summary.keys).isSuperset(of: ["inputs", "status", "solve_time_s", "solver", "steps", "final_time_s", "discharge_capacity_Ah"]))
        #expect((summary["inputs"] as? [String: Any])?["model"] as? String == "m \"1\"")
        let steps = try #require(summary["steps"] as? [[String: Any]])
        #expect(steps.count == result.steps.count)
        for (record, step) in zip(result.steps, steps) {
            #expect(step["cycle"] as? Int == record.cycle)
            #expect(step["step"] as? Int == record.step)
            #expect(step["text"] as? String == record.text)
            #expect(step["termination"] as? String == record.end.description)
            #expect(step["end_time_s"] as? Double == record.endTime)
            #expect(step["discharged_capacity_Ah"] as? Double == record.dischargedCharge)
        }
        let solver = try #require(summary["solver"] as? [String: Int])
        #expect(solver == ["steps": 7 * cycles, "residual_evaluations": 11 * cycles, "jacobian_evaluations": 2 * cycles,
                           "nonlinear_iterations": 10 * cycles, "error_test_failures": 3 * cycles,
                           "nonlinear_convergence_failures": cycles])
        #expect(summary["linear_solver"] as? String == (cycles == 0 ? "condensed" : "klu"))
        #expect(summary["linear_solver_fallback_reason"] as? String == (cycles == 0 ? nil : "a block is not tridiagonal"))
        #expect(summary["linear_solver_skeleton"] as? String == (cycles == 0 ? "KLU on 51 skeleton unknowns, 300 non-zeros" : nil))
        #expect(summary["status"] as? String == (cycles == 0 ? "completed" : "failed"))
        #expect((summary["failure"] as? String)?.contains("IDA said \"no\"") == (cycles == 0 ? nil : true))
    }
}
