import FoundationEssentials
import Logging
import Loop
import Retry

/// The durable give-up journal: the event loop hands records over without waiting, and a writer thread of its own
/// commits them in batches to `journal.db` in `state_dir`.
///
/// A journal that cannot write (missing or read-only state_dir, full disk, corrupt file) never stops the proxy:
/// records are dropped and counted, an error is logged at most once per `errorLogInterval`, and the writer tries
/// to open the file again every `reopenInterval`.
package final class Journal: @unchecked Sendable {
    enum Command {
        case record(JournalRecord)
        case loadPending(limit: Int, reply: @Sendable ([PendingDelivery]) -> Void)
        case flush(Semaphore)
    }

    /// The directory holding `journal.db`.
    package let directory: String
    /// Retention and batching.
    package let policy: JournalPolicy
    /// Written, dropped, pruned and error totals.
    package let counters = JournalCounters()
    /// Called with each change to the totals (for metrics), on the writer thread or the recording one.
    let onCount: (@Sendable (JournalCounters.Event, Int) -> Void)?
    let logger: Logger
    let clock: @Sendable () -> Double
    // Guards `commands`, `recordsQueued`, `stopping` and `handOffWarnings`; the writer waits on it.
    let condition = Condition()
    var commands: [Command] = []
    var recordsQueued = 0
    var stopping = false
    var handOffWarnings: LogThrottle
    var finished = Semaphore()
    // Writer-thread state.
    var store: JournalStore?
    var lastOpenAttempt: Double?
    var lastPrune: Double?
    var insertedSincePrune = 0
    var errorLog: LogThrottle

    /// Starts the writer thread; the file is opened there, so a bad state_dir delays nothing.
    /// - Parameters:
    ///   - clock: Seconds since the epoch (retention cutoffs, intervals).
    ///   - onCount: Hears each change to the totals, for metrics.
    package init(
        directory: String, policy: JournalPolicy = .init(), logger: Logger,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
        onCount: (@Sendable (JournalCounters.Event, Int) -> Void)? = nil
    ) {
        self.directory = directory
        self.onCount = onCount
        self.policy = policy
        self.logger = logger
        self.clock = clock
        errorLog = LogThrottle(interval: policy.errorLogInterval)
        handOffWarnings = LogThrottle(interval: policy.errorLogInterval)
        DetachedThread.start { [self] in self.runWriter() }
    }

    /// Hands `record` to the writer without waiting for the disk; when the hand-off is full it is dropped instead.
    /// - Returns: false when dropped.
    @discardableResult
    package func record(_ record: JournalRecord) -> Bool {
        condition.lock()
        if stopping {
            condition.unlock()
            counters.addDropped(1)
            onCount?(.dropped, 1)
            return false
        }
        guard recordsQueued < policy.queueCapacity else {
            // The count includes this drop; the line reports the others.
            let suppressed = handOffWarnings.admit(now: Self.nanoseconds(clock())).map { $0 - 1 }
            condition.unlock()
            counters.addDropped(1)
            onCount?(.dropped, 1)
            if let suppressed {
                logger.error(
                    "journal hand-off full (\(policy.queueCapacity) records): give-up not recorded, \(suppressed) more dropped since the last warning"
                )
            }
            return false
        }
        commands.append(.record(record))
        recordsQueued += 1
        condition.signal()
        condition.unlock()
        return true
    }

    /// Reads up to `limit` undelivered events on the writer thread, after every record handed over before, and
    /// passes them to `reply` there (empty when the journal cannot be read).
    package func loadPending(limit: Int, reply: @escaping @Sendable ([PendingDelivery]) -> Void) {
        enqueue(.loadPending(limit: limit, reply: reply))
    }

    /// Waits until every record handed over so far is written (or failed).
    package func flush() {
        let done = Semaphore()
        enqueue(.flush(done))
        done.wait()
    }

    /// Writes what is queued, then stops the writer thread and closes the file. Records handed over after are dropped.
    package func close() {
        condition.lock()
        let wasStopping = stopping
        stopping = true
        condition.signal()
        condition.unlock()
        if !wasStopping { finished.wait() }
    }

    private func enqueue(_ command: Command) {
        condition.lock()
        if stopping {
            condition.unlock()
            if case .flush(let done) = command { done.signal() }
            if case .loadPending(_, let reply) = command { reply([]) }
            return
        }
        commands.append(command)
        condition.signal()
        condition.unlock()
    }

    /// Wall-clock seconds as the throttles' nanoseconds.
    static func nanoseconds(_ seconds: Double) -> Int64 {
        Int64((seconds * 1e9).rounded())
    }
}

extension JournalCounters {
    /// A change to one of the totals, as `Journal.onCount` reports it.
    package enum Event: String, Sendable, CaseIterable {
        /// Give-ups committed.
        case written
        /// Give-ups not recorded.
        case dropped
        /// Rows deleted by retention.
        case pruned
        /// Failed opens and writes.
        case errors
    }
}
