import Foundation
import TestSupport
import Testing
@testable import Validation

@Suite("Agreement with PyBaMM's half-cell DFN at t+ = 1 (same mesh)")
struct PyBaMMCrossCheckTests {
    /// Xu2019 and Chen2020-NMC811 | Li at 0.1C, 1C, 2C: voltage within 2 mV RMS and 5 mV max of
    /// PyBaMM's at its output times, delivered capacity within 0.5 %.
    @Test("voltage within 2 mV RMS and 5 mV max, capacity within 0.5 %, for every model and rate")
    func agreement() throws {
        let cases = ValidationSuite.pybammCrossChecks()
        #expect(cases.count == 18)
        let rows = ValidationSuite.run(cases, context: ValidationContext(repositoryRoot: repositoryRoot))
        for row in rows {
            print("cross-check \(row.validationCase.quantity): \(row.simulated) \(row.validationCase.unit)")
            #expect(row.error == nil, "\(row.error ?? "")")
            #expect(row.passed, "\(row.validationCase.quantity): \(row.simulated) \(row.validationCase.unit)")
        }
        // The reference capacities were read from the CSVs (a missing file would give NaN).
        #expect(cases.allSatisfy { $0.published.isFinite })
    }
}
