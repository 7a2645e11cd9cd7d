import Foundation
import Simulator

/// Turns SIGINT (Ctrl-C) and SIGTERM (a batch scheduler ending a job) into a cancellation request,
/// so that a long run stops after its current solver step and still writes what it computed.
final class StopSignal: @unchecked Sendable {
    static let handled: [Int32] = [SIGINT, SIGTERM]

    private let lock = NSLock()
    private var signalNumber: Int32?
    private var sources: [any DispatchSourceSignal] = []

    init(cancellation: CancellationFlag?) {
        for number in Self.handled {
            signal(number, SIG_IGN)  // let the dispatch source, not the default action, see it
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.record(number)
                cancellation?.cancel()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// The first signal received, if any.
    var received: Int32? {
        lock.lock()
        defer { lock.unlock() }
        return signalNumber
    }

    /// Stops listening and gives the signals their default actions back.
    func restoreDefaults() {
        for source in sources { source.cancel() }
        for number in Self.handled { signal(number, SIG_DFL) }
    }

    private func record(_ number: Int32) {
        lock.lock()
        if signalNumber == nil { signalNumber = number }
        lock.unlock()
    }
}
