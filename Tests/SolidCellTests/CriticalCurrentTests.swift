import Foundation
import Parameters
import Protocols
import TestSupport
import Testing
@testable import Simulator

/// The simulated critical-current measurement (``CriticalCurrentMeasurement``) and
/// `solidcell critical-current` end to end.
@Suite("Critical stripping current", .serialized)
struct CriticalCurrentTests {
    static let file = "zhou2025-ncm811-lpsc-coarse"
    /// The contact law with illustrative (uncalibrated) constants: q_c = 0.05 mA h cm⁻², ε̇₁ = 10⁻⁵ s⁻¹, n = 6.6.
    static let lawOverrides = [
        "Negative electrode interface capacity [mA.h.cm-2]=0.05", "Negative electrode creep rate at 1 MPa [s-1]=1e-5",
        "Negative electrode creep stress exponent=6.6", "Negative electrode creep activation energy [J.mol-1]=37000"]

    static func measurement() -> CriticalCurrentMeasurement {
        var m = CriticalCurrentMeasurement()
        m.startCurrentDensity = 0.25
        m.currentDensityStep = 0.25
        m.maximumCurrentDensity = 8
        m.contactThreshold = 0.7
        return m
    }

    @Test("the levels and the protocol: fixed capacity per half-cycle, the duration falling as 1/J")
    func levelsAndProtocol() throws {
        var m = CriticalCurrentMeasurement()
        m.capacity = 0.2
        m.startCurrentDensity = 0.5
        m.currentDensityStep = 0.5
        m.maximumCurrentDensity = 2
        #expect(m.levels == [0.5, 1, 1.5, 2])
        let experiment = try Experiment(parsing: m.experimentText)
        #expect(experiment.steps.count == 8)
        // 0.2 mA h/cm² at 0.5 mA/cm²: 0.4 h.
        #expect(experiment.steps[0].duration == 1440)
        #expect(experiment.steps[7].duration == 360)
    }

    @Test("the critical stripping current density rises with the stack pressure; the level before it kept contact")
    func risesWithPressure() throws {
        let m = Self.measurement()
        var critical: [Double] = []
        for pressure in [2.0, 2.5] {
            let parameters = try loadModel(Self.file, overrides: Self.lawOverrides + ["Stack pressure [MPa]=\(pressure)"])
            let result = try m.run(parameters)
            #expect(result.simulation.failure == nil)
            let ccd = try #require(result.criticalStrippingCurrentDensity, "no contact loss at \(pressure) MPa")
            critical.append(ccd)
            let last = try #require(result.levels.last)
            #expect(last.currentDensity == ccd)
            #expect(last.strip == "contact lost at the negative electrode")
            #expect(last.plate == nil)
            #expect(abs(last.minimumContact - 0.7) < 1e-6)
            // Every earlier level completed both half-cycles above the threshold.
            for level in result.levels.dropLast() {
                #expect(level.minimumContact > 0.7 && level.strip == "duration elapsed" && level.plate == "duration elapsed")
            }
            // The stripping overpotential grows with the current density.
            let overpotentials = result.levels.map(\.stripOverpotential)
            #expect(zip(overpotentials, overpotentials.dropFirst()).allSatisfy { $0 < $1 })
            print("critical stripping current at \(pressure) MPa: \(ccd) mA/cm2")
        }
        #expect(critical[1] > critical[0])
    }

    @Test("a model without the contact law is refused with a message naming the key")
    func needsTheLaw() throws {
        let parameters = try loadModel(Self.file)
        #expect(throws: CriticalCurrentMeasurement.Unsupported.self) { try Self.measurement().prepared(parameters) }
        let run = try ProcessRun.solidcell(["critical-current", "--model", Self.file, "--output", temporaryFolder("ccd")])
        #expect(run.status == 2)
        #expect(run.error.contains("Negative electrode interface capacity [mA.h.cm-2]"))
        #expect(run.error.split(separator: "\n").count == 1)
    }

    @Test("solidcell critical-current writes critical-current.json with the critical current and overpotential.svg")
    func commandLine() throws {
        let folder = temporaryFolder("ccd")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = try ProcessRun.solidcell(["critical-current", "--model", Self.file]
                                           + Self.lawOverrides.flatMap { ["--set", $0] }
                                           + ["--capacity", "0.1", "--start", "0.25", "--step", "0.25", "--maximum", "8",
                                              "--contact-threshold", "0.7", "--output", folder])
        #expect(run.status == 0, "\(run.error)")
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/critical-current.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let ccd = try #require(json["critical_stripping_current_density [mA.cm-2]"] as? Double)
        #expect(ccd > 0.25 && ccd <= 8)
        #expect(json["critical_plating_current_density [mA.cm-2]"] is NSNull)
        #expect(json["capacity per half-cycle [mA.h.cm-2]"] as? Double == 0.1)
        #expect((json["levels"] as? [Any])?.count == Int((ccd / 0.25).rounded()))
        #expect(FileManager.default.fileExists(atPath: folder + "/overpotential.svg"))
        #expect(FileManager.default.fileExists(atPath: folder + "/timeseries.csv"))
        #expect(run.output.contains("critical stripping current density"))

        for (flag, value) in [("--capacity", "-1"), ("--step", "0"), ("--contact-threshold", "1.5"), ("--maximum", "0.01")] {
            let bad = try ProcessRun.solidcell(["critical-current", "--model", Self.file] + Self.lawOverrides.flatMap { ["--set", $0] }
                                               + [flag + "=" + value, "--output", folder])
            #expect(bad.status == 2, "\(flag) \(value)")
            #expect(bad.error.contains(flag), "\(bad.error)")
        }
    }
}
