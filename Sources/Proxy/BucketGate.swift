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

/// One bucket's gate on the event loop: the pure ``QuotaBucket``, the requests waiting at it in arrival order, and
/// one timer for all of them.
final class BucketGate {
    /// The bucket's name ("default" for the upstream's own).
    let name: String
    /// The upstream it belongs to, for messages.
    let upstream: String
    /// The state.
    private(set) var bucket: QuotaBucket
    private let loop: EventLoop
    private var waiters: [Waiter] = []
    private lazy var timer = LoopTimer { [unowned self] in self.release() }
    /// When the last held attempt was released (wall-clock ms), for the spacing between releases.
    private var lastRelease: Int64 = 0
    /// Called when this gate closes or opens (log lines, metrics, sharing).
    var onChange: ((GateChange) -> Void)?
    /// The state other instances share, when `[shared]` is configured.
    var shared: SharedQuota? {
        didSet {
            shared?.storedClosure(upstream: upstream, bucket: name) { [weak self] until, cause in
                self?.close(until: until, cause: cause)
            }
        }
    }
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
        /// Wall-clock ms after which it is refused rather than kept waiting.
        let giveUpAt: Int64
        /// When it began waiting.
        let since: Int64
        /// Whether it began waiting at a closed gate (or behind a trial): the backlog a reopening releases one
        /// spacing apart. Requests that queue behind it while the gate is open go as soon as they are first.
        let spaced: Bool
    }

    init(name: String, upstream: String, policy: QuotaPolicy, loop: EventLoop) {
        self.name = name
        self.upstream = upstream
        bucket = QuotaBucket(policy: policy)
        self.loop = loop
    }

    /// Requests waiting now.
    var waiting: Int { waiters.count }

    /// Asks for an attempt that may wait at most `maxWait`. Returns true when it may go at once; otherwise the
    /// waiter hears ``GateWaiter/admitted()`` or ``GateWaiter/refused(_:)`` later, unless it withdraws first.
    func admit(_ exchange: GateWaiter, maxWait: Duration) -> Bool {
        let now = Sys.wallClockMilliseconds()
        let verdict = peekVerdict(now: now)
        // First come, first served: nobody overtakes those already waiting.
        if waiters.isEmpty {
            switch verdict {
            case .go:
                if releaseNext(now: now) { return true }
            case .hold(let until, let reason):
                if let until, until - now > maxWait.milliseconds {
                    onChange?(.refused)
                    exchange.refused(refusal(until: until, reason: reason, now: now))
                    return false
                }
            }
        }
        if case .hold(_, let reason) = verdict { onChange?(.held(reason)) }
        waiters.append(
            Waiter(exchange: exchange, giveUpAt: now + maxWait.milliseconds, since: now, spaced: bucket.gate != .open))
        schedule(now: now)
        return false
    }

    /// Whether the window's quota is counted in Redis rather than here: shared and reachable, for a vendor that
    /// reports its quota. Even before this instance has seen a report, another may have: Redis answers `.local`
    /// when it knows nothing either.
    private var sharesQuota: Bool {
        shared?.isConnected == true && bucket.policy.pace && bucket.knowledge != .absent
    }

    /// Whether a report is worth a call to Redis: a new window, a window nearly spent, or a quarter second since the
    /// last; every response of a busy vendor carries one, and most say what Redis already knows.
    private func shouldReport(_ window: QuotaBucket.Window, now: Int64) -> Bool {
        abs(window.end - lastReport.end) > QuotaBucket.sameWindowTolerance.milliseconds || window.remaining < 64
            || now - lastReport.at >= 250
    }

    /// Takes one admission for the next attempt when the bucket would let it go: from the local estimate, or from
    /// a lease of the shared one. Returns false when it must wait (a lease is being asked for).
    private func releaseNext(now: Int64) -> Bool {
        let shared = sharesQuota && !decideLocally
        if shared && deniedUntil > now { return false }
        if shared && !(lease.count > 0 && lease.end > now) {
            requestLease(now: now)
            return false
        }
        guard case .go = bucket.admit(now: now, countsQuota: !shared) else { return false }
        if shared { lease.count -= 1 }
        decideLocally = false
        return true
    }

    /// Asks Redis for a lease of the window's quota, unless a call is out already.
    private func requestLease(now: Int64) {
        guard let shared, !takePending else { return }
        takePending = true
        let seed = bucket.knowledge == .reported ? bucket.window : nil
        shared.take(
            upstream: upstream, bucket: name, now: now, reserve: bucket.policy.reserve,
            margin: bucket.policy.resetMargin, seed: seed
        ) {
            [weak self] take in self?.leaseAnswered(take)
        }
    }

    private func leaseAnswered(_ take: SharedQuota.Take) {
        takePending = false
        switch take {
        case .granted(let count, let left, let end):
            bucket.adopt(remaining: left, end: end)
            lease = (count, end)
        case .denied(let end):
            // Spent everywhere: the local estimate holds everyone until the window ends, then asks again.
            lease = (0, 0)
            deniedUntil = end
            bucket.adopt(remaining: bucket.policy.reserve, end: end)
            for _ in waiters { onChange?(.held(.quotaSpent)) }
        case .local:
            decideLocally = true
        }
        release()
    }

    /// Forgets a waiter (its client left or retryd is shutting down).
    func withdraw(_ exchange: GateWaiter) {
        waiters.removeAll { $0.exchange == nil || $0.exchange === exchange }
        if waiters.isEmpty { loop.cancel(timer) }
    }

    /// A response arrived for an attempt of this bucket.
    func observe(status: Int, headers: [(name: String, value: String)]) {
        let now = Sys.wallClockMilliseconds()
        let wasTrial = bucket.gate == .trial
        if let closed = bucket.observe(status: status, headers: headers, now: now) {
            onChange?(.closed(until: closed.until, cause: closed.cause, waiting: waiters.count))
            shared?.announceClosure(upstream: upstream, bucket: name, until: closed.until, cause: closed.cause)
        } else if wasTrial && bucket.gate == .open {
            onChange?(.opened(waiting: waiters.count))
        }
        if let shared, let window = bucket.window, QuotaReport.parse(headers, now: Double(now) / 1000) != nil,
            shouldReport(window, now: now)
        {
            lastReport = (window.end, now)
            shared.report(upstream: upstream, bucket: name, window: window, now: now)
        }
        schedule(now: now)
    }

    /// Another instance closed the gate (through Redis).
    func close(until: Int64, cause: GateCause) {
        if bucket.close(until: until, cause: cause) {
            onChange?(.closed(until: until, cause: cause, waiting: waiters.count))
        }
        schedule(now: Sys.wallClockMilliseconds())
    }

    /// An admitted attempt ended; a held request may go now.
    func finished() {
        bucket.finished()
        if !waiters.isEmpty { loop.schedule(timer, after: .zero) }
    }

    /// Releases the waiters the bucket lets go (a reopening's backlog one spacing apart) and refuses those whose
    /// wait ran out.
    private func release() {
        let now = Sys.wallClockMilliseconds()
        let expired = waiters.filter { $0.giveUpAt <= now || $0.exchange == nil }
        waiters.removeAll { $0.giveUpAt <= now || $0.exchange == nil }
        for waiter in expired {
            guard let exchange = waiter.exchange else { continue }
            onChange?(.refused)
            exchange.refused(refusal(until: holdUntil(now: now), reason: nil, now: now))
        }
        while let first = waiters.first {
            if first.spaced && now < lastRelease + bucket.releaseSpacing.milliseconds { break }
            guard releaseNext(now: now) else { break }
            waiters.removeFirst()
            if first.spaced { lastRelease = now }
            onChange?(.released(waited: .milliseconds(now - first.since)))
            first.exchange?.admitted()
        }
        schedule(now: now)
    }

    /// Arms the one timer for the earliest moment something may change: the gate or window opening, the next
    /// release slot, or a waiter's wait running out. An attempt ending (``finished()``) and a lease arriving
    /// wake it too.
    private func schedule(now: Int64) {
        guard let first = waiters.first, let earliestGiveUp = waiters.map(\.giveUpAt).min() else {
            loop.cancel(timer)
            return
        }
        var wake = earliestGiveUp
        switch peekVerdict(now: now) {
        case .go where !takePending:
            wake = min(wake, first.spaced ? max(lastRelease + bucket.releaseSpacing.milliseconds, now) : now)
        case .go, .hold(nil, _): break
        case .hold(let until?, _): wake = min(wake, until)
        }
        loop.schedule(timer, after: .milliseconds(max(wake - now, 0)))
    }

    /// When the bucket would let an attempt go again, if it holds them until a known time.
    private func holdUntil(now: Int64) -> Int64? {
        if case .hold(let until?, _) = peekVerdict(now: now) { return until }
        return nil
    }

    /// What the bucket would answer now, without taking anything: with the quota shared, the window's count is
    /// Redis's, and a denial holds until the window ends.
    private func peekVerdict(now: Int64) -> QuotaBucket.Verdict {
        let shared = sharesQuota && !decideLocally
        var copy = bucket
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
