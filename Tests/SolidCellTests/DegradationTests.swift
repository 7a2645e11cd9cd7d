import Foundation
import TestSupport
import Testing
@testable import CellModel
@testable import CellPhysics
@testable import Parameters
@testable import Protocols
@testable import Simulator

/// Contact-damage keys of the strain-cycle law (docs/MODEL.md, "Degradation"); unless given, the
/// values whose 50-cycle damage `damageLawAnchors` checks.
func damageKeys(rate: Double = 0.008, exponent: Double = 2, pressureScale: Double = 10) -> [String: ParameterValue] {
    ["Contact damage law": .text("strain cycle"), "Contact damage rate per cycle": .number(rate),
     "Contact damage reference strain": .number(0.05), "Contact damage strain exponent": .number(exponent),
     "Contact damage pressure scale [MPa]": .number(pressureScale), "Contact damage pressure exponent": .number(1)]
}

/// Electrolyte-oxidation keys: onset U_ox, current density at onset, interphase conductivity.
func oxidationKeys(onset: Double = 4.0, current: Double = 1e-3, conductivity: Double = 1e-7) -> [String: ParameterValue] {
    ["Solid electrolyte oxidation potential [V]": .number(onset),
     "Solid electrolyte oxidation current density [A.m-2]": .number(current),
     "Solid electrolyte oxidation transfer coefficient": .number(0.5),
     "Solid electrolyte oxidation activation energy [J.mol-1]": .number(0),
     "Interphase molar volume [m3.mol-1]": .number(5e-5),
     "Interphase ionic conductivity [S.m-1]": .number(conductivity)]
}

/// Starts the Chen 2020 cell discharged (y = 0.85), so that cycles begin with a charge.
let dischargedStart: [String: ParameterValue] = ["Initial concentration in positive electrode [mol.m-3]": .number(44_000)]

func merged(_ parts: [String: ParameterValue]...) -> [String: ParameterValue] {
    parts.reduce(into: [:]) { $0.merge($1) { a, _ in a } }
}

@Suite("Degradation")
struct DegradationTests {
    @Test("the damage law reproduces its calibration anchors: D(50) ≈ 0.33, 0.22, 0.08 at 2, 10, 50 MPa (NCM811)")
    func damageLawAnchors() {
        let law = StrainCycleDamage(ratePerCycle: 0.008, referenceStrain: 0.05, strainExponent: 2,
                                    pressureScale: 10, pressureExponent: 1)
        for (pressure, expected) in [(2.0, 0.33), (10, 0.22), (50, 0.08)] {
            var damage = 0.0
            for _ in 0..<50 { damage = law.damage(after: damage, strainSwing: 0.055, pressure: pressure, pressureSwing: 0) }
            #expect(abs(damage - expected) < 0.01, "P = \(pressure) MPa: D(50) = \(damage)")
        }
        #expect(law.damage(after: 0.3, strainSwing: 0, pressure: 2, pressureSwing: 0.1) == 0.3)
        #expect(law.damage(after: 1, strainSwing: 0.1, pressure: 0, pressureSwing: 0) == 1)
        // Stack-stress fatigue: a relative pressure swing s_ref counts as much as a strain swing ε_ref.
        var fatigue = law
        fatigue.referencePressureSwing = 0.02
        #expect(abs(fatigue.damage(after: 0, strainSwing: 0, pressure: 10, pressureSwing: 0.02)
                    - law.damage(after: 0, strainSwing: 0.05, pressure: 10, pressureSwing: 0)) < 1e-15)
    }

    @Test("the overpotential behind a film solves η + R j(η) = Δ")
    func filmOverpotential() throws {
        let model = P2DModel(parameters: try nmc811Cell(oxidationKeys()))
        for drive in [-0.8, -0.1, -1e-4, 0, 2e-3, 0.05, 0.6] {
            for (i0, film) in [(1.0, 1e-4), (2.0, 0.1), (0.5, 50.0)] {
                let eta = try #require(model.kinetics.overpotentialBehindFilm(drive: drive, exchangeCurrent: i0, film: film))
                let j = 2 * i0 * sinh(0.5 * model.f * eta)
                #expect(abs(eta + film * j - drive) <= 1e-12 * max(1, abs(drive)))
                #expect(eta * drive >= 0 && abs(eta) <= abs(drive))
            }
        }
    }

    @Test("the analytic Jacobian with damage, oxidation and interphase films matches finite differences",
          arguments: ["current", "voltage"])
    func jacobianWithDegradation(mode: String) throws {
        var parameters = try nmc811Cell(merged(
            mechanicsKeys(pressure: 5, fixture: "constant gap", stiffness: 1e5), damageKeys(), oxidationKeys(onset: 3.7),
            ["Positive particle contact fraction mean": .number(0.6),
             "Positive particle contact fraction standard deviation": .number(0.25),
             "Number of particle contact classes": .number(3),
             "Isolated particle contact fraction threshold": .number(0.05),
             "Positive particle contact diffusion exponent": .number(1.5)]), mesh: 4)
        parameters.positiveInitialConcentration = 0.45 * parameters.positiveMaximumConcentration
        var model = P2DModel(parameters: parameters)
        model.control = mode == "current" ? .current(amperes: 2) : .voltage(volts: 3.8)
        var generator = SplitMix64(seed: 7)
        for index in model.contactDamage.indices { model.contactDamage[index] = 0.6 * generator.unit() }
        var y = model.restingState()
        for index in 0..<y.count {
            let scale = model.toleranceScale[index]
            y[index] += scale > 100 ? scale * 0.3 * (generator.unit() - 0.5) : 0.02 * (generator.unit() - 0.5)
        }
        // Films thick enough that R_f j is a sizeable part of the overpotential (R_f up to ~0.1 Ω m²).
        for index in model.filmStart..<model.stateCount { y[index] = 300 * generator.unit() }
        let yp = (0..<y.count).map { _ in generator.unit() - 0.5 }
        let deviation = try model.jacobianDeviationFromFiniteDifferences(time: 0, state: y, derivative: yp, cj: 50,
                                                                         stateScale: model.toleranceScale)
        #expect(deviation < 1e-5)
    }

    @Test("inactive degradation (zero rates) leaves the cycling unchanged")
    func inactiveDegradationIsBaseline() throws {
        var options = SimulationOptions()
        options.samplePeriod = 120
        options.relativeTolerance = 1e-10
        options.absoluteTolerance = 1e-12
        let experiment = try Experiment(parsing: "Charge at 1C until 4.1 V; Discharge at 1C until 3.3 V")
        let mechanics = merged(mechanicsKeys(pressure: 5), dischargedStart)
        let plain = Simulation(parameters: try nmc811Cell(mechanics), experiment: experiment, cycles: 2, options: options).run()
        let inactive = try nmc811Cell(merged(mechanics, damageKeys(rate: 0), oxidationKeys(current: 0)))
        let aged = Simulation(parameters: inactive, experiment: experiment, cycles: 2, options: options).run()
        #expect(plain.failure == nil && aged.failure == nil)
        try #require(aged.timeSeries.count == plain.timeSeries.count)
        for (a, b) in zip(plain.timeSeries.voltage, aged.timeSeries.voltage) { #expect(abs(a - b) < 1e-7) }
        #expect(abs(aged.cycles[1].dischargeCapacity - plain.cycles[1].dischargeCapacity) < 1e-8)
        #expect(aged.cycles.allSatisfy { $0.sideReactionCharge == 0 })
    }

    @Test("lithium balance with oxidation: ΔLi·F = Q_discharged + the oxidised charge, and CE < 1")
    func sideReactionConservesCharge() throws {
        // No mechanics: the contact fractions are constant, so the oxidised charge is exactly
        // A Σ_j h_j Σ_k a_k φ_k q_jk.
        let parameters = try nmc811Cell(merged(classes([(0.6, 0.9), (0.4, 0.4)]), dischargedStart,
                                               oxidationKeys(onset: 4.0, current: 5e-3)))
        let model = P2DModel(parameters: parameters)
        let result = try run(parameters, "Charge at 1C until 4.2 V; Hold at 4.2 V until C/20; Discharge at 1C until 3.3 V")
        let y = try #require(result.finalState)
        let lithiumChange = (model.lithiumInParticles(y) - model.lithiumInParticles(model.restingState())) * faradayConstant / 3600
        var oxidised = 0.0
        for j in 0..<model.mesh.positiveCells {
            for k in 0..<model.classCount {
                oxidised += model.mesh.widths[model.mesh.separatorCells + j] * model.classArea[k] * model.contactClasses[k].initialContact
                    * y[model.filmStart + j * model.classCount + k]
            }
        }
        oxidised *= parameters.totalArea / 3600
        let cycle = result.cycles[0]
        #expect(oxidised > 1e-3 * cycle.chargeCapacity)
        #expect(abs(lithiumChange - (cycle.dischargeCapacity - cycle.chargeCapacity + oxidised)) < 1e-6 * cycle.chargeCapacity)
        #expect(cycle.coulombicEfficiency < 1 - 1e-3)
        // The post-processed side charge agrees with the states' (trapezoidal rule over solver steps).
        #expect(abs(cycle.sideReactionCharge - oxidised) < 0.02 * oxidised)
        // The film raises the interfacial resistance.
        var fresh = y
        for index in model.filmStart..<model.stateCount { fresh[index] = 0 }
        #expect(model.chargeTransferResistance(y) > model.chargeTransferResistance(fresh))
    }

    @Test("stack pressure suppresses contact damage and its capacity fade")
    func pressureSuppressesDamage() throws {
        let keys = merged(classes([(0.5, 0.9), (0.3, 0.6), (0.2, 0.3)]), dischargedStart, damageKeys(rate: 0.05))
        let results = try [2.0, 30].map { pressure in
            let parameters = try nmc811Cell(merged(mechanicsKeys(pressure: pressure), keys))
            let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Charge at 0.5C until 4.2 V; Discharge at 0.5C until 3.2 V"),
                                    cycles: 6).run()
            #expect(result.failure == nil)
            return result
        }
        let low = try #require(results[0].finalContactDamage), high = try #require(results[1].finalContactDamage)
        for (a, b) in zip(low, high) { #expect(a > b && b > 0) }
        #expect(results[0].cycles.last!.retention < results[1].cycles.last!.retention)
        #expect(results[0].cycles.last!.retention < 100)
    }

    @Test("interfacial current density per contacted area: Σ_j h_j Σ_k a_k φ_k j_k is the cell's current density in a steady discharge")
    func interfacialCurrentDensity() throws {
        let crowding: [String: ParameterValue] = ["Contact damage reference current crowding": .number(2),
                                                  "Contact damage current crowding exponent": .number(1)]
        let parameters = try nmc811Cell(merged(mechanicsKeys(pressure: 10), classes([(0.6, 0.9), (0.4, 0.3)]), damageKeys(), crowding))
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Discharge at 0.5C for 20 minutes"),
                                cycles: 1).run()
        #expect(result.failure == nil)
        let y = try #require(result.finalState)
        let model = try P2DModel(parameters: parameters)
        var current = [Double](repeating: -1, count: model.contactDamage.count)
        model.interfacialCurrentDensity(y, into: &current)
        var total = 0.0
        y.withUnsafeBufferPointer { buffer in
            let pressureFactor = model.pressureFactor(buffer[model.pressureIndex])
            for j in 0..<model.mesh.positiveCells {
                for k in 0..<model.classCount {
                    let phi = model.contactFraction(buffer, cell: j, class: k, pressureFactor: pressureFactor).value
                    total += model.mesh.widths[model.mesh.separatorCells + j] * model.classArea[k] * phi * current[j * model.classCount + k]
                }
            }
        }
        #expect(current.allSatisfy { $0 > 0 })
        // The running totals integrate the same |j| and the mean current density per particle surface.
        let yp = try #require(result.finalDerivative)
        var integrands = [Double](repeating: -1, count: model.quadratureCount)
        y.withUnsafeBufferPointer { state in
            yp.withUnsafeBufferPointer { rate in
                integrands.withUnsafeMutableBufferPointer { model.quadratureIntegrands(time: 0, state: state, derivative: rate, into: $0) }
            }
        }
        #expect(Array(integrands[model.particleChargeQuadratures]) == current)
        #expect(integrands[Quadrature.meanParticleCharge.rawValue] == model.meanParticleCurrentDensity(y))
        #expect(abs(model.meanParticleCurrentDensity(y) * model.activeSurfacePerElectrodeArea - abs(y[model.currentIndex])) < 1e-12)
        #expect(abs(total - abs(y[model.currentIndex])) < 1e-6 * abs(y[model.currentIndex]))
        // Crowding: the poorly contacted class carries the higher current density per contacted area.
        for j in 0..<model.mesh.positiveCells { #expect(current[2 * j + 1] > current[2 * j]) }
    }

    @Test("the running totals' integrands have exact derivatives along a direction (side reaction, crowding and pressure on): equal to central differences to 1e-6")
    func quadratureIntegrandDerivatives() throws {
        let set = try loadParameterSet("zhou2025-ncm811-lpsc-fine").with(["Positive electrode mesh points": 5, "Number of particle contact classes": 3])
        let parameters = try CellParameters(set)
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Charge at 0.5C for 20 minutes"), cycles: 1).run()
        #expect(result.failure == nil)
        let y = try #require(result.finalState), yp = try #require(result.finalDerivative)
        let model = try P2DModel(parameters: parameters)
        #expect(!model.particleChargeQuadratures.isEmpty && model.parameters.degradation?.oxidation != nil)
        // A direction of the size of each unknown and of its rate.
        var generator = SplitMix64(seed: 5)
        let v = y.map { $0 * Double.random(in: -1...1, using: &generator) + 1e-3 }
        let vp = yp.map { $0 * Double.random(in: -1...1, using: &generator) }
        func integrands(_ shift: Double) -> [Double] {
            let state = zip(y, v).map { $0 + shift * $1 }, rate = zip(yp, vp).map { $0 + shift * $1 }
            var q = [Double](repeating: 0, count: model.quadratureCount)
            state.withUnsafeBufferPointer { s in
                rate.withUnsafeBufferPointer { r in q.withUnsafeMutableBufferPointer { model.quadratureIntegrands(time: 0, state: s, derivative: r, into: $0) } }
            }
            return q
        }
        let h = 1e-6
        let difference = zip(integrands(h), integrands(-h)).map { ($0 - $1) / (2 * h) }
        var exact = [Double](repeating: 0, count: model.quadratureCount)
        y.withUnsafeBufferPointer { s in
            yp.withUnsafeBufferPointer { r in
                v.withUnsafeBufferPointer { d in
                    vp.withUnsafeBufferPointer { dr in
                        exact.withUnsafeMutableBufferPointer { model.quadratureIntegrandDerivatives(state: s, derivative: r, along: d, rate: dr, into: $0) }
                    }
                }
            }
        }
        for m in exact.indices {
            #expect(abs(exact[m] - difference[m]) <= 1e-6 * max(abs(difference[m]), 1e-12), "quadrature \(m): \(exact[m]) vs \(difference[m])")
        }
        #expect(exact[Quadrature.sideReactionCharge.rawValue] != 0 && exact[model.particleChargeQuadratures.lowerBound] != 0)
    }

    @Test("the contact damage does not depend on how the solution is recorded: every solver step or every 10 minutes give the same damage")
    func damageIndependentOfSampling() throws {
        let crowding: [String: ParameterValue] = ["Contact damage reference current crowding": .number(2),
                                                  "Contact damage current crowding exponent": .number(1)]
        let parameters = try nmc811Cell(merged(mechanicsKeys(pressure: 10), classes([(0.6, 0.9), (0.4, 0.3)]), damageKeys(rate: 0.01), crowding))
        let damage = try [nil, 600.0].map { period in
            var simulation = Simulation(parameters: parameters,
                                        experiment: try Experiment(parsing: "Charge at 0.5C until 4.2 V; Rest for 20 minutes; Discharge at 0.5C until 3.2 V"),
                                        cycles: 3)
            simulation.options.samplePeriod = period
            let result = simulation.run()
            #expect(result.failure == nil)
            return try #require(result.finalContactDamage)
        }
        #expect(damage[0].allSatisfy { $0 > 0 })
        for (a, b) in zip(damage[0], damage[1]) { #expect(abs(a - b) <= 1e-9 * a) }
    }

    @Test("current crowding damages the poorly contacted class more than the strain alone does")
    func crowdingDamagesPoorContacts() throws {
        let base = merged(mechanicsKeys(pressure: 10), classes([(0.6, 0.9), (0.4, 0.3)]), dischargedStart, damageKeys(rate: 0.01))
        let crowding: [String: ParameterValue] = ["Contact damage reference current crowding": .number(2),
                                                  "Contact damage current crowding exponent": .number(1)]
        let damage = try [base, merged(base, crowding)].map { keys in
            let result = Simulation(parameters: try nmc811Cell(keys),
                                    experiment: try Experiment(parsing: "Charge at 0.5C until 4.2 V; Discharge at 0.5C until 3.2 V"),
                                    cycles: 2).run()
            #expect(result.failure == nil)
            return try #require(result.finalContactDamage)
        }
        let cells = damage[0].count / 2
        for j in 0..<cells {
            #expect(damage[1][2 * j] > damage[0][2 * j] && damage[1][2 * j + 1] > damage[0][2 * j + 1], "crowding only adds damage")
            // The poor class's damage grows by more than the good class's: its contacts carry more current.
            #expect(damage[1][2 * j + 1] / damage[0][2 * j + 1] > damage[1][2 * j] / damage[0][2 * j])
        }
    }

    @Test("a damage activation energy makes the same cycling at 45 °C damage more than at 25 °C")
    func damageActivationEnergy() throws {
        let keys = merged(mechanicsKeys(pressure: 10), classes([(1, 0.8)]), dischargedStart, damageKeys(rate: 0.01),
                          ["Contact damage activation energy [J.mol-1]": .number(30_000)])
        let damage = try [298.15, 318.15].map { temperature in
            let result = Simulation(parameters: try nmc811Cell(merged(keys, ["Ambient temperature [K]": .number(temperature)])),
                                    experiment: try Experiment(parsing: "Charge at 0.5C until 4.2 V; Discharge at 0.5C until 3.2 V"),
                                    cycles: 2).run()
            #expect(result.failure == nil)
            return try #require(result.finalContactDamage).reduce(0, +)
        }
        #expect(damage[1] > 1.5 * damage[0], "Arrhenius factor 2.2 at 45 °C (the strain swing differs a little)")
    }

    @Test("a class damaged below the isolation threshold is isolated and keeps its lithium")
    func damageIsolates() throws {
        let parameters = try nmc811Cell(merged(mechanicsKeys(pressure: 2), classes([(0.6, 0.95), (0.4, 0.45)]), damageKeys(rate: 1),
                                               dischargedStart, ["Isolated particle contact fraction threshold": .number(0.35)]))
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Charge at 0.5C until 4.2 V; Discharge at 0.5C until 3.2 V"),
                                cycles: 6).run()
        #expect(result.failure == nil)
        let damage = try #require(result.finalContactDamage)
        for (index, value) in damage.enumerated() {
            if index % 2 == 1 { #expect(value == 1) } else { #expect(value > 0 && value < 1) }
        }
        // Isolated in the last cycle, class 2 no longer changes its stoichiometry.
        let series = result.timeSeries
        let last = series.classStoichiometry.indices.filter { series.cycle[$0] == 6 }.map { series.classStoichiometry[$0][1] }
        #expect(last.max()! - last.min()! < 1e-9)
        // Stranding its lithium costs capacity: the discharge capacity falls from cycle to cycle.
        #expect(result.cycles.last!.dischargeCapacity < 0.9 * result.cycles[0].dischargeCapacity)
    }

    /// Once every class is isolated no current can flow: the next step ends the run as an outcome
    /// (the end of the cell's life), not as a solver failure at its switch-on.
    @Test("when every particle is isolated the run stops with that reason, its cycles before kept")
    func everyParticleIsolatedEndsTheRun() throws {
        let parameters = try nmc811Cell(merged(mechanicsKeys(pressure: 2), classes([(0.6, 0.5), (0.4, 0.45)]), damageKeys(rate: 1),
                                               dischargedStart, ["Isolated particle contact fraction threshold": .number(0.35)]))
        let result = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Charge at 0.5C until 4.2 V; Discharge at 0.5C until 3.2 V"),
                                cycles: 50).run()
        #expect(result.failure == nil, "\(result.failure?.message ?? "")")
        #expect(result.stop == StepEnd.activeMaterialIsolated.description)
        let last = try #require(result.steps.last)
        #expect(last.end == .activeMaterialIsolated && last.endTime == last.startTime && last.dischargedCharge == 0)
        #expect(try #require(result.finalContactDamage).allSatisfy { $0 == 1 })
        // Every cycle before the one it stopped in is complete, and the stop came well before 50.
        #expect(result.cycles.dropLast().allSatisfy(\.complete) && result.cycles.last?.complete == false)
        #expect(result.cycles.count > 1 && result.cycles.count < 50, "stopped in cycle \(result.cycles.count)")
    }

    @Test("long runs keep a plot selection of cycles, hand every cycle to the observer, and stop on request")
    func longCyclingMemoryAndCancellation() throws {
        let parameters = try nmc811Cell(mesh: 4)
        var options = SimulationOptions()
        options.keptCycles = .plotSelection
        let cancellation = CancellationFlag()
        options.cancellation = cancellation
        let simulation = Simulation(parameters: parameters, experiment: try Experiment(parsing: "Charge at 2C until 4.1 V; Discharge at 2C until 3.4 V"),
                                    cycles: 30, options: options)
        var observed: [Int] = []
        let result = simulation.run(cycleCompleted: { summary, series in
            observed.append(summary.cycle)
            #expect(Set(series.cycle) == [summary.cycle])
            if summary.cycle == 12 { cancellation.cancel() }
        })
        #expect(observed == Array(1...13))
        #expect(Set(result.timeSeries.cycle) == [1, 2, 5, 10, 13])
        let failure = try #require(result.failure)
        #expect(failure.cycle == 13 && failure.message.contains("interrupted"))
        #expect(result.cycles.count == 13)
        #expect(result.steps.filter { $0.cycle <= 12 }.allSatisfy { if case .failed = $0.end { false } else { true } })
    }
}
