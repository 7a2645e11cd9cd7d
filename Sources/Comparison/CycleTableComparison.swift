import CellModel
import Foundation
import MeasuredData
import OutputFiles
import Parameters
import Protocols
import Simulator

/// A measured per-cycle capacity table against the model run through one cycle's protocol,
/// repeated to the table's last cycle.
public struct CycleTableComparisonResult: Sendable {
    public var measured: MeasuredCycleTable
    public var simulation: SimulationResult
    /// The model's discharge (and charge) capacity of each of the table's cycles, in the table's
    /// unit; 0 for a cycle the run did not complete (the cell could no longer be cycled).
    public var simulatedDischarge: [Double]
    public var simulatedCharge: [Double]
    /// The table's unit, as written in outputs.
    public var unit: String
    /// √(mean of (simulated − measured discharge capacity)²) and the largest |difference|.
    public var dischargeRMS: Double
    public var dischargeMax: Double
    /// d(simulatedDischarge)/dθᵢ of every row, row-major [row][i], when the run carried
    /// sensitivities: the sum over the cycle's discharging steps of their charge's sensitivity
    /// (``StepRecord/dischargedChargeSensitivities``), per active-material mass for a specific table
    /// (with the mass's own derivative, `massSensitivities`); 0 for a cycle the run did not complete.
    public var dischargeSensitivities: [[Double]]?
}

public enum CycleTableComparison {
    /// Runs `experiment` (one cycle) for as many cycles as the table's last, from the model file's
    /// initial state (or at rest at `stateOfCharge`), and compares capacities cycle by cycle. With
    /// `sensitivity` (the parameters at θᵢ ± δᵢ) the run carries forward sensitivities and the
    /// result has d(capacity)/dθᵢ of every row.
    public static func run(parameters: CellParameters, table: MeasuredCycleTable, experiment: Experiment,
                           profiles: [String: ControlProfile] = [:], stateOfCharge: Double? = nil,
                           options: SimulationOptions = SimulationOptions(),
                           sensitivity: SensitivityRequest? = nil) throws -> CycleTableComparisonResult {
        guard table.count > 0 else { throw ComparisonError.noSamples }
        func started(_ parameters: CellParameters) -> CellParameters {
            var cell = parameters
            if let stateOfCharge {
                cell.positiveInitialConcentration = P2DModel(parameters: parameters).stoichiometry(atStateOfCharge: stateOfCharge)
                    * parameters.positiveMaximumConcentration
            }
            return cell
        }
        var simulation = Simulation(parameters: started(parameters), experiment: experiment, cycles: table.cycle.max() ?? 1,
                                    options: options)
        simulation.profiles = profiles
        simulation.sensitivity = sensitivity.map {
            SensitivityRequest(plus: $0.plus.map(started), minus: $0.minus.map(started), steps: $0.steps)
        }
        let result = simulation.run()
        let specific = table.capacityUnit == .milliampereHoursPerGram
        var discharge: [Int: Double] = [:], charge: [Int: Double] = [:]
        for summary in result.cycles where summary.complete {
            discharge[summary.cycle] = specific ? summary.specificDischargeCapacity : summary.dischargeCapacity
            charge[summary.cycle] = specific ? summary.specificChargeCapacity : summary.chargeCapacity
        }
        let simulatedDischarge = table.cycle.map { discharge[$0] ?? 0 }
        let differences = zip(simulatedDischarge, table.dischargeCapacity).map { $0 - $1 }
        return CycleTableComparisonResult(
            measured: table, simulation: result, simulatedDischarge: simulatedDischarge,
            simulatedCharge: table.cycle.map { charge[$0] ?? 0 }, unit: specific ? "mA.h/g" : "A.h",
            dischargeRMS: (differences.reduce(0) { $0 + $1 * $1 } / Double(differences.count)).squareRoot(),
            dischargeMax: differences.map(abs).max() ?? 0,
            dischargeSensitivities: sensitivity.flatMap { dischargeSensitivities(result, table: table, parameters: parameters, request: $0) })
    }

    /// d(discharge capacity)/dθᵢ of every row of the table (nil when a step lacks them).
    static func dischargeSensitivities(_ result: SimulationResult, table: MeasuredCycleTable, parameters: CellParameters,
                                       request: SensitivityRequest) -> [[Double]]? {
        let n = request.steps.count
        // The cycle's discharging steps, as its summary counts them (those that passed charge in the
        // discharge direction).
        var perCycle: [Int: [Double]] = [:]
        for record in result.steps where record.dischargedCharge > 0 {
            guard let s = record.dischargedChargeSensitivities, s.count == n else { return nil }
            perCycle[record.cycle] = zip(perCycle[record.cycle] ?? Array(repeating: 0, count: n), s).map(+)
        }
        let completeCapacity = Dictionary(result.cycles.filter(\.complete).map { ($0.cycle, $0.dischargeCapacity) },
                                          uniquingKeysWith: { $1 })
        // Specific capacity Q/m: d(Q/m) = dQ/m − Q dm/m² (m in kg gives mA h g⁻¹ from A h).
        let specific = table.capacityUnit == .milliampereHoursPerGram
        let mass = parameters.positiveActiveMaterialMass
        let massDerivative = (0..<n).map { i in
            (request.plus[i].positiveActiveMaterialMass - request.minus[i].positiveActiveMaterialMass) / (2 * request.steps[i])
        }
        return table.cycle.map { cycle in
            guard let q = completeCapacity[cycle], let dQ = perCycle[cycle] else { return Array(repeating: 0, count: n) }
            guard specific else { return dQ }
            return (0..<n).map { dQ[$0] / mass - q * massDerivative[$0] / (mass * mass) }
        }
    }
}

extension ComparisonFiles {
    struct CycleTableSummary: Codable {
        struct Row: Codable {
            var cycle: Int
            var measuredDischarge: Double
            var simulatedDischarge: Double
            var measuredCharge: Double?
            var simulatedCharge: Double
            var simulated: Bool
            enum CodingKeys: String, CodingKey {
                case cycle, simulated
                case measuredDischarge = "measured_discharge_capacity", simulatedDischarge = "simulated_discharge_capacity"
                case measuredCharge = "measured_charge_capacity", simulatedCharge = "simulated_charge_capacity"
            }
        }
        var data: String
        var model: String
        var experiment: String
        var unit: String
        var dischargeRMS: Double
        var dischargeMax: Double
        var simulationFailure: String?
        var cycles: [Row]
        enum CodingKeys: String, CodingKey {
            case data, model, experiment, unit, cycles
            case dischargeRMS = "discharge_capacity_rms", dischargeMax = "discharge_capacity_max", simulationFailure = "simulation_failure"
        }
    }

    /// `comparison.json` (RMS and largest discharge-capacity difference, every cycle's capacities),
    /// `comparison.csv` and `capacity.svg` of a per-cycle table comparison.
    public static func write(_ result: CycleTableComparisonResult, dataFile: String, experiment: String, model: String,
                             to folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let simulatedCycles = Set(result.simulation.cycles.filter(\.isSimulated).map(\.cycle))
        let rows = result.measured.cycle.indices.map { k in
            CycleTableSummary.Row(cycle: result.measured.cycle[k], measuredDischarge: result.measured.dischargeCapacity[k],
                                  simulatedDischarge: result.simulatedDischarge[k], measuredCharge: result.measured.chargeCapacity?[k],
                                  simulatedCharge: result.simulatedCharge[k], simulated: simulatedCycles.contains(result.measured.cycle[k]))
        }
        try writeJSON(CycleTableSummary(data: dataFile, model: model, experiment: experiment, unit: result.unit,
                                        dischargeRMS: result.dischargeRMS, dischargeMax: result.dischargeMax,
                                        simulationFailure: result.simulation.failure.map { "\($0)" }, cycles: rows),
                      to: folder + "/comparison.json")
        var csv = "Cycle,Measured discharge capacity [\(result.unit)],Simulated discharge capacity [\(result.unit)],"
            + "Measured charge capacity [\(result.unit)],Simulated charge capacity [\(result.unit)]\n"
        for row in rows {
            csv += "\(row.cycle),\(row.measuredDischarge),\(row.simulatedDischarge),\(row.measuredCharge.map { "\($0)" } ?? ""),\(row.simulatedCharge)\n"
        }
        try csv.write(toFile: folder + "/comparison.csv", atomically: true, encoding: .utf8)
        try capacitySVG(result).write(toFile: folder + "/capacity.svg", atomically: true, encoding: .utf8)
    }

    /// Measured (dots) and simulated (line) discharge capacity against the cycle number.
    public static func capacitySVG(_ result: CycleTableComparisonResult) -> String {
        let cycles = result.measured.cycle.map(Double.init)
        return SVGPlot.plot([SVGPlot.Curve(label: "measured", segments: [Array(zip(cycles, result.measured.dischargeCapacity)).map { (x: $0, y: $1) }],
                                           colour: SVGPlot.palette[0], dotsOnly: true),
                             SVGPlot.Curve(label: "simulated", segments: [Array(zip(cycles, result.simulatedDischarge)).map { (x: $0, y: $1) }],
                                           colour: SVGPlot.palette[1])],
                            xTitle: "Cycle", yTitle: "Discharge capacity [\(result.unit)]",
                            note: "RMS difference " + String(format: "%.4g", result.dischargeRMS) + " " + result.unit)
    }
}
