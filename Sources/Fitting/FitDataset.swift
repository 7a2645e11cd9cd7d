import CellModel
import Comparison
import Foundation
import MeasuredData
import Parameters
import Protocols
import Simulator

/// One set of measurements a fit is scored against, with the scale of its residuals.
///
/// Residuals are (simulated − measured) × w/σ: σ is the dataset's noise estimate (in the data's
/// unit) and w its relative weight (1 unless `--weight FILE=W`), so that a 10⁵-point voltage log
/// and a 100-point capacity table each count by how well the model meets them relative to their
/// own scatter, and the sum of squares is a χ².
public struct FitDataset: Sendable {
    public enum Content: Sendable {
        /// A cycler log replayed as `solidcell compare` replays it; residuals are voltages [V] at
        /// the measured samples.
        case timeSeries(MeasuredTimeSeries)
        /// Discharge capacity per cycle under a repeated protocol; residuals are capacities in
        /// the table's unit.
        case cycles(MeasuredCycleTable, experiment: Experiment, profiles: [String: ControlProfile])
        /// An impedance spectrum, against the model's at rest at the same frequencies (at the
        /// state of charge, or at the model's initial concentration when nil, as `compare`
        /// computes it); residuals are Re Z and Im Z [Ω], two per frequency.
        case impedance(MeasuredImpedanceSpectrum, stateOfCharge: Double?)
        /// Published numbers derived from model runs by the caller (``FitTargets``); residuals are
        /// in units of each number's own uncertainty, so the dataset's σ is 1.
        case targets(FitTargets)
    }

    /// The data file, as given.
    public var file: String
    public var content: Content
    /// σ, in the residual's unit (V for voltages, the table's unit for capacities).
    public var noise: Double
    /// w.
    public var weight: Double
    /// The dataset's own settings — the conditions it was measured at (stack pressure, ambient
    /// temperature) or the cell it was measured on (a microstructure key) — applied over the
    /// model file and `--set` for its runs only, so that one fit can span several conditions.
    public var settings: ParameterSet

    public init(file: String, content: Content, weight: Double = 1, settings: ParameterSet = ParameterSet()) {
        self.file = file
        self.content = content
        self.weight = weight
        self.settings = settings
        noise = Self.noiseEstimate(content)
    }

    /// What the residuals are, for reports.
    public var kind: String {
        switch content {
        case .timeSeries: "voltage time series"
        case .cycles: "discharge capacity per cycle"
        case .impedance: "impedance spectrum"
        case .targets: "published numbers"
        }
    }

    public var unit: String {
        switch content {
        case .timeSeries: "V"
        case .cycles(let table, _, _): table.capacityUnit == .ampereHours ? "A.h" : "mA.h/g"
        case .impedance: "Ohm"
        case .targets: "standard uncertainties"
        }
    }

    /// Number of residuals.
    public var count: Int {
        switch content {
        case .timeSeries(let series): series.count
        case .cycles(let table, _, _): table.count
        case .impedance(let spectrum, _): 2 * spectrum.count
        case .targets(let targets): targets.targets.count
        }
    }

    /// σ from the second differences of consecutive points, dᵢ = xᵢ₊₁ − 2xᵢ + xᵢ₋₁: for white noise
    /// of variance σ² each has variance 6σ², and the median of |dᵢ| is 0.6745 √6 σ. The median keeps
    /// the few points where the signal itself bends sharply (a relaxation's start, a knee) from
    /// counting as noise; on coarse samples of a smooth curve the estimate is the curvature's, so
    /// it errs high. Never below a resolution floor: 0.1 mV for voltages, 10⁻⁴ of the mean capacity
    /// for capacities, 10⁻³ of the median |Z| for a spectrum (whose Re Z and −Im Z are taken as two
    /// runs in frequency order). Published numbers carry their own uncertainties: σ = 1.
    static func noiseEstimate(_ content: Content) -> Double {
        let values: [[Double]], floor: Double
        switch content {
        case .targets:
            return 1
        case .timeSeries(let series):
            // Second differences within a step (or, without a step column, a run of one current
            // direction) only: a step change is not noise.
            var runs: [[Double]] = [], current: [Double] = []
            for i in 0..<series.count {
                if i > 0, series.step?[i] != series.step?[i - 1]
                    || (series.current[i] > 0) != (series.current[i - 1] > 0) || (series.current[i] < 0) != (series.current[i - 1] < 0) {
                    runs.append(current); current = []
                }
                current.append(series.voltage[i])
            }
            runs.append(current)
            values = runs
            floor = 1e-4
        case .cycles(let table, _, _):
            values = [table.dischargeCapacity]
            floor = 1e-4 * (table.dischargeCapacity.map(abs).reduce(0, +) / Double(max(table.count, 1)))
        case .impedance(let spectrum, _):
            values = [spectrum.real, spectrum.minusImaginary]
            let moduli = zip(spectrum.real, spectrum.minusImaginary).map { ($0 * $0 + $1 * $1).squareRoot() }.sorted()
            floor = 1e-3 * (moduli.isEmpty ? 1 : moduli[moduli.count / 2])
        }
        var differences: [Double] = []
        for run in values where run.count >= 3 {
            for i in 1..<(run.count - 1) { differences.append(abs(run[i + 1] - 2 * run[i] + run[i - 1])) }
        }
        guard !differences.isEmpty else { return floor }
        differences.sort()
        let median = differences[differences.count / 2]
        return max(median / (0.6745 * 6.0.squareRoot()), floor)
    }
}
