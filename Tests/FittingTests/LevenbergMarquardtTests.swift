import Foundation
import TestSupport
import Testing
@testable import Fitting

/// The optimiser and the statistics on problems with known answers.
@Suite("Levenberg–Marquardt and fit statistics")
struct LevenbergMarquardtTests {
    /// y = a exp(−b t) + noise: the fit recovers a and b within two standard errors, and the
    /// standard errors match the scatter of the estimates over repeated noise draws.
    @Test("exponential decay: recovery within 2σ, standard errors consistent with repeated draws")
    func exponentialDecay() throws {
        let truth = [2.0, 0.7]
        let times = (0..<60).map { Double($0) * 0.1 }
        let sigma = 0.01
        var generator = SplitMix64(seed: 7)
        var estimates: [[Double]] = []
        var reported: [[Double]] = []
        let parameters = [FitParameter(key: "a", initial: 1, lower: 0.1, upper: 10),
                          FitParameter(key: "b", initial: 0.3, lower: 0.01, upper: 5)]
        for _ in 0..<40 {
            let data = times.map { truth[0] * exp(-truth[1] * $0) + sigma * gaussian(&generator) }
            let residuals: ([Double]) -> [Double]? = { theta in
                let a = exp(theta[0]), b = exp(theta[1])
                return zip(times, data).map { (a * exp(-b * $0) - $1) / sigma }
            }
            let jacobian: ([Double], [Double]) -> [[Double]]? = { theta, _ in
                let a = exp(theta[0]), b = exp(theta[1])
                return [times.map { a * exp(-b * $0) / sigma }, times.map { -a * b * $0 * exp(-b * $0) / sigma }]
            }
            let result = try #require(LevenbergMarquardt().minimise(start: parameters.map { log($0.initial) },
                                                                    lower: parameters.map { log($0.lower) },
                                                                    upper: parameters.map { log($0.upper) },
                                                                    residuals: residuals, jacobian: jacobian))
            let stats = FitStatistics(parameters: parameters, coordinates: result.parameters,
                                      jacobianColumns: result.jacobianColumns, objective: result.objective)
            let values = result.parameters.map(exp)
            estimates.append(values)
            reported.append(stats.standardErrors.map { $0! })
            #expect(stats.identifiable)
        }
        // Every estimate within 2σ of the truth in at least 90 % of the draws (2σ covers 95 %).
        for j in 0..<2 {
            let within = zip(estimates, reported).filter { abs($0[j] - truth[j]) <= 2 * $1[j] }.count
            #expect(within >= 34, "parameter \(j): \(within) of 40 within 2σ")
            let mean = estimates.map { $0[j] }.reduce(0, +) / 40
            let scatter = (estimates.map { ($0[j] - mean) * ($0[j] - mean) }.reduce(0, +) / 39).squareRoot()
            let typical = reported.map { $0[j] }.reduce(0, +) / 40
            #expect(scatter / typical > 0.7 && scatter / typical < 1.4, "parameter \(j): scatter \(scatter), reported \(typical)")
        }
    }

    /// y = (a b) t: only the product is determined; the verdict names the pair.
    @Test("a product of two parameters is reported as not identifiable")
    func product() throws {
        let times = (1...20).map(Double.init)
        let data = times.map { 6 * $0 }
        let parameters = [FitParameter(key: "Positive electrode exchange-current density [A.m-2]", initial: 1, lower: 0.1, upper: 10),
                          FitParameter(key: "Positive particle contact fraction mean", initial: 1, lower: 0.1, upper: 10)]
        var generator = SplitMix64(seed: 3)
        let noisy = data.map { $0 + 0.01 * gaussian(&generator) }
        let residuals: ([Double]) -> [Double]? = { theta in zip(times, noisy).map { exp(theta[0] + theta[1]) * $0 - $1 } }
        let jacobian: ([Double], [Double]) -> [[Double]]? = { theta, _ in
            let column = times.map { exp(theta[0] + theta[1]) * $0 }
            return [column, column]
        }
        let result = try #require(LevenbergMarquardt().minimise(start: [0, 0], lower: [log(0.1), log(0.1)], upper: [log(10), log(10)],
                                                                residuals: residuals, jacobian: jacobian))
        #expect(abs(exp(result.parameters[0] + result.parameters[1]) - 6) < 1e-3)
        let stats = FitStatistics(parameters: parameters, coordinates: result.parameters,
                                  jacobianColumns: result.jacobianColumns, objective: result.objective)
        #expect(!stats.identifiable)
        #expect(stats.problems.joined().contains("exchange-current"))
        #expect(stats.problems.joined().contains("contact fraction mean"))
    }

    @Test("Latin hypercube: one point in each stratum of every coordinate, inside the box")
    func latinHypercube() {
        let points = LatinHypercube.points(count: 8, lower: [0, -2], upper: [1, 2], seed: 5)
        #expect(points.count == 8)
        for j in 0..<2 {
            let low = [0.0, -2][j], high = [1.0, 2][j]
            let strata = Set(points.map { Int(($0[j] - low) / (high - low) * 8) })
            #expect(strata == Set(0..<8))
        }
    }

    private func gaussian(_ g: inout SplitMix64) -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &g), u2 = Double.random(in: 0..<1, using: &g)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
