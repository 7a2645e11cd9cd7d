import Foundation
import TestSupport
import Testing
@testable import Validation

/// Issue #20: the report marks every row calibration, prediction or cross-check, and the calibration
/// rows are exactly those the committed fits (validation/fits) are scored against.
@Suite("Validation rows: calibration or prediction")
struct ValidationRoleTests {
    @Test("every row a committed fit lists is one case of the report and marked calibration; every other published row is a prediction; each published system has predictions")
    func rolesFollowTheFits() throws {
        let cases = try ValidationSuite.all(repositoryRoot: repositoryRoot)
        let fits = try CalibrationFit.load(folder: ValidationSuite.fitsFolder(repositoryRoot: repositoryRoot))
        #expect(Set(fits.map(\.name)).isSuperset(of: ["zhou2025-cells", "lu2026-1-rate", "lu2026-2-stack-stiffness", "lu2026-3-cycling",
                                                      "ohno2026-1-rate", "ohno2026-2-cycling"]))
        for fit in fits { _ = try fit.cases(among: cases) }  // each row names exactly one case
        #expect(cases.filter { $0.group == "PyBaMM cross-check" }.allSatisfy { $0.role == .crossCheck })
        for c in cases where c.group != "PyBaMM cross-check" {
            #expect(c.role == (fits.contains { $0.lists(c) } ? .calibration : .prediction), "\(c.quantity)")
        }
        for system in ["Zhou 2025", "Lu 2026", "Ohno 2026"] {
            #expect(cases.contains { $0.group.hasPrefix(system) && $0.role == .prediction }, "\(system) has no prediction row")
            #expect(cases.contains { $0.group.hasPrefix(system) && $0.role == .calibration }, "\(system) has no calibration row")
        }
        #expect(cases.contains { $0.quantity.contains("interfacial resistance") && $0.quantity.contains("coarse") && $0.role == .prediction })
    }

    @Test("the report has the role column and the counts")
    func reportColumns() throws {
        let cases = try ValidationSuite.all(repositoryRoot: repositoryRoot)
        let rows = cases.prefix(3).map { ValidationRow(validationCase: $0, simulated: $0.published, error: nil) }
        let report = ValidationSuite.markdown(Array(rows))
        #expect(report.contains("| quantity | role | published |"))
        #expect(report.contains("| cross-check |"))
        #expect(report.contains("3 cross-check (3 within tolerance)"))
    }

    @Test("a fit row that matches no case, or bounds that are not LOW < HIGH, are refused in one line naming the fit")
    func badFitFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fits-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missingRow = #"{"description": "x", "models": ["lu2026-li2tis3-lpscb-liin"], "fit": [{"key": "Stack stiffness [MPa.m-1]", "bounds": [4000, 400000]}], "rows": [{"group": "Lu 2026", "quantity": "no such row"}]}"#
        try missingRow.write(toFile: folder + "/a.json", atomically: true, encoding: .utf8)
        let fits = try CalibrationFit.load(folder: folder)
        #expect(throws: CalibrationFitError.self) { try fits[0].cases(among: try ValidationSuite.all(repositoryRoot: repositoryRoot)) }
        let badBounds = missingRow.replacingOccurrences(of: "[4000, 400000]", with: "[400000, 4000]")
        try badBounds.write(toFile: folder + "/a.json", atomically: true, encoding: .utf8)
        let error = #expect(throws: CalibrationFitError.self) { try CalibrationFit.load(folder: folder) }
        #expect(error?.description.contains("validation/fits/a") == true)
        #expect(error?.description.contains("\n") == false)
    }
}
