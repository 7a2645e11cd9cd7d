import Foundation

/// Published numbers a fit is scored against that are not a measured curve but derived from model
/// runs by the caller: a capacity at a rate, a retention after N cycles, a fitted charge-transfer
/// resistance, a difference between two cells. The caller supplies the runs (``evaluate``); each
/// number carries the uncertainty its residual is divided by.
public struct FitTargets: Sendable {
    /// One published number.
    public struct Target: Sendable {
        public var name: String
        public var value: Double
        /// σ of the residual: in the value's unit, or of ln(value) when ``logarithmic``.
        public var uncertainty: Double
        /// The residual is ln(simulated/value)/σ (for numbers known to a factor) rather than
        /// (simulated − value)/σ.
        public var logarithmic: Bool

        public init(name: String, value: Double, uncertainty: Double, logarithmic: Bool = false) {
            self.name = name
            self.value = value
            self.uncertainty = uncertainty
            self.logarithmic = logarithmic
        }

        /// The residual of a simulated value, in units of σ (infinite values for a simulated value
        /// a logarithmic target cannot take).
        public func residual(_ simulated: Double) -> Double {
            logarithmic ? log(simulated / value) / uncertainty : (simulated - value) / uncertainty
        }
    }

    public var targets: [Target]
    /// The model's counterparts of ``targets``, in order, with the fitted keys at the given values
    /// (by key); throws when a run needed for them fails.
    public var evaluate: @Sendable ([String: Double]) throws -> [Double]

    public init(targets: [Target], evaluate: @escaping @Sendable ([String: Double]) throws -> [Double]) {
        self.targets = targets
        self.evaluate = evaluate
    }
}
