import Foundation
import Parameters
import TestSupport
import Testing
@testable import CellModel
@testable import OutputFiles
@testable import Protocols
@testable import Simulator
@testable import Sweeps

/// The lithium-interface contact law in runs: the "contact lost" stop (an outcome, not a
/// failure), its outputs, and the keys' validation.
@Suite("Lithium interface contact in runs")
struct LithiumContactRunTests {
    static let file = "zhou2025-ncm811-lpsc-coarse"

    /// The Zhou coarse cell with three contact classes and the contact law (q_c = 0.05 mA h cm⁻²,
    /// ε̇₁ = 10⁻⁵ s⁻¹, n = 6.6, Q = 37 kJ mol⁻¹, r_c = 10⁻³ Ω m² at 1 MPa) and the given changes.
    static func parameters(_ other: [String: Double] = [:]) throws -> CellParameters {
        var changes: [String: Double] = [
            NegativeInterfaceParameters.capacityKey: 0.05, "Negative electrode creep rate at 1 MPa [s-1]": 1e-5,
            "Negative electrode creep stress exponent": 6.6, "Negative electrode creep activation energy [J.mol-1]": 37_000,
            "Negative electrode contact resistance [Ohm.m2]": 1e-3, "Number of particle contact classes": 3]
        for (key, value) in other { changes[key] = value }
        return try loadModel(file, changes)
    }

    @Test("a strip that loses contact stops the run with that reason, not a failure, and writes the contact outputs")
    func contactLostStopsTheRun() throws {
        let parameters = try Self.parameters(["Negative electrode contact loss threshold": 0.7])
        let experiment = try Experiment(parsing: "Charge at 1C until 4.3 V; Discharge at 2C until 2.5 V; Rest for 10 minutes")
        let result = Simulation(parameters: parameters, experiment: experiment, cycles: 2).run()
        #expect(result.failure == nil)
        #expect(result.stop == "contact lost at the negative electrode")
        #expect(result.steps.count == 2, "the rest and the second cycle are not run")
        let strip = try #require(result.steps.last)
        #expect(strip.end == .contactLost)
        #expect(strip.end.description == "contact lost at the negative electrode")
        #expect(strip.dischargedCharge > 0)
        #expect(result.steps[0].end == .voltageLimit(4.3) || result.steps[0].end == .condition("4.3 V"))
        // The run stopped on the root: the last contact is the threshold.
        let contact = result.timeSeries.negativeContactFraction
        #expect(contact.count == result.timeSeries.count)
        #expect(abs(contact.last! - 0.7) < 1e-6, "last contact \(contact.last!)")
        #expect(contact.first! == 1)
        // The interface resistance ∝ 1/φ_a at constant pressure: R φ_a stays the same.
        let resistance = result.timeSeries.negativeInterfaceResistance
        let products = zip(resistance, contact).map { $0 * $1 }
        #expect(products.allSatisfy { abs($0 - products[0]) <= 1e-12 * products[0] })
        #expect(resistance.last! > 1.4 * resistance.first!)
        let cycle = try #require(result.cycles.last)
        #expect(!cycle.complete)
        #expect(cycle.minimumNegativeContactFraction == contact.min())

        let names = result.timeSeries.columns.map(\.name)
        #expect(names.suffix(3) == ["Negative electrode contact fraction", "Negative electrode interface resistance [Ohm]",
                                    "Negative electrode overpotential [V]"])
        // Stripping: once the foil's double layer has charged (a fraction of a millisecond here; the
        // strip starts from the plating overpotential), the foil side's overpotential is positive and
        // grows as the contact falls.
        let overpotential = result.timeSeries.negativeInterfaceOverpotential
        let time = result.timeSeries.time
        let stripStart = try #require(result.timeSeries.step.firstIndex(of: 2))
        let charged = try #require(time.indices.first { $0 > stripStart && time[$0] > time[stripStart] + 0.1 })
        #expect(overpotential[stripStart] < 0)
        #expect(overpotential[charged...].allSatisfy { $0 > 0 })
        #expect(overpotential.last! > 1.2 * overpotential[charged])
        let csv = OutputWriter.cyclesCSV(result.cycles).split(separator: "\n")
        #expect(csv[0].hasSuffix(",Complete,Simulated,Minimum negative electrode contact fraction"))
        #expect(csv[1].hasSuffix(",false,true," + OutputWriter.format(contact.min()!)))
        let summary = try JSONSerialization.jsonObject(with: OutputWriter.summaryJSON(result, inputs: RunInputs(
            model: "zhou", modelPath: "", overrides: [], experiment: [], cycles: 2))) as? [String: Any]
        #expect(summary?["status"] as? String == "stopped")
        #expect(summary?["stop_reason"] as? String == "contact lost at the negative electrode")
        #expect(summary?["partial"] as? Bool == true)
    }

    @Test("a higher stack pressure keeps the contact through the same strip")
    func pressureKeepsContact() throws {
        let experiment = try Experiment(parsing: "Charge at 1C until 4.3 V; Discharge at 2C for 60 s")
        let loose = Simulation(parameters: try Self.parameters(), experiment: experiment).run()
        let pressed = Simulation(parameters: try Self.parameters(["Stack pressure [MPa]": 10]), experiment: experiment).run()
        #expect(loose.failure == nil && pressed.failure == nil)
        let lost = 1 - loose.timeSeries.negativeContactFraction.last!
        let kept = 1 - pressed.timeSeries.negativeContactFraction.last!
        #expect(lost > 0.3)
        #expect(kept < 1e-3 * lost)
    }

    @Test("a model without the law writes the outputs it always did")
    func withoutTheLaw() throws {
        let parameters = try loadModel(Self.file, ["Number of particle contact classes": 3])
        #expect(parameters.negativeInterface == nil)
        #expect(!P2DModel(parameters: parameters).hasLithiumContact)
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Charge at 1C for 60 s")).run()
        #expect(result.stop == nil)
        #expect(result.timeSeries.negativeContactFraction.isEmpty)
        #expect(!result.timeSeries.columns.map(\.name).contains { $0.hasPrefix("Negative electrode") })
        #expect(OutputWriter.cyclesCSV(result.cycles).hasPrefix(OutputWriter.cyclesCSVHeader))
        #expect(result.cycles[0].minimumNegativeContactFraction.isNaN)
    }

    @Test("the law's keys are checked: each bad value names its key and what is allowed")
    func validation() throws {
        func error(_ name: String, _ changes: [String: Double]) -> ParameterError? {
            do { _ = try loadModel(name, changes); return nil } catch let error as ParameterError { return error } catch { return nil }
        }
        let capacity = NegativeInterfaceParameters.capacityKey
        let base: [String: Double] = [capacity: 0.05, "Negative electrode creep rate at 1 MPa [s-1]": 1e-5,
                                      "Negative electrode creep stress exponent": 6.6,
                                      "Negative electrode creep activation energy [J.mol-1]": 37_000]
        // Without the mechanics block there is no stack pressure to drive creep.
        let noMechanics = try #require(error("xu2019-nmc532-half-cell-t1", base))
        #expect(noMechanics.key == capacity)
        #expect(noMechanics.allowed.contains("Stack pressure [MPa]"))
        // A creep key without the capacity that switches the law on.
        let orphan = try #require(error(Self.file, ["Negative electrode creep stress exponent": 6.6]))
        #expect(orphan.key == "Negative electrode creep stress exponent")
        #expect(orphan.allowed.contains(capacity))
        var bad = base
        bad[capacity] = -1
        #expect(error(Self.file, bad)?.key == capacity)
        bad = base
        bad["Negative electrode creep stress exponent"] = 0.5
        #expect(error(Self.file, bad)?.key == "Negative electrode creep stress exponent")
        bad = base
        bad["Negative electrode initial contact fraction"] = 0.6
        bad["Negative electrode contact loss threshold"] = 0.6
        let threshold = try #require(error(Self.file, bad))
        #expect(threshold.key == "Negative electrode contact loss threshold")
        #expect(threshold.allowed.contains("0.6"))
        #expect(error(Self.file, base) == nil)
    }
}

/// A sweep across the stack pressure: a case that loses contact is a finished, `stopped` case with
/// its reason in the index, not a failed one.
@Suite("Lithium interface contact in sweeps")
struct LithiumContactSweepTests {
    @Test("sweep over pressure: contact lost at 2 MPa (stopped, with the reason), kept at 10 MPa")
    func sweepOverPressure() throws {
        let law = ["Negative electrode interface capacity [mA.h.cm-2]=0.05", "Negative electrode creep rate at 1 MPa [s-1]=1e-5",
                   "Negative electrode creep stress exponent=6.6", "Negative electrode creep activation energy [J.mol-1]=37000",
                   "Negative electrode contact loss threshold=0.7", "Number of particle contact classes=3"]
        let sweep = try Sweeps.ParameterSweep(
            model: ModelFile.load(path: TestSupport.modelPath("zhou2025-ncm811-lpsc-coarse")), overrides: law,
            variables: [try SweepVariable(parsing: "Stack pressure [MPa]=2,10")],
            experiment: Experiment(parsing: "Charge at 1C until 4.3 V; Discharge at 2C until 2.5 V"), cycles: 1)
        let folder = temporaryFolder("sweep-contact")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try sweep.run(in: folder, jobs: 1)
        #expect(report.rows.map(\.status) == ["stopped", "completed"])
        #expect(report.rows[0].reason == "contact lost at the negative electrode")
        #expect(report.failed == 0)
    }
}
