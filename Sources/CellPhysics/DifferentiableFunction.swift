import Foundation

/// A smooth scalar function of one variable with its exact derivative, f(x) and f'(x),
/// as the analytic Jacobian needs both.
public struct DifferentiableFunction: Sendable {
    public let name: String
    @usableFromInline let evaluate: @Sendable (Double) -> (value: Double, derivative: Double)
    /// The value of a constant function, returned without calling through the closure (the
    /// residual evaluates the particle diffusivity twice per radial face).
    public let constantValue: Double?

    public init(name: String, _ evaluate: @escaping @Sendable (Double) -> (value: Double, derivative: Double)) {
        self.name = name
        self.evaluate = evaluate
        constantValue = nil
    }

    private init(constant c: Double) {
        name = "\(c)"
        evaluate = { _ in (c, 0) }
        constantValue = c
    }

    @inlinable @inline(__always)
    public func callAsFunction(_ x: Double) -> (value: Double, derivative: Double) {
        if let c = constantValue { return (c, 0) }
        return evaluate(x)
    }

    public static func constant(_ c: Double) -> DifferentiableFunction {
        DifferentiableFunction(constant: c)
    }
}
