import Foundation

/// A complex number x + i y in double precision: the minimum the frequency-domain solvers need
/// (the package depends on no numerics library).
public struct Complex: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var real: Double
    public var imaginary: Double

    public init(_ real: Double, _ imaginary: Double = 0) {
        self.real = real
        self.imaginary = imaginary
    }

    public static let zero = Complex(0, 0)
    public static let one = Complex(1, 0)
    public static let i = Complex(0, 1)

    /// |z| = √(x² + y²), without intermediate overflow.
    public var magnitude: Double { hypot(real, imaginary) }

    /// arg z in (−π, π].
    public var phase: Double { atan2(imaginary, real) }

    public var isFinite: Bool { real.isFinite && imaginary.isFinite }

    public static func + (a: Complex, b: Complex) -> Complex { Complex(a.real + b.real, a.imaginary + b.imaginary) }
    public static func - (a: Complex, b: Complex) -> Complex { Complex(a.real - b.real, a.imaginary - b.imaginary) }
    public static prefix func - (a: Complex) -> Complex { Complex(-a.real, -a.imaginary) }
    public static func * (a: Complex, b: Complex) -> Complex {
        Complex(a.real * b.real - a.imaginary * b.imaginary, a.real * b.imaginary + a.imaginary * b.real)
    }
    public static func * (a: Double, b: Complex) -> Complex { Complex(a * b.real, a * b.imaginary) }
    public static func * (a: Complex, b: Double) -> Complex { Complex(a.real * b, a.imaginary * b) }
    public static func / (a: Complex, b: Double) -> Complex { Complex(a.real / b, a.imaginary / b) }

    /// a / b by Smith's algorithm (no overflow for large |b|).
    public static func / (a: Complex, b: Complex) -> Complex {
        if abs(b.real) >= abs(b.imaginary) {
            let ratio = b.imaginary / b.real
            let denominator = b.real + b.imaginary * ratio
            return Complex((a.real + a.imaginary * ratio) / denominator, (a.imaginary - a.real * ratio) / denominator)
        }
        let ratio = b.real / b.imaginary
        let denominator = b.real * ratio + b.imaginary
        return Complex((a.real * ratio + a.imaginary) / denominator, (a.imaginary * ratio - a.real) / denominator)
    }

    public static func += (a: inout Complex, b: Complex) { a = a + b }
    public static func -= (a: inout Complex, b: Complex) { a = a - b }

    public var description: String {
        imaginary < 0 || (imaginary == 0 && imaginary.sign == .minus)
            ? "\(real) - \(-imaginary)i" : "\(real) + \(imaginary)i"
    }
}
