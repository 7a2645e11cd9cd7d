import Foundation

/// A new, unique path in the temporary directory, `solidcell-<label>-<UUID>` (not created).
public func temporaryFolder(_ label: String) -> String {
    NSTemporaryDirectory() + "solidcell-\(label)-\(UUID().uuidString)"
}
