import Admission
import Loop
import Retry

/// What an exchange waiting at a bucket's gate hears.
protocol GateWaiter: AnyObject {
    /// The attempt may go now.
    func admitted()
    /// The attempt cannot go in time: answer the client at once.
    func refused(_ refusal: GateRefusal)
}

/// Why an exchange is answered by retryd instead of waiting at the gate; named here so that the exchange's files
/// need not import Admission.
typealias GateRefusal = Admission.GateRefusal

/// What a gate reports about itself.
typealias GateChange = Admission.GateChange

/// One bucket's gate, shared by the exchanges of every event loop: the thin locked shell around the pure
/// ``QuotaGate``, which decides who waits, who goes and when the timer fires.
///
/// Each call reads the clock once, passes the input to the core under one brief lock, and carries out what it
/// decided after the lock is released. The timer, the Redis calls and the change reports belong to the owning
/// `loop`; a waiter hears its verdict on its own loop.
final class BucketGate: @unchecked Sendable {
    /// The bucket's name ("default" for the upstream's own).
    let name: String
    /// The upstream it belongs to, for messages.
    let upstream: String
    /// The loop that owns the timer, the Redis calls and the change reports.
    private let loop: EventLoop
    private let lock = Lock()
    /// The decisions; touched only under `lock`.
    private var core: QuotaGate<Waiter>
    private lazy var timer = LoopTimer { [unowned self] in self.release() }
    /// Called on the owning loop when this gate closes or opens (log lines, metrics, sharing).
    var onChange: ((GateChange) -> Void)?
    /// The state other instances share, when `[shared]` is configured; called on the owning loop only.
    private let shared: SharedQuota?

    /// How the gate reaches a request waiting at it again.
    struct Waiter {
        /// Weak: an exchange that ends while waiting withdraws, but nothing here may outlive it unchecked.
        weak var exchange: GateWaiter?
        /// The loop the exchange runs on, where it hears its verdict.
        unowned let loop: EventLoop
    }

    init(name: String, upstream: String, policy: QuotaPolicy, loop: EventLoop, shared: SharedQuota? = nil) {
        self.name = name
        self.upstream = upstream
        core = QuotaGate(upstream: upstream, policy: policy, sharing: shared != nil)
        self.loop = loop
        self.shared = shared
        guard let shared else { return }
        loop.runOnLoop { [weak self] in
            shared.storedClosure(upstream: upstream, bucket: name) { [weak self] until, cause in
                self?.close(until: until, cause: cause)
            }
        }
    }

    /// The bucket's state now.
    var bucket: QuotaBucket {
        lock.withLock { core.bucket }
    }

    /// Requests waiting now.
    var waiting: Int {
        lock.withLock { core.waiting }
    }

    /// Whether Redis answers now, read with the clock before the lock is taken.
    private var sharedReachable: Bool { shared?.isConnected == true }

    /// Asks for an attempt that may wait at most `maxWait`, for an exchange on `waiterLoop`. Returns true when it
    /// may go at once; otherwise the waiter hears ``GateWaiter/admitted()`` or ``GateWaiter/refused(_:)`` later,
    /// on its loop, unless it withdraws first (an admission that crosses the withdrawal is handed back).
    func admit(_ exchange: GateWaiter, on waiterLoop: EventLoop, maxWait: Duration) -> Bool {
        let (now, reachable) = (Sys.wallClockMilliseconds(), sharedReachable)
        // The waiter (and with it the weak reference, which gives the exchange a side table) is made only when the
        // request cannot go at once: most requests go at once.
        let actions = lock.withLock {
            core.admit(
                Waiter(exchange: exchange, loop: waiterLoop), now: now, maxWait: maxWait, sharedReachable: reachable)
        }
        carryOut(actions)
        return actions.goesNow
    }

    /// Forgets a waiter (its client left or retryd is shutting down).
    func withdraw(_ exchange: GateWaiter) {
        carryOut(lock.withLock { core.withdraw { $0.exchange == nil || $0.exchange === exchange } })
    }

    /// A response arrived for an attempt of this bucket.
    func observe(status: Int, headers: [(name: String, value: String)]) {
        let now = Sys.wallClockMilliseconds()
        carryOut(lock.withLock { core.observe(status: status, headers: headers, now: now) })
    }

    /// Another instance closed the gate (through Redis).
    func close(until: Int64, cause: GateCause) {
        let now = Sys.wallClockMilliseconds()
        carryOut(lock.withLock { core.close(until: until, cause: cause, now: now) })
    }

    /// An admitted attempt ended (or was not used); a held request may go now.
    func finished() {
        carryOut(lock.withLock { core.finished() })
    }

    /// Releases what the bucket lets go; the timer's action, on the owning loop.
    private func release() {
        let (now, reachable) = (Sys.wallClockMilliseconds(), sharedReachable)
        carryOut(
            lock.withLock {
                var actions = core.withdraw { $0.exchange == nil }
                actions.append(core.timerFired(now: now, sharedReachable: reachable))
                return actions
            })
    }

    /// Redis answered a lease request; on the owning loop.
    private func leaseAnswered(_ take: SharedQuota.Take) {
        let answer: LeaseAnswer
        switch take {
        case .granted(let count, let left, let end): answer = .granted(count: count, left: left, end: end)
        case .denied(let end): answer = .denied(end: end)
        case .local: answer = .local
        }
        let (now, reachable) = (Sys.wallClockMilliseconds(), sharedReachable)
        carryOut(
            lock.withLock {
                var actions = core.withdraw { $0.exchange == nil }
                actions.append(core.leaseAnswered(answer, now: now, sharedReachable: reachable))
                return actions
            })
    }

    /// Arms the one timer for when the core says something may change next; on the owning loop, so the last
    /// arming always reflects the latest state.
    private func armTimer() {
        let (now, reachable) = (Sys.wallClockMilliseconds(), sharedReachable)
        if let wake = lock.withLock({ core.armTimer(now: now, sharedReachable: reachable) }) {
            loop.schedule(timer, after: .milliseconds(max(wake - now, 0)))
        } else {
            loop.cancel(timer)
        }
    }

    /// Does what the core decided, outside the lock: verdicts on each waiter's loop, the rest on the owning one.
    private func carryOut(_ actions: GateActions<Waiter>) {
        // The fields, not `actions.isEmpty`: that getter is generic in another module and ran unspecialized, 4.3k
        // instructions a proxied request (callgrind) to find nothing to do.
        guard
            !actions.refused.isEmpty || !actions.admitted.isEmpty || !actions.changes.isEmpty
                || !actions.sharedCalls.isEmpty || actions.rearmTimer
        else { return }
        for (waiter, refusal) in actions.refused {
            guard let exchange = waiter.exchange else { continue }
            waiter.loop.runOnLoop { exchange.refused(refusal) }
        }
        for waiter in actions.admitted {
            guard let exchange = waiter.exchange else { continue }
            waiter.loop.runOnLoop { exchange.admitted() }
        }
        if !actions.changes.isEmpty, let onChange {
            let changes = actions.changes
            loop.runOnLoop { for change in changes { onChange(change) } }
        }
        for call in actions.sharedCalls { loop.runOnLoop(sharedWork(call)) }
        if actions.rearmTimer { loop.runOnLoop { [weak self] in self?.armTimer() } }
    }

    /// One call to the shared state, for the owning loop; it does not keep the gate alive.
    private func sharedWork(_ call: SharedQuotaCall) -> () -> Void {
        guard let shared else { return {} }
        let (upstream, name) = (upstream, name)
        switch call {
        case .take(let now, let reserve, let margin, let seed):
            return { [weak self] in
                shared.take(
                    upstream: upstream, bucket: name, now: now, reserve: reserve, margin: margin, seed: seed
                ) { take in self?.leaseAnswered(take) }
            }
        case .announceClosure(let until, let cause):
            return { shared.announceClosure(upstream: upstream, bucket: name, until: until, cause: cause) }
        case .report(let window, let now):
            return { shared.report(upstream: upstream, bucket: name, window: window, now: now) }
        }
    }
}
