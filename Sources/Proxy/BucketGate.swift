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
    /// Attempts admitted here whose share of the window's quota Redis has yet to grant, by exchange.
    private var pendingTakes: [ObjectIdentifier: Waiter] = [:]
    /// Requests of the shared window Redis granted ahead (a lease), and when that window ends.
    private var lease: (count: Int, end: Int64) = (0, 0)
    /// The window end last reported to Redis, and when.
    private var lastReport: (end: Int64, at: Int64) = (0, 0)

    /// One request waiting at the gate.
    private struct Waiter {
        unowned let exchange: GateWaiter
        /// Wall-clock ms after which it is refused rather than kept waiting.
        let giveUpAt: Int64
        /// Wall-clock ms when it began waiting.
        let since: Int64
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
        let waiter = Waiter(exchange: exchange, giveUpAt: now + maxWait.milliseconds, since: now)
        // First come, first served: nobody overtakes those already waiting.
        if waiters.isEmpty {
            switch bucket.admit(now: now, countsQuota: !sharesQuota) {
            case .go:
                guard sharesQuota else { return true }
                askShared(for: waiter, now: now)
                return false
            case .hold(let until, let reason):
                if let until, until - now > maxWait.milliseconds {
                    onChange?(.refused)
                    exchange.refused(refusal(until: until, reason: reason, now: now))
                    return false
                }
            }
        }
        if case .hold(_, let reason) = peekVerdict(now: now) { onChange?(.held(reason)) }
        waiters.append(waiter)
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

    /// Asks Redis for one request of the window; the waiter goes, waits again, or is decided here when Redis
    /// cannot say (it never waits longer than one call's timeout).
    private func askShared(for waiter: Waiter, now: Int64) {
        guard let shared else { return }
        if lease.count > 0 && lease.end > now {
            lease.count -= 1
            waiter.exchange.admitted()
            return
        }
        pendingTakes[ObjectIdentifier(waiter.exchange)] = waiter
        let seed = bucket.knowledge == .reported ? bucket.window : nil
        shared.take(upstream: upstream, bucket: name, now: now, reserve: bucket.policy.reserve, seed: seed) {
            [weak self] take in self?.sharedAnswered(take, for: waiter)
        }
    }

    private func sharedAnswered(_ take: SharedQuota.Take, for waiter: Waiter) {
        guard pendingTakes.removeValue(forKey: ObjectIdentifier(waiter.exchange)) != nil else {
            // The exchange left meanwhile: its place is free again.
            bucket.returnAdmission()
            return
        }
        let now = Sys.wallClockMilliseconds()
        switch take {
        case .granted(let count, let left, let end):
            bucket.adopt(remaining: left, end: end)
            lease = (count - 1, end)
            waiter.exchange.admitted()
            return
        case .denied(let end):
            bucket.returnAdmission()
            bucket.adopt(remaining: bucket.policy.reserve, end: end)
        case .local:
            bucket.returnAdmission()
            if case .go = bucket.admit(now: now) {
                waiter.exchange.admitted()
                return
            }
        }
        onChange?(.held(.quotaSpent))
        waiters.insert(waiter, at: 0)
        schedule(now: now)
    }

    /// Forgets a waiter (its client left or retryd is shutting down).
    func withdraw(_ exchange: GateWaiter) {
        waiters.removeAll { $0.exchange === exchange }
        // A pending grant is given back when Redis answers.
        pendingTakes[ObjectIdentifier(exchange)] = nil
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

    /// Releases waiters the bucket lets go, one spacing apart, and refuses those whose wait ran out.
    private func release() {
        let now = Sys.wallClockMilliseconds()
        let expired = waiters.filter { $0.giveUpAt <= now }
        waiters.removeAll { $0.giveUpAt <= now }
        for waiter in expired {
            onChange?(.refused)
            waiter.exchange.refused(refusal(until: holdUntil(now: now), reason: nil, now: now))
        }
        while let first = waiters.first {
            let spacing = bucket.releaseSpacing.milliseconds
            if spacing > 0 && now < lastRelease + spacing { break }
            let shares = sharesQuota
            guard case .go = bucket.admit(now: now, countsQuota: !shares) else { break }
            waiters.removeFirst()
            lastRelease = now
            onChange?(.released(waited: .milliseconds(now - first.since)))
            if shares {
                askShared(for: first, now: now)
            } else {
                first.exchange.admitted()
            }
        }
        schedule(now: now)
    }

    /// Arms the one timer for the earliest moment something may change: the gate or window opening, the next
    /// release slot, or a waiter's wait running out. An attempt ending (``finished()``) wakes it too.
    private func schedule(now: Int64) {
        guard let earliestGiveUp = waiters.map(\.giveUpAt).min() else {
            loop.cancel(timer)
            return
        }
        var wake = earliestGiveUp
        switch peekVerdict(now: now) {
        case .go: wake = min(wake, max(lastRelease + bucket.releaseSpacing.milliseconds, now))
        case .hold(let until?, _): wake = min(wake, until)
        case .hold(nil, _): break
        }
        loop.schedule(timer, after: .milliseconds(max(wake - now, 0)))
    }

    /// When the bucket would let an attempt go again, if it holds them until a known time.
    private func holdUntil(now: Int64) -> Int64? {
        if case .hold(let until?, _) = peekVerdict(now: now) { return until }
        return nil
    }

    /// What the bucket would answer now, without taking anything.
    private func peekVerdict(now: Int64) -> QuotaBucket.Verdict {
        var copy = bucket
        return copy.admit(now: now)
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
