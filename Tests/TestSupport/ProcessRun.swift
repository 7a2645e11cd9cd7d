import Foundation

/// A program run to its end: how it ended, its standard output and its standard error.
public struct ProcessRun: Sendable {
    public var status: Int32
    /// False when a signal ended the program.
    public var exited: Bool
    public var output: String
    public var error: String

    /// The built `solidcell` executable: it sits beside the test bundle (or one folder up).
    public static func solidcellPath() throws -> String {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [folder, folder.deletingLastPathComponent()].map { $0.appendingPathComponent("solidcell").path }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw MissingExecutable()
        }
        return path
    }

    /// Runs `executable` in `folder` (the repository's root by default) with `environment` added to
    /// this process's, and waits for it to end. Both pipes are drained at once, each on its own
    /// thread: read one after the other, a child that fills the unread pipe would block, and so
    /// would the test.
    public static func run(_ executable: String, _ arguments: [String], in folder: String = repositoryRoot,
                           environment: [String: String] = [:]) throws -> ProcessRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = PipeReader(out), error = PipeReader(err)
        let outData = output.wait(), errData = error.wait()
        process.waitUntilExit()
        return ProcessRun(status: process.terminationStatus, exited: process.terminationReason == .exit,
                          output: String(decoding: outData, as: UTF8.self), error: String(decoding: errData, as: UTF8.self))
    }

    /// Runs the built `solidcell` with `arguments` (see ``run(_:_:environment:)``).
    public static func solidcell(_ arguments: [String], in folder: String = repositoryRoot,
                                 environment: [String: String] = [:]) throws -> ProcessRun {
        try run(solidcellPath(), arguments, in: folder, environment: environment)
    }

    /// Starts the built `solidcell` in the repository's root folder and returns at once, for a test
    /// that signals or watches the running program; its output is discarded, so it never blocks on it.
    public static func startSolidCell(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try solidcellPath())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    public struct MissingExecutable: Error, CustomStringConvertible {
        public var description: String { "build the solidcell product before the tests (swift build --build-tests)" }
    }
}

/// Reads a pipe to its end on a thread of its own.
private final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Everything the pipe carried, once its writer has closed it.
    func wait() -> Data {
        done.wait()
        return data
    }
}
