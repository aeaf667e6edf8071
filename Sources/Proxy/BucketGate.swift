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

/// Why an exchange is answered by retryd instead of waiting at the gate.
struct GateRefusal: Equatable {
    /// The status for the client: 429, as the vendor would have answered.
    var status = 429
    /// The JSON body's `error` code.
    var code = "rate_limited"
    /// Seconds until the gate is expected to open, for `Retry-After`.
    var retryAfter: Int
    /// One sentence naming the upstream and when its gate opens.
    var detail: String
}

/// One bucket's gate, shared by the exchanges of every event loop: the pure ``QuotaBucket``, the requests waiting
/// at it in arrival order, and one timer for all of them.
///
/// State is kept under one lock, taken briefly once per admission, response and attempt end; what a call decides
/// (admitting a waiter, a change to report, a call to Redis) is carried out after the lock is released. The timer,
/// the Redis calls and the change reports belong to the owning `loop`; a waiter hears its verdict on its own loop.
final class BucketGate: @unchecked Sendable {
    /// The bucket's name ("default" for the upstream's own).
    let name: String
    /// The upstream it belongs to, for messages.
    let upstream: String
    /// The loop that owns the timer, the Redis calls and the change reports.
    private let loop: EventLoop
    private let lock = Lock()
    private var state: QuotaBucket
    private var waiters: [Waiter] = []
    private lazy var timer = LoopTimer { [unowned self] in self.release() }
    /// Whether the timer is armed (or about to be): without waiters and an armed timer, a response leaves it be.
    private var timerArmed = false
    /// When the last held attempt was released (wall-clock ms), for the spacing between releases.
    private var lastRelease: Int64 = 0
    /// Called on the owning loop when this gate closes or opens (log lines, metrics, sharing).
    var onChange: ((GateChange) -> Void)?
    /// The state other instances share, when `[shared]` is configured; called on the owning loop only.
    private let shared: SharedQuota?
    /// Whether a call to Redis for a lease is out; one at a time, so a burst costs one call per lease.
    private var takePending = false
    /// Set when Redis could not decide (it knows nothing yet, or did not answer in time): the next release is
    /// decided by the local estimate alone.
    private var decideLocally = false
    /// Requests of the shared window Redis granted ahead (a lease), and when that window ends.
    private var lease: (count: Int, end: Int64) = (0, 0)
    /// The end of a shared window Redis said is spent: no lease is asked for before then.
    private var deniedUntil: Int64 = 0
    /// The window end last reported to Redis, and when.
    private var lastReport: (end: Int64, at: Int64) = (0, 0)

    /// One request waiting at the gate.
    private struct Waiter {
        /// Weak: an exchange that ends while waiting withdraws, but nothing here may outlive it unchecked.
        weak var exchange: GateWaiter?
        /// The loop the exchange runs on, where it hears its verdict.
        unowned let loop: EventLoop
        /// Wall-clock ms after which it is refused rather than kept waiting.
        let giveUpAt: Int64
        /// When it began waiting.
        let since: Int64
        /// Whether it began waiting at a closed gate (or behind a trial): the backlog a reopening releases one
        /// spacing apart. Requests that queue behind it while the gate is open go as soon as they are first.
        let spaced: Bool
    }

    /// What one call decided, carried out once the lock is released.
    private struct Effects {
        var changes: [GateChange] = []
        var admitted: [Waiter] = []
        var refused: [(Waiter, GateRefusal)] = []
        /// Work for the owning loop (Redis calls).
        var owned: [() -> Void] = []
        /// Whether the timer must be re-armed for the new state.
        var reschedule = false

        var isEmpty: Bool {
            changes.isEmpty && admitted.isEmpty && refused.isEmpty && owned.isEmpty && !reschedule
        }
    }

    init(name: String, upstream: String, policy: QuotaPolicy, loop: EventLoop, shared: SharedQuota? = nil) {
        self.name = name
        self.upstream = upstream
        state = QuotaBucket(policy: policy)
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
        lock.withLock { state }
    }

    /// Requests waiting now.
    var waiting: Int {
        lock.withLock { waiters.count }
    }

    /// Runs `body` under the lock, then carries out what it decided.
    private func locked<Result>(_ body: (inout Effects) -> Result) -> Result {
        var effects = Effects()
        let result = lock.withLock { body(&effects) }
        if !effects.isEmpty { carryOut(effects) }
        return result
    }

    private func carryOut(_ effects: Effects) {
        for (waiter, refusal) in effects.refused {
            guard let exchange = waiter.exchange else { continue }
            waiter.loop.runOnLoop { exchange.refused(refusal) }
        }
        for waiter in effects.admitted {
            guard let exchange = waiter.exchange else { continue }
            waiter.loop.runOnLoop { exchange.admitted() }
        }
        if !effects.changes.isEmpty, let onChange {
            let changes = effects.changes
            loop.runOnLoop { for change in changes { onChange(change) } }
        }
        for work in effects.owned { loop.runOnLoop(work) }
        if effects.reschedule { loop.runOnLoop { [weak self] in self?.armTimer() } }
    }

    /// Asks for an attempt that may wait at most `maxWait`, for an exchange on `waiterLoop`. Returns true when it
    /// may go at once; otherwise the waiter hears ``GateWaiter/admitted()`` or ``GateWaiter/refused(_:)`` later,
    /// on its loop, unless it withdraws first (an admission that crosses the withdrawal is handed back).
    func admit(_ exchange: GateWaiter, on waiterLoop: EventLoop, maxWait: Duration) -> Bool {
        let now = Sys.wallClockMilliseconds()
        return locked { effects in
            let verdict = peekVerdict(now: now)
            // First come, first served: nobody overtakes those already waiting.
            if waiters.isEmpty {
                switch verdict {
                case .go:
                    if releaseNext(now: now, &effects) { return true }
                case .hold(let until, let reason):
                    if let until, until - now > maxWait.milliseconds {
                        effects.changes.append(.refused)
                        let waiter = Waiter(
                            exchange: exchange, loop: waiterLoop, giveUpAt: now, since: now, spaced: false)
                        effects.refused.append((waiter, refusal(until: until, reason: reason, now: now)))
                        return false
                    }
                }
            }
            if case .hold(_, let reason) = verdict { effects.changes.append(.held(reason)) }
            waiters.append(
                Waiter(
                    exchange: exchange, loop: waiterLoop, giveUpAt: now + maxWait.milliseconds, since: now,
                    spaced: state.gate != .open))
            effects.reschedule = true
            return false
        }
    }

    /// Whether the window's quota is counted in Redis rather than here: shared and reachable, for a vendor that
    /// reports its quota. Even before this instance has seen a report, another may have: Redis answers `.local`
    /// when it knows nothing either.
    private var sharesQuota: Bool {
        shared?.isConnected == true && state.policy.pace && state.knowledge != .absent
    }

    /// Whether a report is worth a call to Redis: a new window, a window nearly spent, or a quarter second since the
    /// last; every response of a busy vendor carries one, and most say what Redis already knows.
    private func shouldReport(_ window: QuotaBucket.Window, now: Int64) -> Bool {
        abs(window.end - lastReport.end) > QuotaBucket.sameWindowTolerance.milliseconds || window.remaining < 64
            || now - lastReport.at >= 250
    }

    /// Takes one admission for the next attempt when the bucket would let it go: from the local estimate, or from
    /// a lease of the shared one. Returns false when it must wait (a lease is being asked for). Under the lock.
    private func releaseNext(now: Int64, _ effects: inout Effects) -> Bool {
        let shared = sharesQuota && !decideLocally
        if shared && deniedUntil > now { return false }
        if shared && !(lease.count > 0 && lease.end > now) {
            requestLease(now: now, &effects)
            return false
        }
        guard case .go = state.admit(now: now, countsQuota: !shared) else { return false }
        if shared { lease.count -= 1 }
        decideLocally = false
        return true
    }

    /// Asks Redis for a lease of the window's quota, unless a call is out already. Under the lock.
    private func requestLease(now: Int64, _ effects: inout Effects) {
        guard let shared, !takePending else { return }
        takePending = true
        let seed = state.knowledge == .reported ? state.window : nil
        let (upstream, name, reserve, margin) = (upstream, name, state.policy.reserve, state.policy.resetMargin)
        effects.owned.append { [weak self] in
            shared.take(
                upstream: upstream, bucket: name, now: now, reserve: reserve, margin: margin, seed: seed
            ) { [weak self] take in self?.leaseAnswered(take) }
        }
    }

    private func leaseAnswered(_ take: SharedQuota.Take) {
        locked { effects in
            takePending = false
            switch take {
            case .granted(let count, let left, let end):
                state.adopt(remaining: left, end: end)
                lease = (count, end)
            case .denied(let end):
                // Spent everywhere: the local estimate holds everyone until the window ends, then asks again.
                lease = (0, 0)
                deniedUntil = end
                state.adopt(remaining: state.policy.reserve, end: end)
                for _ in waiters { effects.changes.append(.held(.quotaSpent)) }
            case .local:
                decideLocally = true
            }
            releaseWaiters(now: Sys.wallClockMilliseconds(), &effects)
        }
    }

    /// Forgets a waiter (its client left or retryd is shutting down).
    func withdraw(_ exchange: GateWaiter) {
        locked { effects in
            waiters.removeAll { $0.exchange == nil || $0.exchange === exchange }
            if waiters.isEmpty && timerArmed { effects.reschedule = true }
        }
    }

    /// A response arrived for an attempt of this bucket.
    func observe(status: Int, headers: [(name: String, value: String)]) {
        let now = Sys.wallClockMilliseconds()
        locked { effects in
            let wasTrial = state.gate == .trial
            if let closed = state.observe(status: status, headers: headers, now: now) {
                effects.changes.append(.closed(until: closed.until, cause: closed.cause, waiting: waiters.count))
                if let shared {
                    let (upstream, name) = (upstream, name)
                    effects.owned.append {
                        shared.announceClosure(
                            upstream: upstream, bucket: name, until: closed.until, cause: closed.cause)
                    }
                }
            } else if wasTrial && state.gate == .open {
                effects.changes.append(.opened(waiting: waiters.count))
            }
            if let shared, let window = state.window, QuotaReport.parse(headers, now: Double(now) / 1000) != nil,
                shouldReport(window, now: now)
            {
                lastReport = (window.end, now)
                let (upstream, name) = (upstream, name)
                effects.owned.append { shared.report(upstream: upstream, bucket: name, window: window, now: now) }
            }
            if !waiters.isEmpty || timerArmed { effects.reschedule = true }
        }
    }

    /// Another instance closed the gate (through Redis).
    func close(until: Int64, cause: GateCause) {
        locked { effects in
            if state.close(until: until, cause: cause) {
                effects.changes.append(.closed(until: until, cause: cause, waiting: waiters.count))
            }
            if !waiters.isEmpty || timerArmed { effects.reschedule = true }
        }
    }

    /// An admitted attempt ended (or was not used); a held request may go now.
    func finished() {
        locked { effects in
            state.finished()
            if !waiters.isEmpty { effects.reschedule = true }
        }
    }

    /// Releases what the bucket lets go; the timer's action, on the owning loop.
    private func release() {
        locked { effects in
            timerArmed = false
            releaseWaiters(now: Sys.wallClockMilliseconds(), &effects)
        }
    }

    /// Releases the waiters the bucket lets go (a reopening's backlog one spacing apart) and refuses those whose
    /// wait ran out. Under the lock.
    private func releaseWaiters(now: Int64, _ effects: inout Effects) {
        let expired = waiters.filter { $0.giveUpAt <= now || $0.exchange == nil }
        waiters.removeAll { $0.giveUpAt <= now || $0.exchange == nil }
        for waiter in expired where waiter.exchange != nil {
            effects.changes.append(.refused)
            effects.refused.append((waiter, refusal(until: holdUntil(now: now), reason: nil, now: now)))
        }
        while let first = waiters.first {
            if first.spaced && now < lastRelease + state.releaseSpacing.milliseconds { break }
            guard releaseNext(now: now, &effects) else { break }
            waiters.removeFirst()
            if first.spaced { lastRelease = now }
            effects.changes.append(.released(waited: .milliseconds(now - first.since)))
            effects.admitted.append(first)
        }
        effects.reschedule = true
    }

    /// Arms the one timer for the earliest moment something may change: the gate or window opening, the next
    /// release slot, or a waiter's wait running out. An attempt ending (``finished()``) and a lease arriving
    /// wake it too. On the owning loop.
    private func armTimer() {
        let now = Sys.wallClockMilliseconds()
        let wake: Int64? = lock.withLock {
            timerArmed = nextWake(now: now) != nil
            return nextWake(now: now)
        }
        if let wake {
            loop.schedule(timer, after: .milliseconds(max(wake - now, 0)))
        } else {
            loop.cancel(timer)
        }
    }

    /// When the timer should fire next, nil without waiters. Under the lock.
    private func nextWake(now: Int64) -> Int64? {
        guard let first = waiters.first, let earliestGiveUp = waiters.map(\.giveUpAt).min() else { return nil }
        var wake = earliestGiveUp
        switch peekVerdict(now: now) {
        case .go where !takePending:
            wake = min(wake, first.spaced ? max(lastRelease + state.releaseSpacing.milliseconds, now) : now)
        case .go, .hold(nil, _): break
        case .hold(let until?, _): wake = min(wake, until)
        }
        return wake
    }

    /// When the bucket would let an attempt go again, if it holds them until a known time. Under the lock.
    private func holdUntil(now: Int64) -> Int64? {
        if case .hold(let until?, _) = peekVerdict(now: now) { return until }
        return nil
    }

    /// What the bucket would answer now, without taking anything: with the quota shared, the window's count is
    /// Redis's, and a denial holds until the window ends. Under the lock.
    private func peekVerdict(now: Int64) -> QuotaBucket.Verdict {
        let shared = sharesQuota && !decideLocally
        var copy = state
        let verdict = copy.admit(now: now, countsQuota: !shared)
        if case .go = verdict, shared, deniedUntil > now { return .hold(until: deniedUntil, reason: .quotaSpent) }
        return verdict
    }

    private func refusal(until: Int64?, reason: QuotaBucket.HoldReason?, now: Int64) -> GateRefusal {
        let seconds = until.map { Int(max(($0 - now + 999) / 1000, 1)) } ?? 1
        let when = until.map { " until \(WallTime(epochSeconds: Double($0) / 1000).iso8601)" } ?? ""
        let why: String
        switch reason {
        case .gateClosed(let cause)?:
            why = "the vendor answered \(cause.status) with \(cause.header)"
        case .quotaSpent?:
            why = "the vendor's quota for this window is spent"
        case .maxInFlight?:
            why = "max_in_flight attempts are out"
        case .trial?, .learning?, nil:
            why = "retryd is waiting for the vendor's quota"
        }
        return GateRefusal(
            retryAfter: seconds,
            detail: "upstream \(upstream) is holding requests\(when): \(why); this request cannot wait that long")
    }
}

/// What a gate reports about itself.
enum GateChange {
    /// It closed (or its opening moved later).
    case closed(until: Int64, cause: GateCause, waiting: Int)
    /// A request began waiting at it.
    case held(QuotaBucket.HoldReason)
    /// A waiting request was let go after `waited`.
    case released(waited: Duration)
    /// The trial after a wait was answered without a new wait: requests go again.
    case opened(waiting: Int)
    /// A request could not wait long enough and is answered 429 by retryd.
    case refused
}
