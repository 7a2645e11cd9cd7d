import Foundation
import Parameters
import Simulator
import TestSupport
import Testing
@testable import Validation

/// Issue #23 item 5: the lithium-metal side against published Li | Li6PS5Cl | Li numbers, and the
/// predicted critical stripping current's rise with the stack pressure.
@Suite("Lithium-metal validation rows", .serialized)
struct LithiumMetalValidationTests {
    @Test("the Li | Li6PS5Cl | Li rows exist, cite a DOI, are predictions and compute finite positive values")
    func rowsComputeFiniteValues() throws {
        let cases = try ValidationSuite.all(repositoryRoot: repositoryRoot)
        let rows = cases.filter { $0.group.hasPrefix("Li | Li6PS5Cl | Li symmetric cell") }
        #expect(rows.count == 3)
        let context = ValidationContext(repositoryRoot: repositoryRoot)
        for row in rows {
            #expect(row.source.contains("doi 10."), "\(row.quantity)")
            #expect(row.role == .prediction, "\(row.quantity)")
            let value = try row.compute(context)
            #expect(value.isFinite && value > 0, "\(row.quantity): \(value)")
            print("\(row.quantity): simulated \(value) \(row.unit), published \(row.published)")
        }
    }

    /// Over the low-pressure range the bundled file's critical stripping current must rise with the
    /// stack pressure (issue #23: creep under the stack pressure refills the voids stripping opens).
    /// From about 1.5 MPa the file's cell shorts (critical plating current) before it loses contact.
    @Test("the bundled symmetric cell's critical stripping current rises with the stack pressure (atmospheric, 1, 1.25 MPa)")
    func criticalCurrentRisesWithPressure() throws {
        var measurement = CriticalCurrentMeasurement()
        measurement.startCurrentDensity = 0.01
        measurement.currentDensityStep = 0.01
        measurement.maximumCurrentDensity = 1
        var critical: [Double] = []
        for pressure in [PublishedData.atmosphericPressure, 1.0, 1.25] {
            let parameters = try loadModel("li-lpscl-li-symmetric", overrides: ["Stack pressure [MPa]=\(pressure)"])
            let result = try measurement.run(parameters)
            #expect(result.simulation.failure == nil)
            let ccd = try #require(result.criticalStrippingCurrentDensity, "no contact loss at \(pressure) MPa up to 1 mA/cm2")
            critical.append(ccd)
            print("li-lpscl-li-symmetric: critical stripping current at \(pressure) MPa: \(ccd) mA/cm2")
        }
        #expect(zip(critical, critical.dropFirst()).allSatisfy { $0 < $1 }, "\(critical)")
    }
}
