/// One bucket's gate as a pure state machine: the ``QuotaBucket``, the requests waiting at it in arrival order, the
/// spacing between releases, the one timer's next firing, and the lease of a quota shared with other instances.
///
/// Every input takes `now` (wall-clock milliseconds) and returns the ``GateActions`` its shell carries out: admit
/// these waiters, refuse those, report these changes, call Redis, arm the timer anew. Nothing here reads a clock,
/// takes a lock or knows a loop, so a test drives it through exact times. `Waiter` is whatever the shell needs to
/// reach a waiting request again; the gate only keeps it in order.
package struct QuotaGate<Waiter> {
    /// The upstream it belongs to, for refusals.
    package let upstream: String
    /// The bucket: gate, window estimate, attempts out.
    package internal(set) var bucket: QuotaBucket
    private var waiters: [Entry] = []
    /// Whether the timer is armed (or about to be): without waiters and an armed timer, a response leaves it be.
    private var timerArmed = false
    /// When the last held attempt of a reopening's backlog was released, for the spacing between releases.
    private var lastRelease: Int64 = 0
    /// What this instance knows of the quota shared through Redis; nil when `[shared]` is not configured.
    var lease: SharedLease?

    /// One request waiting at the gate.
    private struct Entry {
        let waiter: Waiter
        /// Wall-clock ms after which it is refused rather than kept waiting.
        let giveUpAt: Int64
        /// When it began waiting.
        let since: Int64
        /// Whether it began waiting at a closed gate (or behind a trial): the backlog a reopening releases one
        /// spacing apart. Requests that queue behind it while the gate is open go as soon as they are first.
        let spaced: Bool
    }

    /// Creates an open gate with nobody waiting.
    /// - Parameters:
    ///   - upstream: the upstream's name, for refusals.
    ///   - policy: the bucket's switches.
    ///   - sharing: whether the quota is shared with other instances through Redis (`[shared]`).
    package init(upstream: String, policy: QuotaPolicy, sharing: Bool = false) {
        self.upstream = upstream
        bucket = QuotaBucket(policy: policy)
        lease = sharing ? SharedLease() : nil
    }

    /// Requests waiting now.
    package var waiting: Int { waiters.count }

    /// Asks for an attempt that may wait at most `maxWait`. With ``GateActions/goesNow`` it goes at once;
    /// otherwise `waiter` waits, or is refused at once in ``GateActions/refused`` when the gate opens too late.
    /// - Parameter sharedReachable: whether Redis answers now (ignored without sharing).
    package mutating func admit(
        _ waiter: @autoclosure () -> Waiter, now: Int64, maxWait: Duration, sharedReachable: Bool = true
    ) -> GateActions<Waiter> {
        var actions = GateActions<Waiter>()
        let verdict = peekVerdict(now: now, sharedReachable: sharedReachable)
        switch verdict {
        case .go:
            // First come, first served: nobody overtakes those already waiting.
            if waiters.isEmpty, releaseNext(now: now, sharedReachable: sharedReachable, &actions) {
                actions.goesNow = true
                return actions
            }
        case .hold(let until?, let reason) where until >= now + maxWait.milliseconds:
            // Those already waiting cannot go before `until` either, so a queue ahead changes nothing: waiting
            // would only end in the same refusal once the wait ran out (a waiter whose end is the opening itself
            // is refused then, before anyone is released).
            actions.changes.append(.refused)
            actions.refused.append((waiter(), GateRefusal(upstream: upstream, until: until, reason: reason, now: now)))
            return actions
        case .hold:
            break
        }
        if case .hold(_, let reason) = verdict { actions.changes.append(.held(reason)) }
        waiters.append(
            Entry(waiter: waiter(), giveUpAt: now + maxWait.milliseconds, since: now, spaced: bucket.gate != .open))
        actions.rearmTimer = true
        return actions
    }

    /// Forgets the waiters `isWithdrawn` picks (their clients left, or retryd is shutting down).
    package mutating func withdraw(where isWithdrawn: (Waiter) -> Bool) -> GateActions<Waiter> {
        var actions = GateActions<Waiter>()
        waiters.removeAll { isWithdrawn($0.waiter) }
        if waiters.isEmpty && timerArmed { actions.rearmTimer = true }
        return actions
    }

    /// A response arrived for an attempt of this bucket at `now`.
    package mutating func observe(
        status: Int, headers: [(name: String, value: String)], now: Int64
    ) -> GateActions<Waiter> {
        var actions = GateActions<Waiter>()
        let wasTrial = bucket.gate == .trial
        if let closed = bucket.observe(status: status, headers: headers, now: now) {
            actions.changes.append(.closed(until: closed.until, cause: closed.cause, waiting: waiters.count))
            if lease != nil { actions.sharedCalls.append(.announceClosure(until: closed.until, cause: closed.cause)) }
            refuseWaiters(endingBy: closed.until, reason: .gateClosed(closed.cause), now: now, &actions)
        } else if wasTrial && bucket.gate == .open {
            actions.changes.append(.opened(waiting: waiters.count))
        }
        if lease != nil, let window = bucket.window, QuotaReport.parse(headers, now: Double(now) / 1000) != nil,
            lease?.shouldReport(window, now: now) == true
        {
            lease?.lastReport = (window.end, now)
            actions.sharedCalls.append(.report(window: window, now: now))
        }
        if !waiters.isEmpty || timerArmed { actions.rearmTimer = true }
        return actions
    }

    /// Another instance closed the gate (through Redis) at `now`.
    package mutating func close(until: Int64, cause: GateCause, now: Int64) -> GateActions<Waiter> {
        var actions = GateActions<Waiter>()
        if bucket.close(until: until, cause: cause) {
            actions.changes.append(.closed(until: until, cause: cause, waiting: waiters.count))
            refuseWaiters(endingBy: until, reason: .gateClosed(cause), now: now, &actions)
        }
        if !waiters.isEmpty || timerArmed { actions.rearmTimer = true }
        return actions
    }

    /// An admitted attempt ended (or was not used); a held request may go now.
    package mutating func finished() -> GateActions<Waiter> {
        var actions = GateActions<Waiter>()
        bucket.finished()
        if !waiters.isEmpty { actions.rearmTimer = true }
        return actions
    }

    /// The timer fired at `now`: releases what the bucket lets go and refuses those whose wait ran out.
    package mutating func timerFired(now: Int64, sharedReachable: Bool = true) -> GateActions<Waiter> {
        var actions = GateActions<Waiter>()
        timerArmed = false
        releaseWaiters(now: now, sharedReachable: sharedReachable, &actions)
        return actions
    }

    /// When the timer should fire next, nil (cancel it) without waiters: the gate or window opening, the next
    /// release slot, or a waiter's wait running out. An attempt ending and a lease arriving wake it too.
    package mutating func armTimer(now: Int64, sharedReachable: Bool = true) -> Int64? {
        let wake = nextWake(now: now, sharedReachable: sharedReachable)
        timerArmed = wake != nil
        return wake
    }

    /// Releases the waiters the bucket lets go (a reopening's backlog one spacing apart) and refuses those whose
    /// wait ran out.
    mutating func releaseWaiters(now: Int64, sharedReachable: Bool, _ actions: inout GateActions<Waiter>) {
        let expired = waiters.filter { $0.giveUpAt <= now }
        waiters.removeAll { $0.giveUpAt <= now }
        let until = expired.isEmpty ? nil : holdUntil(now: now, sharedReachable: sharedReachable)
        for entry in expired {
            actions.changes.append(.refused)
            actions.refused.append(
                (entry.waiter, GateRefusal(upstream: upstream, until: until, reason: nil, now: now)))
        }
        while let first = waiters.first {
            if first.spaced && now < lastRelease + bucket.releaseSpacing.milliseconds { break }
            guard releaseNext(now: now, sharedReachable: sharedReachable, &actions) else { break }
            waiters.removeFirst()
            if first.spaced { lastRelease = now }
            actions.changes.append(.released(waited: .milliseconds(now - first.since)))
            actions.admitted.append(first.waiter)
        }
        if !waiters.isEmpty,
            case .hold(let until?, let reason) = peekVerdict(now: now, sharedReachable: sharedReachable)
        {
            // The window's quota turned out spent (or Redis denied a lease) while they queued.
            refuseWaiters(endingBy: until, reason: reason, now: now, &actions)
        }
        actions.rearmTimer = true
    }

    /// Refuses at once the waiters whose wait ends no later than `until`, the earliest the gate lets anyone go:
    /// they could only wait out their whole wait for the same 429.
    mutating func refuseWaiters(
        endingBy until: Int64, reason: QuotaBucket.HoldReason, now: Int64, _ actions: inout GateActions<Waiter>
    ) {
        guard waiters.contains(where: { $0.giveUpAt <= until }) else { return }
        for entry in waiters where entry.giveUpAt <= until {
            actions.changes.append(.refused)
            actions.refused.append(
                (entry.waiter, GateRefusal(upstream: upstream, until: until, reason: reason, now: now)))
        }
        waiters.removeAll { $0.giveUpAt <= until }
        actions.rearmTimer = true
    }

    /// When the timer should fire next, nil without waiters.
    private func nextWake(now: Int64, sharedReachable: Bool) -> Int64? {
        guard let first = waiters.first, let earliestGiveUp = waiters.map(\.giveUpAt).min() else { return nil }
        var wake = earliestGiveUp
        switch peekVerdict(now: now, sharedReachable: sharedReachable) {
        case .go where lease?.takePending != true:
            wake = min(wake, first.spaced ? max(lastRelease + bucket.releaseSpacing.milliseconds, now) : now)
        case .go, .hold(nil, _): break
        case .hold(let until?, _): wake = min(wake, until)
        }
        return wake
    }

    /// When the bucket would let an attempt go again, if it holds them until a known time.
    private func holdUntil(now: Int64, sharedReachable: Bool) -> Int64? {
        if case .hold(let until?, _) = peekVerdict(now: now, sharedReachable: sharedReachable) { return until }
        return nil
    }
}
