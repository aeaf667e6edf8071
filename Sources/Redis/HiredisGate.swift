/// Keeps hiredis from being entered again from inside its own callbacks.
///
/// Every call into hiredis goes through ``enter(_:)``; what a callback wants done (complete a call, report a
/// closed connection, start the handshake) goes through ``later(_:)`` and runs once hiredis has returned, so user
/// code, which may send the next command or close the client, never runs on hiredis's stack.
final class HiredisGate {
    private(set) var isInside = false
    private var pending: [() -> Void] = []
    private var draining = false

    /// Runs `body`, which calls into hiredis, then the work its callbacks postponed.
    func enter(_ body: () -> Void) {
        assert(!isInside, "hiredis entered from inside one of its callbacks")
        isInside = true
        body()
        isInside = false
        drain()
    }

    /// Runs `work` after hiredis returns (at once when not inside hiredis and nothing is queued before it).
    func later(_ work: @escaping () -> Void) {
        if isInside || draining {
            pending.append(work)
        } else {
            work()
        }
    }

    private func drain() {
        // A postponed completion that sends the next command enters again; the outer drain keeps the order.
        guard !draining else { return }
        draining = true
        while !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            for work in batch { work() }
        }
        draining = false
    }
}
