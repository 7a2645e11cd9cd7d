import Foundation

/// The repository's root folder, found from this file's location (Tests/TestSupport/RepositoryRoot.swift).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
