import Parameters

// The one way the tests read a bundled model file: the model-file reader and the `--set` overrides
// the command line uses, so that a test runs on exactly the parameters a user's run would.

/// The path of the bundled model file `models/<name>.json`.
public func modelPath(_ name: String) -> String { "\(repositoryRoot)/models/\(name).json" }

/// The parameter set of `models/<name>.json`, read by ``ModelFile/load(path:)``.
public func loadParameterSet(_ name: String) throws -> ParameterSet {
    try ModelFile.load(path: modelPath(name)).parameters
}

/// The cell parameters of `models/<name>.json`: `removing` keys taken out, `values` and the numeric
/// `changes` set (a key the file lacks is added: optional keys such as double-layer capacities),
/// then `overrides` applied as `--set KEY=VALUE` applies them, and the result validated by
/// ``CellParameters`` (which refuses a key the model does not read).
public func loadModel(_ name: String, _ changes: [String: Double] = [:], values: [String: ParameterValue] = [:],
                      removing: [String] = [], overrides: [String] = []) throws -> CellParameters {
    var file = try ModelFile.load(path: modelPath(name))
    for key in removing { file.parameters[key] = nil }
    for (key, value) in values { file.parameters[key] = value }
    for (key, value) in changes { file.parameters[key] = .number(value) }
    return try file.parameters(overriding: overrides)
}

extension ParameterSet {
    /// Sets values, adding keys the file does not have (optional keys such as the double-layer capacities).
    public func adding(_ changes: [String: ParameterValue]) -> ParameterSet {
        var copy = self
        for (key, value) in changes { copy.values[key] = value }
        return copy
    }

    /// Sets numeric values of keys the set has (mesh sizes, conductivities, …).
    public func with(_ changes: [String: Double]) -> ParameterSet {
        var copy = self
        for (key, value) in changes {
            precondition(copy.values[key] != nil, "no key \(key)")
            copy.values[key] = .number(value)
        }
        return copy
    }

    /// The number under `key`; stops the test run if there is none.
    public func number(_ key: String) -> Double {
        guard case .number(let x)? = values[key] else { preconditionFailure("no number \(key)") }
        return x
    }
}
