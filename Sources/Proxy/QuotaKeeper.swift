import Admission
import Loop

/// Every quota gate of one upstream: its own ("default") and those endpoint rules name with `bucket = "NAME"`.
final class QuotaKeeper {
    /// The bucket of requests no rule assigns elsewhere.
    static let defaultBucket = "default"

    /// The upstream's name.
    let upstream: String
    /// The `[upstream.quota]` policy gates are created with.
    private(set) var policy: QuotaPolicy
    private let loop: EventLoop
    private var gates: [String: BucketGate] = [:]
    /// Hears every gate's changes, with the bucket's name: log lines, metrics, sharing.
    var onChange: ((BucketGate, GateChange) -> Void)?
    /// The state shared with other instances, when configured.
    var shared: SharedQuota?

    init(upstream: String, policy: QuotaPolicy, loop: EventLoop) {
        self.upstream = upstream
        self.policy = policy
        self.loop = loop
    }

    /// The gate of `bucket`, created at its first use.
    func gate(named bucket: String) -> BucketGate {
        if let existing = gates[bucket] { return existing }
        let created = BucketGate(name: bucket, upstream: upstream, policy: policy, loop: loop)
        created.onChange = { [unowned self, unowned created] change in self.onChange?(created, change) }
        created.shared = shared
        gates[bucket] = created
        return created
    }

    /// Every gate created so far, by bucket name.
    var all: [BucketGate] { gates.keys.sorted().compactMap { gates[$0] } }

    /// A reload changed the policy: later exchanges get fresh gates; those waiting keep theirs.
    func reconfigure(policy: QuotaPolicy) {
        guard policy != self.policy else { return }
        self.policy = policy
        gates.removeAll()
    }
}
