import Foundation
import Parameters
import Testing
@testable import Fitting

/// Published numbers as a fit's data (``FitTargets``): residuals in units of each number's stated
/// uncertainty, and standard errors from those uncertainties.
@Suite("Fits to published numbers")
struct FitTargetsTests {
    /// y₁ = 2a and y₂ = 3a, published 4.2 ± 0.1 and 5.7 ± 0.3: the weighted least-squares value is
    /// a* = Σ xᵢyᵢ/σᵢ² / Σ xᵢ²/σᵢ² and its standard error 1/√(Σ xᵢ²/σᵢ²), whatever the misfit.
    @Test("linear targets: the weighted least-squares value and the standard error the stated uncertainties imply")
    func linearTargets() throws {
        let targets = [FitTargets.Target(name: "y1", value: 4.2, uncertainty: 0.1),
                       FitTargets.Target(name: "y2", value: 5.7, uncertainty: 0.3)]
        let published = FitTargets(targets: targets) { values in
            let a = values["a"] ?? .nan
            return [2 * a, 3 * a]
        }
        let parameter = FitParameter(key: "a", initial: 1, lower: -10, upper: 10)
        var objective = FitObjective(base: ParameterSet(), parameters: [parameter],
                                     datasets: [FitDataset(file: "published", content: .targets(published))])
        objective.finiteDifferenceStep = 1e-6
        var fit = ParameterFit(objective: objective)
        fit.sensitivities = .finiteDifferences
        let report = try fit.run()
        let information = 4 / 0.01 + 9 / 0.09
        let expected = (2 * 4.2 / 0.01 + 3 * 5.7 / 0.09) / information
        #expect(abs(report.values[0] - expected) < 1e-6)
        let error = try #require(report.statistics.standardErrors[0])
        #expect(abs(error - 1 / information.squareRoot()) < 1e-6 * error)
        #expect(objective.datasets[0].noise == 1)
        #expect(report.evaluation.datasets[0].targets?.count == 2)
    }

    /// One number known to a factor, fitted in ln: exact at the optimum, and with as many numbers as
    /// keys the standard error still follows from the stated σ: σ_a = a σ_ln (first order).
    @Test("a logarithmic target: one number determines one key, with the standard error σ_ln·a")
    func logarithmicTarget() throws {
        let published = FitTargets(targets: [FitTargets.Target(name: "rise", value: 34, uncertainty: log(3) / 2, logarithmic: true)]) {
            [($0["a"] ?? .nan) * 17]
        }
        let parameter = FitParameter(key: "a", initial: 1, lower: 0.1, upper: 10)
        let objective = FitObjective(base: ParameterSet(), parameters: [parameter],
                                     datasets: [FitDataset(file: "published", content: .targets(published))])
        var fit = ParameterFit(objective: objective)
        fit.sensitivities = .finiteDifferences
        let report = try fit.run()
        #expect(abs(report.values[0] - 2) < 1e-6)
        let error = try #require(report.statistics.standardErrors[0])
        #expect(abs(error - 2 * log(3) / 2) < 1e-4 * error)
        #expect(report.statistics.identifiable)
    }

    @Test("a target whose run gives another count of numbers is an evaluation error, not a crash")
    func wrongCount() {
        let published = FitTargets(targets: [FitTargets.Target(name: "y", value: 1, uncertainty: 0.1)]) { _ in [1, 2] }
        let objective = FitObjective(base: ParameterSet(), parameters: [FitParameter(key: "a", initial: 1, lower: 0.1, upper: 10)],
                                     datasets: [FitDataset(file: "published", content: .targets(published))])
        #expect(throws: FitEvaluationError.self) { try objective.evaluate(values: [1]) }
    }
}
