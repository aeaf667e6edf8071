import Foundation
import InMemoryLogging
import Logging

/// Collects what a logger is given, so tests can assert what retryd reported (swift-log's in-memory handler, with
/// the lookups the tests need).
package final class LogCapture: Sendable {
    private let handler: InMemoryLogHandler

    /// Creates an empty capture that keeps every level.
    package init() {
        var handler = InMemoryLogHandler()
        handler.logLevel = .trace
        self.handler = handler
    }

    /// A logger whose messages this capture keeps.
    package var logger: Logger {
        let handler = handler
        return Logger(label: "retryd-test") { _ in handler }
    }

    /// Every message so far, oldest first, with its level and merged metadata.
    package var messages: [(level: Logger.Level, message: String, metadata: Logger.Metadata)] {
        handler.entries.map { ($0.level, $0.message.description, $0.metadata) }
    }

    /// The messages logged at `level`, oldest first.
    package func messages(at level: Logger.Level) -> [String] {
        messages.filter { $0.level == level }.map(\.message)
    }

    /// Waits until a captured message satisfies `predicate`; false if `timeout` passed first.
    ///
    /// Polls: retryd logs from its own thread and offers nothing to block on.
    package func waitForMessage(timeout: Duration = .seconds(5), where predicate: (String) -> Bool) -> Bool {
        poll(timeout: timeout) { messages.contains(where: { predicate($0.message) }) }
    }
}
