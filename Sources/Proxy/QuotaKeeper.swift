import Admission
import Loop
import Synchronization

/// Every quota gate of one upstream: its own ("default") and those endpoint rules name with `bucket = "NAME"`.
/// One keeper serves the upstream's listeners on every event loop, so one 429 closes the gate for all of them.
final class QuotaKeeper: @unchecked Sendable {
    /// The bucket of requests no rule assigns elsewhere.
    static let defaultBucket = "default"

    /// The upstream's name.
    let upstream: String
    /// The loop that owns the gates' timers and Redis calls.
    private let loop: EventLoop
    private let state: LockedValue<State>
    /// Moves on whenever a reload drops the gates, so a gate a loop keeps at hand is known to be stale.
    private let generationCounter = Atomic<Int>(0)
    /// Hears every gate's changes, with the bucket's name, on the owning loop: log lines, metrics, sharing.
    var onChange: ((BucketGate, GateChange) -> Void)?
    /// The state shared with other instances, when configured; set before the first gate is made.
    var shared: SharedQuota?

    private struct State {
        var policy: QuotaPolicy
        var gates: [String: BucketGate] = [:]
    }

    init(upstream: String, policy: QuotaPolicy, loop: EventLoop) {
        self.upstream = upstream
        self.loop = loop
        state = LockedValue(State(policy: policy))
    }

    /// The `[upstream.quota]` policy gates are created with.
    var policy: QuotaPolicy { state.withLock { $0.policy } }

    /// The count of reloads that dropped the gates; a gate got before the count moved is no longer handed out.
    var generation: Int { generationCounter.load(ordering: .acquiring) }

    /// The gate of `bucket`, created at its first use (from any loop).
    func gate(named bucket: String) -> BucketGate {
        state.withLock { state in
            if let existing = state.gates[bucket] { return existing }
            let created = BucketGate(
                name: bucket, upstream: upstream, policy: state.policy, loop: loop, shared: shared)
            created.onChange = { [unowned self, unowned created] change in self.onChange?(created, change) }
            state.gates[bucket] = created
            return created
        }
    }

    /// Every gate created so far, by bucket name.
    var all: [BucketGate] {
        state.withLock { state in state.gates.keys.sorted().compactMap { state.gates[$0] } }
    }

    /// A reload changed the policy: later exchanges get fresh gates; those waiting keep theirs.
    func reconfigure(policy: QuotaPolicy) {
        state.withLock { state in
            guard policy != state.policy else { return }
            state.policy = policy
            state.gates.removeAll()
            generationCounter.wrappingAdd(1, ordering: .releasing)
        }
    }
}
