import Synchronization

/// The journal's running totals, readable from any thread (metrics, tests) while the writer updates them.
package final class JournalCounters: Sendable {
    private let writtenCount = Atomic(0)
    private let droppedCount = Atomic(0)
    private let prunedCount = Atomic(0)
    private let errorCount = Atomic(0)

    /// Creates zeroed counters.
    package init() {}

    /// Give-ups committed to the file.
    package var written: Int { writtenCount.load(ordering: .relaxed) }
    /// Give-ups not recorded: the hand-off was full, or the write failed.
    package var dropped: Int { droppedCount.load(ordering: .relaxed) }
    /// Rows deleted by retention.
    package var pruned: Int { prunedCount.load(ordering: .relaxed) }
    /// Failed opens and writes.
    package var errors: Int { errorCount.load(ordering: .relaxed) }

    func addWritten(_ count: Int) { writtenCount.add(count, ordering: .relaxed) }
    func addDropped(_ count: Int) { droppedCount.add(count, ordering: .relaxed) }
    func addPruned(_ count: Int) { prunedCount.add(count, ordering: .relaxed) }
    func addError() { errorCount.add(1, ordering: .relaxed) }
}
