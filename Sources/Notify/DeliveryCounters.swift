import Synchronization

/// The notifier's counts, readable from any thread (tests, metrics) while the loop thread updates them.
package final class DeliveryCounters: Sendable {
    private let deliveredCount = Atomic(0)
    private let droppedCount = Atomic(0)
    private let failedCount = Atomic(0)
    private let queuedCount = Atomic(0)

    /// Creates zeroed counters.
    package init() {}

    /// Events the webhook accepted (2xx).
    package var delivered: Int { deliveredCount.load(ordering: .relaxed) }
    /// Events dropped because the queue was full.
    package var dropped: Int { droppedCount.load(ordering: .relaxed) }
    /// Events given up on: rejected by the webhook or out of attempts.
    package var failed: Int { failedCount.load(ordering: .relaxed) }
    /// Events held now, the one being delivered included.
    package var queued: Int { queuedCount.load(ordering: .relaxed) }

    /// Copies the queue's counts.
    func publish(_ queue: DeliveryQueue) {
        deliveredCount.store(queue.delivered, ordering: .relaxed)
        droppedCount.store(queue.dropped, ordering: .relaxed)
        failedCount.store(queue.failed, ordering: .relaxed)
        queuedCount.store(queue.count, ordering: .relaxed)
    }
}
