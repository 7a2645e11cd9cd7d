import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import CellPhysics
@testable import Parameters
@testable import Protocols
@testable import Simulator

/// The Chen 2020 NMC811 | Li cell on a small mesh, with the given extra keys (mechanics, classes).
func nmc811Cell(_ extra: [String: ParameterValue] = [:], mesh: Int = 8) throws -> CellParameters {
    let meshKeys = ["Separator mesh points", "Positive electrode mesh points", "Positive particle mesh points"]
    return try loadModel("chen2020-nmc811-li-half-cell-t1", Dictionary(uniqueKeysWithValues: meshKeys.map { ($0, Double(mesh)) }),
                         values: extra)
}

/// Mechanics keys: power-law pressure contact, NCM811 volume change, roughness gap.
func mechanicsKeys(pressure: Double, fixture: String = "constant pressure", stiffness: Double? = nil,
                   referencePressure: Double = 50, roughness: Double = 1e-7,
                   volumeLaw: String = "NCM811") -> [String: ParameterValue] {
    var keys: [String: ParameterValue] = [
        "Stack pressure [MPa]": .number(pressure),
        "Stack fixture": .text(fixture),
        "Contact pressure law": .text("power law"),
        "Contact reference pressure [MPa]": .number(referencePressure),
        "Contact residual pressure [MPa]": .number(1),
        "Contact pressure exponent": .number(0.5),
        "Positive electrode volume change law": .text(volumeLaw),
        "Contact gap law": .text("roughness"),
        "Contact roughness length [m]": .number(roughness),
        "Solid electrolyte hardness [MPa]": .number(1900),
        "Negative electrode lithium partial molar volume [m3.mol-1]": .number(1.3e-5),
    ]
    if let stiffness { keys["Stack stiffness [MPa.m-1]"] = .number(stiffness) }
    if volumeLaw == "linear" { keys["Positive electrode volume change at full delithiation"] = .number(0) }
    return keys
}

func classes(_ list: [(share: Double, contact: Double)]) -> [String: ParameterValue] {
    ["Positive particle contact classes": .list(list.map {
        .table(["Volume share": .number($0.share), "Contact fraction": .number($0.contact)])
    })]
}

/// Runs a protocol; `tight` solves to rtol 1e-10 so that two formulations of the same discrete
/// equations can be compared beyond the default tolerance (their solver step sequences differ).
func run(_ parameters: CellParameters, _ text: String, period: Double? = nil, tight: Bool = false) throws -> SimulationResult {
    var options = SimulationOptions()
    options.samplePeriod = period
    if tight {
        options.relativeTolerance = 1e-10
        options.absoluteTolerance = 1e-12
    }
    let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: text), options: options).run()
    if let failure = result.failure { Issue.record("\(failure)") }
    return result
}

@Suite("Contact mechanics")
struct MechanicsTests {
    @Test("with φ = 1 everywhere the model reduces to the baseline")
    func reducesToBaseline() throws {
        let baseline = try run(nmc811Cell(), "Discharge at 1C until 3.3 V", period: 60, tight: true)
        // Pressure at the reference (Π = 1), no volume change (R_rev = 1), one class with φ0 = 1.
        let unity = try nmc811Cell(mechanicsKeys(pressure: 50, volumeLaw: "linear")
                                   .merging(classes([(1, 1)])) { a, _ in a })
        let mechanics = try run(unity, "Discharge at 1C until 3.3 V", period: 60, tight: true)
        try #require(mechanics.timeSeries.count == baseline.timeSeries.count)
        for (a, b) in zip(baseline.timeSeries.voltage, mechanics.timeSeries.voltage) { #expect(abs(a - b) < 1e-7) }
        #expect(abs(baseline.cycles[0].dischargeCapacity - mechanics.cycles[0].dischargeCapacity) < 1e-8)
    }

    @Test("one class and K identical classes give the same voltage")
    func identicalClasses() throws {
        let one = try run(nmc811Cell(classes([(1, 0.6)])), "Discharge at 1C until 3.3 V", period: 60, tight: true)
        let four = try run(nmc811Cell(classes(Array(repeating: (0.25, 0.6), count: 4))), "Discharge at 1C until 3.3 V",
                           period: 60, tight: true)
        try #require(one.timeSeries.count == four.timeSeries.count)
        for (a, b) in zip(one.timeSeries.voltage, four.timeSeries.voltage) { #expect(abs(a - b) < 1e-7) }
    }

    @Test("lower stack pressure never raises capacity")
    func pressureMonotonic() throws {
        let keys = classes([(0.5, 0.9), (0.3, 0.5), (0.2, 0.15)])
        let capacities = try [2.0, 10, 30].map { pressure in
            try run(nmc811Cell(mechanicsKeys(pressure: pressure).merging(keys) { a, _ in a }),
                    "Discharge at 1C until 3.0 V").cycles[0].dischargeCapacity
        }
        #expect(capacities[0] < capacities[1])
        #expect(capacities[1] < capacities[2])
    }

    @Test("isolated particles keep their lithium; contacted ones take it up")
    func isolatedClassesKeepLithium() throws {
        let parameters = try nmc811Cell(classes([(0.7, 0.8), (0.3, 0)]))
        let result = try run(parameters, "Discharge at 0.5C until 3.0 V")
        let y0 = parameters.positiveInitialConcentration / parameters.positiveMaximumConcentration
        let final = try #require(result.finalClassStoichiometry)
        #expect(abs(final[1] - y0) < 1e-9)
        #expect(final[0] > y0 + 0.3)
        // The delivered charge is exactly the lithium the contacted class took up.
        let moles = (final[0] - y0) * 0.7 * parameters.positiveMaximumConcentration * parameters.positiveActiveMaterialFraction
            * parameters.positiveThickness * parameters.totalArea
        #expect(abs(moles * faradayConstant / 3600 - result.cycles[0].dischargeCapacity) < 1e-6 * result.cycles[0].dischargeCapacity)
    }

    @Test("well-contacted particles charge further than poorly contacted ones")
    func socHeterogeneity() throws {
        let parameters = try nmc811Cell(classes([(0.5, 0.95), (0.5, 0.1)]))
        let result = try run(parameters, "Discharge at 0.2C until 3.0 V; Charge at 1C until 4.2 V")
        let final = try #require(result.finalClassStoichiometry)
        // Lower stoichiometry = more delithiated = higher state of charge.
        #expect(final[0] < final[1] - 0.02)
    }

    @Test("a constant-gap stack's pressure changes with the sign and size of the thickness change")
    func constantGapPressure() throws {
        let stiffness = 2e5   // MPa per metre of thickness change
        let parameters = try nmc811Cell(mechanicsKeys(pressure: 10, fixture: "constant gap", stiffness: stiffness))
        let result = try run(parameters, "Discharge at 0.5C for 30 minutes")
        let series = result.timeSeries
        let p = parameters
        // Uniform-lithiation estimate from the average stoichiometry change (the model integrates the
        // particle profiles; at 0.5C for 30 min they are close to uniform).
        let y0 = series.averageStoichiometry.first!, y1 = series.averageStoichiometry.last!
        let law = NCM811VolumeChange()
        let composite = p.positiveThickness * p.positiveActiveMaterialFraction
            * (law.strain(stoichiometry: y1).value - law.strain(stoichiometry: y0).value)
        let foil = -p.positiveThickness * p.positiveActiveMaterialFraction * 1.3e-5 * (y1 - y0) * p.positiveMaximumConcentration
        let expected = 10 + stiffness * (composite + foil)
        let pressure = try #require(series.stackPressure.last)
        // Discharge lithiates NCM (expands) and strips Li (foil thins): the foil wins here, pressure falls.
        #expect(pressure < 10)
        #expect(abs(pressure - expected) < 0.02 * abs(expected - 10))
    }

    @Test("the contact diffusion penalty slows poorly contacted particles only")
    func contactDiffusionPenalty() throws {
        let penalty: [String: ParameterValue] = ["Positive particle contact diffusion exponent": .number(1)]
        // Full contact: g = 1, nothing changes.
        let full = try run(nmc811Cell(classes([(1, 1)])), "Discharge at 1C until 3.3 V", period: 60)
        let fullPenalised = try run(nmc811Cell(classes([(1, 1)]).merging(penalty) { a, _ in a }), "Discharge at 1C until 3.3 V", period: 60)
        #expect(full.timeSeries.voltage == fullPenalised.timeSeries.voltage)
        // Contact 0.3: D_eff = 0.3 D, the particles saturate at their surface sooner, less capacity.
        let patchy = try run(nmc811Cell(classes([(1, 0.3)])), "Discharge at 1C until 3.3 V")
        let patchyPenalised = try run(nmc811Cell(classes([(1, 0.3)]).merging(penalty) { a, _ in a }), "Discharge at 1C until 3.3 V")
        #expect(patchyPenalised.cycles[0].dischargeCapacity < 0.97 * patchy.cycles[0].dischargeCapacity)
    }

    @Test("the analytic Jacobian with contact classes and a constant-gap stack matches finite differences",
          arguments: ["current", "voltage", "power"])
    func jacobianWithMechanics(mode: String) throws {
        var parameters = try nmc811Cell(mechanicsKeys(pressure: 5, fixture: "constant gap", stiffness: 1e5)
            .merging(["Positive particle contact fraction mean": .number(0.6),
                      "Positive particle contact fraction standard deviation": .number(0.25),
                      "Number of particle contact classes": .number(3),
                      "Isolated particle contact fraction threshold": .number(0.05)]) { a, _ in a }, mesh: 4)
        parameters.positiveInitialConcentration = 0.45 * parameters.positiveMaximumConcentration
        var model = P2DModel(parameters: parameters)
        model.control = mode == "current" ? .current(amperes: 2) : mode == "voltage" ? .voltage(volts: 3.8) : .power(watts: 7)
        var generator = SplitMix64(seed: 42)
        var y = model.restingState()
        for index in 0..<y.count {
            let scale = model.toleranceScale[index]
            y[index] += scale > 100 ? scale * 0.3 * (generator.unit() - 0.5) : 0.02 * (generator.unit() - 0.5)
        }
        // Open the reversible gap: deep delithiation at the particle surfaces' neighbours.
        let yp = (0..<y.count).map { _ in generator.unit() - 0.5 }
        let deviation = try model.jacobianDeviationFromFiniteDifferences(time: 0, state: y, derivative: yp, cj: 50,
                                                                         stateScale: model.toleranceScale)
        #expect(deviation < 1e-5)
    }
}

/// Uniform draws in [0, 1) with 53 random bits.
extension SplitMix64 {
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
