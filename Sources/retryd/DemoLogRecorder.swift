import Events
import Logging
import Loop
import Proxy
import Retry

/// What retryd did during the demo, for the tour's "why" column: it observes exchanges directly (no log parsing),
/// and echoes retryd's log lines to stderr only once ``echoes`` is set, so the table is all the tour prints.
final class DemoLogRecorder: ExchangeObserver, @unchecked Sendable {
    /// One retry decision, as the tour reports it.
    enum Event: Sendable, Equatable {
        /// retryd is about to wait and retry: `reason` is its label ("503", "429", "no response").
        case retry(reason: String, wait: Duration)
        /// retryd stopped retrying and gave the client what it had ("not safe to retry").
        case giveUp(reason: String)
        /// A probe found out whether a request that may have been processed was applied ("applied (QUEUED)").
        case verified(String)
    }

    private let condition = Condition()
    private var recorded: [Event] = []
    private var ended = 0
    private var echoing = false
    private let echo = StreamLogHandler.standardError(label: "retryd")

    /// A logger whose lines are echoed once ``echoes`` is set and dropped before.
    var logger: Logger {
        Logger(label: "retryd") { _ in DemoLogHandler(recorder: self) }
    }

    /// Whether lines also go to stderr (after the tour, so the user sees retryd at work on their own requests).
    var echoes: Bool {
        get { condition.withLock { echoing } }
        set { condition.withLock { echoing = newValue } }
    }

    /// How many retry events were recorded.
    var count: Int {
        condition.withLock { recorded.count }
    }

    /// How many exchanges retryd has finished.
    var exchangesEnded: Int {
        condition.withLock { ended }
    }

    /// The events recorded from index `start` on.
    func events(from start: Int) -> [Event] {
        condition.withLock { Array(recorded[min(start, recorded.count)...]) }
    }

    /// Waits until `total` exchanges have ended: an exchange ends as its last response bytes go out.
    /// - Returns: false when `timeout` passed first.
    func waitForExchanges(_ total: Int, timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        return condition.withLock {
            while ended < total {
                let left = deadline - .now
                if left <= .zero || !condition.wait(timeout: left) { return ended >= total }
            }
            return true
        }
    }

    func exchangeStarted(upstream: String) {}

    func attemptFinished(upstream: String, status: Int?, duration: Duration) {}

    func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {
        condition.withLock { recorded.append(.retry(reason: reason.description, wait: wait)) }
    }

    func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {
        condition.withLock {
            ended += 1
            condition.broadcast()
        }
    }

    func verified(upstream: String, verdict: ProbeVerdict) {
        condition.withLock { recorded.append(.verified(verdict.description)) }
    }

    func gaveUp(_ report: GiveUpReport) {
        condition.withLock { recorded.append(.giveUp(reason: report.reason.description)) }
    }

    fileprivate func record(_ event: LogEvent) {
        if echoes { echo.log(event: event) }
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
