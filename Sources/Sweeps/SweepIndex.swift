import Foundation
import OutputFiles
import Parameters
import Protocols
import Simulator

// The files of a sweep output folder:
//
//     sweep.json                 the sweep's design (SweepDesign), written first
//     case-0000/ …               one folder per case: timeseries.csv, cycles.csv, summary.json, voltage.svg
//                                (and critical-current.json, overpotential.svg in a critical-current sweep)
//     sweep.csv                  the index of an unsharded or merged sweep
//     sweep-shard-I-of-N.csv     the index of shard I of N
//
// A case folder appears only once complete: its files are written to `.case-NNNN.partial` and the
// folder is then renamed, so a case whose folder holds a readable summary.json is finished.

/// One line of a sweep index: a case, its inputs and its headline results.
public struct SweepRow: Sendable {
    public var caseNumber: Int
    public var caseName: String
    /// The case's value of every varied key, as given.
    public var values: [String]
    /// `completed` or `failed` (as in the case's summary.json).
    public var status: String
    /// Cycles in the case's cycles.csv (the last one partial when the case failed).
    public var cyclesRun: Int
    /// First cycle's discharge capacity [A h] and per gram of active material [mA h g⁻¹].
    public var dischargeCapacity: Double
    public var specificDischargeCapacity: Double
    /// First cycle's mean discharge voltage [V].
    public var meanDischargeVoltage: Double
    /// Last cycle's discharge capacity [A h] and its retention relative to the first [%].
    public var lastDischargeCapacity: Double
    public var retention: Double
    /// Where and why the case stopped (empty when it completed).
    public var reason: String
    /// In a critical-current sweep, the case's critical stripping and plating current densities
    /// [mA cm⁻²] from its critical-current.json (nil: none was reached, or the case failed).
    public var criticalStrippingCurrentDensity: Double? = nil
    public var criticalPlatingCurrentDensity: Double? = nil
}

/// Reading and writing sweep indexes and designs, and merging shard outputs.
public enum SweepIndex {
    public static let designFile = "sweep.json"
    public static let indexFile = "sweep.csv"

    /// File name of a shard's index: `sweep.csv` for the whole sweep, else `sweep-shard-I-of-N.csv`.
    public static func indexFile(for shard: SweepShard) -> String {
        shard.count == 1 ? indexFile : "sweep-shard-\(shard.index)-of-\(shard.count).csv"
    }

    /// The index as CSV: `Case`, one column per varied key, then status and results (a critical-current
    /// sweep adds the two critical current densities, empty where none was reached); rows in the order given.
    public static func csv(design: SweepDesign, rows: [SweepRow]) -> String {
        let measures = design.criticalCurrent != nil
        let header = ["Case"] + design.variables.map(\.key)
            + ["Status", "Cycles run", "Discharge capacity [A.h]", "Discharge capacity [mA.h.g-1]", "Mean discharge voltage [V]",
               "Last discharge capacity [A.h]", "Capacity retention [%]"]
            + (measures ? [CriticalCurrentFiles.strippingKey, CriticalCurrentFiles.platingKey] : []) + ["Reason"]
        var text = header.map(field).joined(separator: ",") + "\n"
        for row in rows {
            let critical = [row.criticalStrippingCurrentDensity, row.criticalPlatingCurrentDensity].map { $0.map(OutputWriter.format) ?? "" }
            let cells = [row.caseName] + row.values + [row.status, String(row.cyclesRun)]
                + [row.dischargeCapacity, row.specificDischargeCapacity, row.meanDischargeVoltage,
                   row.lastDischargeCapacity, row.retention].map(OutputWriter.format) + (measures ? critical : []) + [row.reason]
            text += cells.map(field).joined(separator: ",") + "\n"
        }
        return text
    }

    /// A CSV field: quoted when it holds a comma, quote or line break (RFC 4180); line breaks become spaces.
    static func field(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
        guard flat.contains(where: { $0 == "," || $0 == "\"" }) || flat != text else { return flat }
        return "\"" + flat.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: Designs

    /// The design recorded in `directory`, or nil when there is none.
    public static func readDesign(in directory: String) throws(SweepError) -> SweepDesign? {
        let path = directory + "/" + designFile
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(SweepDesign.self, from: data)
        } catch {
            throw SweepError("\(path): not a SolidCell sweep description (\((error as? DecodingError)?.shortDescription ?? "\(error)"))")
        }
    }

    static func designJSON(_ design: SweepDesign) throws(SweepError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { return try encoder.encode(design) } catch { throw SweepError("cannot encode the sweep description: \(error)") }
    }

    /// Records `design` in `directory`, or checks that the design already there is the same sweep.
    static func prepare(_ directory: String, for design: SweepDesign) throws(SweepError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw SweepError("--output \(directory): cannot create the folder: \(error.localizedDescription)", fileFailure: true)
        }
        if let existing = try readDesign(in: directory) {
            if let difference = existing.difference(from: design) {
                throw SweepError("--output \(directory) holds a different sweep (this one has \(difference)); "
                                 + "use another --output folder or remove it")
            }
            return
        }
        try write(designJSON(design), to: directory + "/" + designFile)
    }

    static func write(_ data: Data, to path: String) throws(SweepError) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SweepError("cannot write \(path): \(error.localizedDescription)", fileFailure: true)
        }
    }

    // MARK: Case folders

    private struct CaseSummary: Decodable {
        var inputs: RunInputs
        var status: String
        var failure: String?
        var stop_reason: String?
    }

    /// The row of case `number` read back from its folder in `directory`; nil when the case has not
    /// finished there (no folder, or no readable summary.json and cycles.csv). Throws when the folder
    /// holds a finished run of other inputs.
    public static func readRow(_ design: SweepDesign, case number: Int, in directory: String) throws(SweepError) -> SweepRow? {
        let folder = directory + "/" + design.caseName(number)
        guard let summaryData = FileManager.default.contents(atPath: folder + "/summary.json"),
              let summary = try? JSONDecoder().decode(CaseSummary.self, from: summaryData),
              let cyclesData = FileManager.default.contents(atPath: folder + "/cycles.csv") else { return nil }
        let expected = design.overrides(ofCase: number)
        guard summary.inputs.overrides == expected, summary.inputs.experiment == design.experiment,
              summary.inputs.cycles == design.cycles else {
            throw SweepError("\(folder) holds a run of other inputs (overrides \(summary.inputs.overrides), "
                             + "expected \(expected)); it is not \(design.caseName(number)) of this sweep: remove it or use another output folder")
        }
        let lines = String(decoding: cyclesData, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        func column(_ name: String) -> Int? { lines.first?.firstIndex(of: name) }
        func value(_ name: String, _ line: [String]?) -> Double {
            guard let line, let index = column(name), index < line.count else { return .nan }
            return Double(line[index]) ?? .nan
        }
        let cycles = Array(lines.dropFirst())
        var critical: CriticalCurrentFiles.Densities?
        if design.criticalCurrent != nil, let data = FileManager.default.contents(atPath: folder + "/critical-current.json") {
            critical = try? JSONDecoder().decode(CriticalCurrentFiles.Densities.self, from: data)
        }
        return SweepRow(caseNumber: number, caseName: design.caseName(number), values: design.values(ofCase: number),
                        status: summary.status, cyclesRun: cycles.count,
                        dischargeCapacity: value("Discharge capacity [A.h]", cycles.first),
                        specificDischargeCapacity: value("Discharge capacity [mA.h.g-1]", cycles.first),
                        meanDischargeVoltage: value("Mean discharge voltage [V]", cycles.first),
                        lastDischargeCapacity: value("Discharge capacity [A.h]", cycles.last),
                        retention: value("Capacity retention [%]", cycles.last),
                        reason: summary.failure ?? summary.stop_reason ?? "",
                        criticalStrippingCurrentDensity: critical?.stripping, criticalPlatingCurrentDensity: critical?.plating)
    }

    // MARK: Merging

    /// The result of ``merge(_:into:)``.
    public struct MergeReport: Sendable {
        public var design: SweepDesign
        /// Every finished case found, in case order.
        public var rows: [SweepRow]
        /// Case numbers found in none of the folders.
        public var missing: [Int]
        /// Case folders copied into the output folder.
        public var copied: Int
        public var indexPath: String
    }

    /// Joins the outputs of shards (or of interrupted runs) of one sweep: checks that every folder
    /// holds the same sweep, copies finished case folders that are not yet in `output` there, and
    /// writes `output/sweep.csv` with every finished case in case order (for a case found in several
    /// folders, the first folder's copy is used). Missing cases are reported, not an error here.
    public static func merge(_ directories: [String], into output: String) throws(SweepError) -> MergeReport {
        guard !directories.isEmpty else { throw SweepError("sweep merge: give at least one sweep output folder") }
        var design: SweepDesign?
        for directory in directories {
            guard let found = try readDesign(in: directory) else {
                throw SweepError("\(directory): not a sweep output folder (no \(designFile))")
            }
            if let design, let difference = design.difference(from: found) {
                throw SweepError("\(directory) holds a different sweep from \(directories[0]) (it has \(difference))")
            }
            design = design ?? found
        }
        let sweep = design!
        try prepare(output, for: sweep)
        let fm = FileManager.default
        let outputPath = URL(fileURLWithPath: output).standardizedFileURL.path
        var rows: [SweepRow] = []
        var missing: [Int] = []
        var copied = 0
        for number in 0..<sweep.caseCount {
            if let row = try readRow(sweep, case: number, in: output) {
                rows.append(row)
                continue
            }
            var found: SweepRow?
            for directory in directories where URL(fileURLWithPath: directory).standardizedFileURL.path != outputPath {
                guard try readRow(sweep, case: number, in: directory) != nil else { continue }
                let name = sweep.caseName(number)
                let staging = output + "/." + name + ".partial"
                let destination = output + "/" + name
                do {
                    if fm.fileExists(atPath: staging) { try fm.removeItem(atPath: staging) }
                    try fm.copyItem(atPath: directory + "/" + name, toPath: staging)
                    if fm.fileExists(atPath: destination) { try fm.removeItem(atPath: destination) }
                    try fm.moveItem(atPath: staging, toPath: destination)
                } catch {
                    throw SweepError("cannot copy \(directory)/\(name) to \(output): \(error.localizedDescription)", fileFailure: true)
                }
                copied += 1
                found = try readRow(sweep, case: number, in: output)
                break
            }
            if let found { rows.append(found) } else { missing.append(number) }
        }
        let indexPath = output + "/" + indexFile
        try write(Data(csv(design: sweep, rows: rows).utf8), to: indexPath)
        return MergeReport(design: sweep, rows: rows, missing: missing, copied: copied, indexPath: indexPath)
    }
}
