/// How much the journal keeps and how it writes; the defaults live here, once. `[journal]` overrides the first two.
package struct JournalPolicy: Sendable, Equatable {
    /// The file name inside `state_dir`.
    package static let fileName = "journal.db"

    /// Rows older than this are pruned.
    package var retention: Duration = .seconds(7 * 86_400)
    /// Rows kept at most; past it the oldest are pruned.
    package var maxRows = 100_000
    /// Records waiting for the writer thread at most; past it a new record is dropped and counted, since the event
    /// loop must never wait for the disk.
    package var queueCapacity = 4096
    /// Records written in one transaction at most: one fsync-free commit for a burst, bounded so a reader waits little.
    package var batchLimit = 1000
    /// How often pruning runs, at most.
    package var pruneInterval: Duration = .seconds(60)
    /// How long the writer waits before opening the database again after it failed (missing or read-only
    /// state_dir, full disk): the operator may fix it while retryd runs.
    package var reopenInterval: Duration = .seconds(10)
    /// The shortest time between two error log lines.
    package var errorLogInterval: Duration = .seconds(60)

    /// Creates the default policy.
    package init() {}
}
