import Foundation
import TestSupport
import Testing
@testable import Validation

/// Issue #20: the report marks every row calibration, prediction or cross-check.
@Suite("Validation rows: calibration or prediction")
struct ValidationRoleTests {
    @Test("the PyBaMM rows are cross-checks; the rows named as predictions, and the coarse cell's resistance rise, are predictions; the report has the column and the counts")
    func roles() {
        let cases = ValidationSuite.all()
        #expect(cases.filter { $0.group == "PyBaMM cross-check" }.allSatisfy { $0.role == .crossCheck })
        // A row whose text says "a prediction" or "not fitted" must not be marked as calibration, nor the reverse.
        for c in cases where c.quantity.contains("a prediction") { #expect(c.role == .prediction, "\(c.quantity)") }
        for c in cases where c.quantity.contains("fitted") && !c.quantity.contains("a prediction") {
            #expect(c.role == .calibration, "\(c.quantity)")
        }
        #expect(cases.contains { $0.quantity.contains("interfacial resistance") && $0.quantity.contains("coarse") && $0.role == .prediction })
        let rows = cases.prefix(3).map { ValidationRow(validationCase: $0, simulated: $0.published, error: nil) }
        let report = ValidationSuite.markdown(Array(rows))
        #expect(report.contains("| quantity | role | published |"))
        #expect(report.contains("| cross-check |"))
        #expect(report.contains("3 cross-check (3 within tolerance)"))
    }
}
