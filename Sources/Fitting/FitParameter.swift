import Foundation
import Parameters

/// One fitted model key: its start value, bounds and the coordinate the optimiser moves it in.
///
/// A key whose value and bounds are positive is fitted in log space, θ = ln p, so that a step is
/// a relative change and a diffusivity and a rate constant decades apart are searched alike;
/// other keys are fitted as they are, θ = p.
public struct FitParameter: Sendable, Equatable {
    public var key: String
    public var initial: Double
    public var lower: Double
    public var upper: Double

    public var logScale: Bool { lower > 0 }

    public func coordinate(_ value: Double) -> Double { logScale ? log(value) : value }
    public func value(_ coordinate: Double) -> Double { logScale ? exp(coordinate) : coordinate }
    /// dp/dθ at θ.
    public func derivative(_ coordinate: Double) -> Double { logScale ? exp(coordinate) : 1 }

    /// Parses `--fit "KEY"` or `--fit "KEY=LOW:HIGH"` against the keys the model reads.
    ///
    /// Without bounds, a positive value is searched from a tenth to ten times its start and any
    /// other from its start minus to plus its magnitude, each within the key's allowed range.
    public static func parse(_ text: String, catalogue: [ParameterEntry]) throws(FitInputError) -> FitParameter {
        var key = text.trimmingCharacters(in: .whitespaces)
        var bounds: (Double, Double)?
        if let equals = key.lastIndex(of: "=") {
            let spec = key[key.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            key = key[..<equals].trimmingCharacters(in: .whitespaces)
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let low = Double(parts[0].trimmingCharacters(in: .whitespaces)),
                  let high = Double(parts[1].trimmingCharacters(in: .whitespaces)), low.isFinite, high.isFinite, low < high else {
                throw FitInputError("--fit \(quoted(text)): bounds must be LOW:HIGH, two numbers with LOW < HIGH (e.g. \"\(key)=1e-15:1e-13\")")
            }
            bounds = (low, high)
        }
        guard let entry = catalogue.first(where: { $0.key == key }) else {
            let numeric = catalogue.filter { $0.range != nil }.map(\.key)
            let hint = ParameterError.closest(to: key, among: numeric).map { "; did you mean \"\($0)\"?" } ?? ""
            throw FitInputError("--fit \(quoted(text)): the model has no key \(quoted(key)) (allowed: a numeric key the model reads, see `solidcell models NAME`\(hint))")
        }
        guard let range = entry.range, case .number(let start)? = entry.value else {
            throw FitInputError("--fit \(quoted(text)): \(quoted(key)) is not a real number the model reads (it is \(entry.value?.description ?? "absent"), allowed: \(entry.allowed)); only real-valued keys can be fitted")
        }
        let (low, high): (Double, Double)
        if let bounds {
            (low, high) = bounds
            guard range.contains(low), range.contains(high) else {
                throw FitInputError("--fit \(quoted(text)): bounds \(low):\(high) leave the key's allowed range (\(entry.allowed))")
            }
        } else if start > 0 && range.lowerBound >= 0 {
            (low, high) = (max(range.lowerBound, start / 10), min(range.upperBound, start * 10))
        } else {
            let width = max(abs(start), 1e-12)
            (low, high) = (max(range.lowerBound, start - width), min(range.upperBound, start + width))
        }
        guard low <= start && start <= high else {
            throw FitInputError("--fit \(quoted(text)): the bounds \(low):\(high) exclude the start value \(start) (give bounds around it, or --set the start inside them)")
        }
        guard low < high else {
            throw FitInputError("--fit \(quoted(text)): the key's allowed range (\(entry.allowed)) leaves no room around \(start)")
        }
        return FitParameter(key: key, initial: start, lower: low, upper: high)
    }
}

/// A bad `fit` input: one line naming the flag, the value and what is allowed.
public struct FitInputError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = InputEcho.singleLine(description) }
}

func quoted(_ text: String) -> String { "\"\(InputEcho.truncated(text))\"" }
