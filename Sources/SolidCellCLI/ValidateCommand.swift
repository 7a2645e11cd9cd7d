import ArgumentParser
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
        """)

    @Option(name: .long, help: "Folder for report.md (default: the repository's validation/ folder).")
    var output: String?

    @Option(name: .long, help: "Only cases whose group or quantity contains this text.")
    var filter: String?

    func run() throws {
        guard let root = ValidationSuite.repositoryRoot else {
            throw fail("cannot find the repository's models/ folder; run from the repository or set SOLIDCELL_MODELS")
        }
        var cases = ValidationSuite.all()
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
}
