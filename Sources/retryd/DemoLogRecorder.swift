import Foundation
import Logging

/// Keeps retryd's log lines for the tour's "why" column; echoes them to stderr only once ``echoes`` is set, so the
/// table is all the tour prints.
final class DemoLogRecorder: @unchecked Sendable {
    private let condition = NSCondition()
    private var entries: [DemoLogEntry] = []
    private var ended = 0
    private var echoing = false
    private let echo = StreamLogHandler.standardError(label: "retryd")

    /// A logger whose lines land here.
    var logger: Logger {
        Logger(label: "retryd") { _ in DemoLogHandler(recorder: self) }
    }

    /// Whether lines also go to stderr (after the tour, so the user sees retryd at work on their own requests).
    var echoes: Bool {
        get { condition.withLock { echoing } }
        set { condition.withLock { echoing = newValue } }
    }

    /// How many lines were recorded.
    var count: Int {
        condition.withLock { entries.count }
    }

    /// How many exchanges retryd has finished.
    var exchangesEnded: Int {
        condition.withLock { ended }
    }

    /// The lines recorded from index `start` on.
    func entries(from start: Int) -> [DemoLogEntry] {
        condition.withLock { Array(entries[min(start, entries.count)...]) }
    }

    /// Waits until `total` exchanges have ended: an exchange's last log line can follow its response bytes.
    /// - Returns: false when `timeout` passed first.
    func waitForExchanges(_ total: Int, timeout: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds))
        return condition.withLock {
            while ended < total {
                if !condition.wait(until: deadline) { return ended >= total }
            }
            return true
        }
    }

    fileprivate func record(_ event: LogEvent) {
        let entry = DemoLogEntry(
            level: event.level, message: event.message.description,
            endsExchange: event.metadata?["attempts"] != nil)
        let shouldEcho = condition.withLock {
            entries.append(entry)
            if entry.endsExchange {
                ended += 1
                condition.broadcast()
            }
            return echoing
        }
        if shouldEcho { echo.log(event: event) }
    }
}

/// The swift-log handler feeding a ``DemoLogRecorder``.
struct DemoLogHandler: LogHandler {
    let recorder: DemoLogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.record(event)
    }
}
