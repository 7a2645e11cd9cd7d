import ArgumentParser
import Fitting
import Foundation
import OutputFiles
import Validation

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every validation case (published data and PyBaMM cross-checks) and write the report.",
        discussion: """
        Writes report.md (published vs simulated, error and pass/fail per row) to the output folder. \
        Exits with 1 when any row is outside its tolerance or could not be computed (e.g. its reference \
        data are missing), 0 only when every row passes.

        With --refit, first reruns the committed calibration fits (validation/fits/*.json, in the order \
        of their names; --fits NAME for some of them): each fits its model keys to its published rows, \
        writes its record to validation/fits/results/NAME.json and the fitted values, with standard \
        errors, into the model files. Rows a fit lists are the report's calibration rows; all other \
        published rows are predictions.
        """)

    @Option(name: .long, help: "Folder for report.md (default: the repository's validation/ folder).")
    var output: String?

    @Option(name: .long, help: "Only cases whose group or quantity contains this text.")
    var filter: String?

    @Flag(name: .long, help: "Rerun the committed calibration fits (validation/fits) and write their values into the model files first.")
    var refit = false

    @Option(name: .long, help: ArgumentHelp("With --refit: only this fit (repeatable).", valueName: "NAME"))
    var fits: [String] = []

    @Option(name: .customLong("max-iterations"), help: "With --refit: most Levenberg–Marquardt iterations per fit.")
    var maxIterations: Int = 12

    func run() throws {
        guard let root = ValidationSuite.repositoryRoot else {
            throw fail("cannot find the repository's models/ folder; run from the repository or set SOLIDCELL_MODELS")
        }
        if refit { try refitCalibrations(root: root) } else if !fits.isEmpty {
            throw fail("--fits \"\(fits[0])\": allowed only with --refit")
        }
        var cases: [ValidationCase]
        do { cases = try ValidationSuite.all(repositoryRoot: root) } catch { throw fail("\(error)") }
        if !ValidationSuite.hasFits(repositoryRoot: root) {
            FileHandle.standardError.write(Data("validate: missing folder validation/fits (run from the repository, or restore validation/): every published row is marked prediction\n".utf8))
        }
        if let filter {
            cases = cases.filter { $0.group.localizedCaseInsensitiveContains(filter) || $0.quantity.localizedCaseInsensitiveContains(filter) }
            guard !cases.isEmpty else { throw fail("--filter \"\(filter)\": no validation case matches") }
        }
        let context = ValidationContext(repositoryRoot: root)
        let started = ContinuousClock.now
        let isTerminal = isatty(STDERR_FILENO) != 0
        let rows = ValidationSuite.run(cases, context: context) { done, total in
            // A progress line that rewrites itself on a terminal; one line per tenth otherwise.
            if isTerminal {
                FileHandle.standardError.write(Data("\r\u{1B}[Kvalidate: \(done)/\(total) cases done".utf8))
            } else if done % max(total / 10, 1) == 0 {
                FileHandle.standardError.write(Data("validate: \(done)/\(total) cases done\n".utf8))
            }
        }
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
        let folder = output ?? root + "/validation"
        let groups = Set(cases.map(\.group))
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // Figures reuse the cases' runs; one that cannot be drawn is left out and said so.
            var figures: [ValidationFigure] = []
            for figure in ValidationSuite.figures() where groups.contains(figure.group) {
                do {
                    try figure.render(context).write(toFile: folder + "/" + figure.file, atomically: true, encoding: .utf8)
                    figures.append(figure)
                } catch {
                    // (Reading the figure's data failed; writing it would fail again at report.md.)
                    FileHandle.standardError.write(Data(("validate: figure \(figure.file) not drawn: "
                        + ValidationSuite.describe(error, repositoryRoot: root) + "\n").utf8))
                }
            }
            try ValidationSuite.markdown(rows, figures: figures).write(toFile: folder + "/report.md", atomically: true, encoding: .utf8)
        } catch {
            throw fail(outputFolderProblem(folder, error: error), code: 1)
        }
        let passed = rows.filter(\.passed).count
        print("\(passed) of \(rows.count) validation rows within tolerance (\(ContinuousClock.now - started)); report: \(folder)/report.md")
        for row in rows where !row.passed {
            if let error = row.error {
                print("  not computed: \(row.validationCase.group) — \(row.validationCase.quantity): \(error)")
            } else {
                print("  outside tolerance: \(row.validationCase.group) — \(row.validationCase.quantity): "
                      + "\(OutputWriter.short(row.simulated)) vs \(OutputWriter.short(row.validationCase.published)) \(row.validationCase.unit)")
            }
        }
        // A missing reference file fails every row that reads it: name each such file once.
        let missing = Set(rows.compactMap(\.error).filter { $0.hasPrefix("missing file ") }).sorted()
        for file in missing {
            FileHandle.standardError.write(Data("validate: \(file) (run from the repository, or restore validation/)\n".utf8))
        }
        if passed < rows.count {
            throw fail("\(rows.count - passed) of \(rows.count) validation rows failed or could not be computed", code: 1)
        }
    }

    /// Runs the selected calibration fits in order, each from the model files the previous ones wrote.
    private func refitCalibrations(root: String) throws {
        guard (1...200).contains(maxIterations) else { throw fail("--max-iterations \(maxIterations): allowed a whole number from 1 to 200") }
        guard ValidationSuite.hasFits(repositoryRoot: root) else {
            throw fail("--refit: missing folder validation/fits (run from the repository, or restore validation/)")
        }
        let all: [CalibrationFit]
        do { all = try CalibrationFit.load(folder: ValidationSuite.fitsFolder(repositoryRoot: root)) } catch { throw fail("\(error)") }
        for name in fits where !all.contains(where: { $0.name == name }) {
            throw fail("--fits \"\(name)\": no such fit (allowed: \(all.map(\.name).joined(separator: ", ")))")
        }
        for fit in all where fits.isEmpty || fits.contains(fit.name) {
            FileHandle.standardError.write(Data("validate --refit: \(fit.name): \(fit.keys.map(\.key).joined(separator: ", ")) to \(fit.rows.count) rows\n".utf8))
            do {
                let cases = try ValidationSuite.all(repositoryRoot: root)
                let (report, objective) = try fit.run(repositoryRoot: root, among: cases, maximumIterations: maxIterations) { progress in
                    let values = progress.values.map { String(format: "%.5g", $0) }.joined(separator: ", ")
                    FileHandle.standardError.write(Data(String(
                        format: "  iteration %d: objective %.6g, step %.3g%@, values %@\n", progress.iteration.number,
                        progress.iteration.objective, progress.iteration.stepSize, progress.iteration.accepted ? "" : " (rejected)", values).utf8))
                }
                try fit.write(report, objective: objective, repositoryRoot: root)
                for (j, key) in fit.keys.enumerated() {
                    let error = report.statistics.standardErrors[j].map { String(format: " ± %.2g", $0) } ?? " (standard error undetermined)"
                    print("\(fit.name): \(key.key) = \(String(format: "%.6g", report.values[j]))\(error)")
                }
                for problem in report.statistics.problems { print("\(fit.name): not identifiable: \(problem)") }
            } catch {
                throw fail("--refit \(fit.name): \(error)", code: 1)
            }
        }
    }
}
