import CellModel
import Foundation
import Parameters
import Protocols
import TestSupport
import Testing
@testable import Simulator

/// The symmetric Li | SE | Li cell (`"Cell layout": "foil | SE | foil"`) run end to end: `simulate`
/// with a protocol, the short-circuit criterion as a reported outcome, the critical-current
/// measurement, and the messages for a layout's keys.
@Suite("Symmetric cell runs", .serialized)
struct SymmetricCellRunTests {
    static let file = "li-lpscl-li-symmetric"

    @Test("simulate runs a strip/rest/plate protocol; both foils' contact columns (timeseries.csv and cycles.csv), no particle columns")
    func simulateCommand() throws {
        let folder = temporaryFolder("symmetric")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["simulate", "--model", Self.file, "--experiment",
                                            "Discharge at 0.3 mA/cm2 for 10 min; Rest for 5 min; Charge at 0.3 mA/cm2 for 10 min",
                                            "--output", folder])
        #expect(run.status == 0, "\(run.error)")
        #expect(!run.output.contains("inf") && !run.output.contains("nan"), "\(run.output)")
        let csv = try String(contentsOfFile: folder + "/timeseries.csv", encoding: .utf8)
        let header = try #require(csv.split(separator: "\n").first).split(separator: ",").map(String.init)
        #expect(header.contains("Negative electrode contact fraction"))
        #expect(header.contains("Positive electrode contact fraction"))
        #expect(header.contains("Positive electrode interface resistance [Ohm]"))
        #expect(!header.contains("Average positive particle stoichiometry"))
        // cycles.csv: each foil's smallest contact in the cycle; the stripping foil (x = 0) loses contact.
        let cycles = try String(contentsOfFile: folder + "/cycles.csv", encoding: .utf8).split(separator: "\n")
        let cycleHeader = cycles[0].split(separator: ",").map(String.init)
        let values = cycles[1].split(separator: ",").map(String.init)
        let negative = try #require(cycleHeader.firstIndex(of: "Minimum negative electrode contact fraction"))
        let positive = try #require(cycleHeader.firstIndex(of: "Minimum positive electrode contact fraction"))
        #expect(try #require(Double(values[negative])) < 1)
        #expect(try #require(Double(values[positive])) <= 1)
        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any])
        #expect(summary["status"] as? String == "completed")
        #expect(summary["linear_solver"] as? String == "klu")
    }

    /// A strip whose plating foil (x = L) carries more than i_p from the start shorts at once; below
    /// i_p at full contact, voids opened by stripping focus the next plating on the same foil beyond
    /// it (at switch-on); a current ramp shorts mid-step, the root placed where i⁻/φ_a = i_p.
    @Test("short circuit: a reported outcome, at switch-on or where the local plating current reaches i_p")
    func shortCircuit() throws {
        let folder = temporaryFolder("symmetric-short")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["simulate", "--model", Self.file, "--experiment", "Discharge at 1.5 mA/cm2 for 10 min",
                                            "--output", folder])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("step 1") && run.output.contains("short circuit"))
        let summary = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: folder + "/summary.json"))) as? [String: Any])
        #expect(summary["status"] as? String == "stopped")
        #expect(summary["stop_reason"] as? String == "short circuit")

        let p = try loadModel(Self.file, ["Stack pressure [MPa]": 2, "Negative electrode contact loss threshold": 0])
        let criterion = try #require(p.negativeInterface?.penetration)
        #expect(0.8 * 10 < criterion.criticalLocalCurrent)  // 0.8 mA/cm² = 8 A/m², below i_p at full contact
        let experiment = try Experiment(parsing: "Discharge at 0.8 mA/cm2 for 450 s; Charge at 0.8 mA/cm2 for 450 s")
        let cycled = Simulation(parameters: p, experiment: experiment, cycles: 1).run()
        #expect(cycled.failure == nil && cycled.stop == "short circuit")
        #expect(cycled.steps.map(\.end) == [.duration, .shortCircuit])
        let x0 = try #require(cycled.timeSeries.negativeContactFraction.last)
        #expect(0.8 * 10 / x0 > criterion.criticalLocalCurrent, "the strip left x = 0 at contact \(x0)")

        // A ramp of the current through i_p at full contact: the x = L foil plates, the event ends the step there.
        let iP = criterion.criticalLocalCurrent * p.totalArea
        var ramp = Simulation(parameters: try loadModel(Self.file), experiment: try Experiment(parsing: "Run current profile ramp"))
        ramp.profiles["ramp"] = ControlProfile(times: [0, 100], amperes: [0, 2 * iP])
        let result = ramp.run()
        #expect(result.failure == nil && result.stop == "short circuit")
        let series = result.timeSeries
        let end = series.count - 1
        let local = series.current[end] / p.totalArea / series.positiveContactFraction[end]
        #expect(abs(local / criterion.criticalLocalCurrent - 1) < 1e-6, "local plating current \(local) A/m2 at the stop")
        #expect(abs(series.time[end] - 50) < 1, "at about half the ramp: \(series.time[end]) s")
        print("short circuit on the ramp at \(series.time[end]) s: local plating current \(local) A/m2, contact \(series.positiveContactFraction[end])")
    }

    /// The measurement on the bundled symmetric cell: at low pressure the contact is lost on
    /// stripping, at higher pressure the current-focusing criterion ends it; the critical current
    /// density rises with the stack pressure.
    @Test("critical-current on the symmetric cell: contact loss at low pressure, short circuit higher, rising with pressure")
    func criticalCurrent() throws {
        var critical: [Double] = []
        for pressure in [1.0, 2.0, 5.0] {
            let folder = temporaryFolder("symmetric-ccd")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let run = try ProcessRun.solidcell(["critical-current", "--model", Self.file, "--set", "Stack pressure [MPa]=\(pressure)",
                                                "--output", folder])
            #expect(run.status == 0, "\(run.error)")
            let json = try #require(try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: folder + "/critical-current.json"))) as? [String: Any])
            let stripping = json["critical_stripping_current_density [mA.cm-2]"] as? Double
            let plating = json["critical_plating_current_density [mA.cm-2]"] as? Double
            #expect((stripping == nil) != (plating == nil), "one outcome ends the measurement at \(pressure) MPa")
            if pressure == 1 { #expect(stripping != nil) } else { #expect(plating != nil) }
            critical.append(try #require(stripping ?? plating))
            print("symmetric cell at \(pressure) MPa: critical stripping \(stripping.map { "\($0)" } ?? "null"), plating \(plating.map { "\($0)" } ?? "null") mA/cm2")
        }
        #expect(critical[0] < critical[1] && critical[1] < critical[2])
    }

    /// `sweep --critical-current` runs the measurement in every case: sweep.csv carries each case's
    /// critical current densities, the same as the measurement run alone, and a critical-current
    /// sweep's conflicting or missing inputs are refused before any case runs.
    @Test("sweep --critical-current across stack pressure: sweep.csv holds the measurement's critical currents")
    func criticalCurrentSweep() throws {
        let folder = temporaryFolder("symmetric-ccd-sweep")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let pressures = [1.0, 2.0, 5.0]
        let run = try ProcessRun.solidcell(["sweep", "--critical-current", "--model", Self.file, "--vary",
                                            "Stack pressure [MPa]=" + pressures.map { "\($0)" }.joined(separator: ","),
                                            "--jobs", "2", "--output", folder])
        #expect(run.status == 0, "\(run.error)")
        let lines = try String(contentsOfFile: folder + "/sweep.csv", encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        let stripping = try #require(lines[0].firstIndex(of: "critical_stripping_current_density [mA.cm-2]"))
        let plating = try #require(lines[0].firstIndex(of: "critical_plating_current_density [mA.cm-2]"))
        #expect(lines.count == pressures.count + 1)
        for (row, pressure) in zip(lines.dropFirst(), pressures) {
            let alone = try CriticalCurrentMeasurement().run(try loadModel(Self.file, ["Stack pressure [MPa]": pressure]))
            #expect(Double(row[stripping]) == alone.criticalStrippingCurrentDensity, "\(pressure) MPa: \(row)")
            #expect(Double(row[plating]) == alone.criticalPlatingCurrentDensity, "\(pressure) MPa: \(row)")
            #expect(FileManager.default.fileExists(atPath: folder + "/\(row[0])/critical-current.json"))
        }
        let design = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: folder + "/sweep.json"))) as? [String: Any])
        #expect((design["critical_current"] as? [String: Any])?["capacity per half-cycle [mA.h.cm-2]"] as? Double == 0.1)

        for (arguments, expected) in [(["--critical-current", "--experiment", "Rest for 1 min"], "--critical-current runs its own protocol"),
                                      (["--capacity", "0.2"], "only with --critical-current"),
                                      (["--critical-current", "--start", "2", "--maximum", "1"], "--maximum \"1\""),
                                      (["--critical-current", "--model", "zhou2025-ncm811-lpsc-fine"], "no lithium contact law")] {
            let model = arguments.contains("--model") ? [] : ["--model", Self.file]
            let bad = try ProcessRun.solidcell(["sweep"] + model + arguments + ["--vary", "Stack pressure [MPa]=1,2", "--output", folder + "-bad"])
            #expect(bad.status == 2 && bad.error.contains(expected) && bad.error.split(separator: "\n").count == 1, "\(arguments): \(bad.error)")
            #expect(!FileManager.default.fileExists(atPath: folder + "-bad/case-0000"))
        }
    }

    /// The contact is lost at the foil that strips: the x = 0 ("negative") foil on discharge, the
    /// x = L ("positive") foil on charge; either stops the run.
    @Test("contact lost at the stripping foil, named")
    func contactLostAtEitherFoil() throws {
        let p = try loadModel(Self.file, ["Stack pressure [MPa]": 1])
        for (text, end) in [("Discharge at 0.5 mA/cm2 for 1 hour; Rest for 1 min", StepEnd.contactLost),
                            ("Charge at 0.5 mA/cm2 for 1 hour; Rest for 1 min", .positiveContactLost)] {
            let result = Simulation(parameters: p, experiment: try Experiment(parsing: text)).run()
            #expect(result.failure == nil)
            #expect(result.steps.map(\.end) == [end] && result.stop == end.description)
            let series = result.timeSeries
            let stripping = end == .contactLost ? series.negativeContactFraction : series.positiveContactFraction
            #expect(abs(stripping.last! - 0.5) < 1e-6, "\(text): contact \(stripping.last!) at the stop")
        }
    }

    @Test("what a symmetric cell does not model is refused with a message: impedance, voltage sensitivities")
    func refusals() throws {
        let impedance = try ProcessRun.solidcell(["impedance", "--model", Self.file, "--output", temporaryFolder("symmetric-eis")])
        #expect(impedance.status != 0 && impedance.error.contains("symmetric cell"), "\(impedance.error)")
        let p = try loadModel(Self.file)
        var q = p
        q.electrolyteConductivity *= 1.001
        var simulation = Simulation(parameters: p, experiment: try Experiment(parsing: "Discharge at 0.2 mA/cm2 for 1 min"))
        simulation.sensitivity = SensitivityRequest(plus: [q], minus: [p], steps: [0.001])
        let result = simulation.run()
        let failure = try #require(result.failure)
        #expect(failure.description.contains("symmetric cell"), "\(failure.description)")
    }

    @Test("layout keys: a composite file missing a positive key, a bad layout, a composite key in a symmetric file")
    func layoutMessages() throws {
        func error(_ name: String, values: [String: ParameterValue] = [:], removing: [String] = []) -> ParameterError? {
            do { _ = try loadModel(name, values: values, removing: removing); return nil } catch let e as ParameterError { return e } catch { return nil }
        }
        let missing = try #require(error("zhou2025-ncm811-lpsc-fine", removing: ["Positive electrode thickness [m]"]))
        #expect(missing.key == "Positive electrode thickness [m]")
        #expect(missing.description.contains("Cell layout") && missing.description.contains("foil | SE | foil"))
        let bad = try #require(error(Self.file, values: ["Cell layout": .text("Li | SE | Li")]))
        #expect(bad.key == "Cell layout")
        #expect(bad.description.contains("composite | SE | foil") && bad.description.contains("foil | SE | foil"))
        let extra = try #require(error(Self.file, values: ["Positive electrode thickness [m]": .number(1e-5)]))
        #expect(extra.key == "Positive electrode thickness [m]" && extra.problem == "unknown key")
        let layer = try #require(error(Self.file, values: [CellParameters.negativeDoubleLayerKey: .number(0.05)]))
        #expect(layer.key == CellParameters.negativeDoubleLayerKey)
        // One line from the command line, non-zero exit.
        let run = try ProcessRun.solidcell(["simulate", "--model", Self.file, "--set", "Cell layout=Li | SE | Li",
                                            "--output", temporaryFolder("symmetric-bad")])
        #expect(run.status != 0)
        #expect(run.error.contains("Cell layout") && run.error.split(separator: "\n").count == 1, "\(run.error)")
    }
}
