extension QuotaGate {
    /// What an instance knows of a window's quota counted in Redis: a call out, the lease it granted, a denial.
    struct SharedLease {
        /// Whether a call to Redis for a lease is out; one at a time, so a burst costs one call per lease.
        var takePending = false
        /// Set when Redis could not decide (it knows nothing yet, or did not answer in time): the next release is
        /// decided by the local estimate alone.
        var decideLocally = false
        /// Requests of the shared window Redis granted ahead, and when that window ends.
        var granted: (count: Int, end: Int64) = (0, 0)
        /// The end of a shared window Redis said is spent: no lease is asked for before then.
        var deniedUntil: Int64 = 0
        /// The window end last reported to Redis, and when.
        var lastReport: (end: Int64, at: Int64) = (0, 0)

        /// Whether a report is worth a call to Redis: a new window, a window nearly spent, or a quarter second since
        /// the last; every response of a busy vendor carries one, and most say what Redis already knows.
        func shouldReport(_ window: QuotaBucket.Window, now: Int64) -> Bool {
            abs(window.end - lastReport.end) > QuotaBucket.sameWindowTolerance.milliseconds || window.remaining < 64
                || now - lastReport.at >= 250
        }
    }

    /// Redis answered the lease asked for by a ``SharedQuotaCall/take(now:reserve:margin:seed:)``; releases what
    /// the answer lets go.
    package mutating func leaseAnswered(
        _ answer: LeaseAnswer, now: Int64, sharedReachable: Bool = true
    ) -> GateActions<Waiter> {
        var actions = GateActions<Waiter>()
        lease?.takePending = false
        switch answer {
        case .granted(let count, let left, let end):
            bucket.adopt(remaining: left, end: end)
            lease?.granted = (count, end)
        case .denied(let end):
            // Spent everywhere: the local estimate holds everyone until the window ends, then asks again.
            lease?.granted = (0, 0)
            lease?.deniedUntil = end
            bucket.adopt(remaining: bucket.policy.reserve, end: end)
            for _ in 0..<waiting { actions.changes.append(.held(.quotaSpent)) }
        case .local:
            lease?.decideLocally = true
        }
        releaseWaiters(now: now, sharedReachable: sharedReachable, &actions)
        return actions
    }

    /// Whether the window's quota is counted in Redis rather than here: shared and reachable, for a vendor that
    /// reports its quota, unless Redis last said to decide locally. Even before this instance has seen a report,
    /// another may have: Redis answers `.local` when it knows nothing either.
    func countsInRedis(sharedReachable: Bool) -> Bool {
        guard let lease, sharedReachable, bucket.policy.pace, bucket.knowledge != .absent else { return false }
        return !lease.decideLocally
    }

    /// Takes one admission for the next attempt when the bucket would let it go: from the local estimate, or from
    /// a lease of the shared one. Returns false when it must wait (a lease is being asked for).
    mutating func releaseNext(now: Int64, sharedReachable: Bool, _ actions: inout GateActions<Waiter>) -> Bool {
        let shared = countsInRedis(sharedReachable: sharedReachable)
        if shared, let lease {
            if lease.deniedUntil > now { return false }
            if !(lease.granted.count > 0 && lease.granted.end > now) {
                requestLease(now: now, &actions)
                return false
            }
        }
        guard case .go = bucket.admit(now: now, countsQuota: !shared) else { return false }
        if shared { lease?.granted.count -= 1 }
        lease?.decideLocally = false
        return true
    }

    /// Asks Redis for a lease of the window's quota, unless a call is out already.
    private mutating func requestLease(now: Int64, _ actions: inout GateActions<Waiter>) {
        guard let current = lease, !current.takePending else { return }
        lease?.takePending = true
        let seed = bucket.knowledge == .reported ? bucket.window : nil
        actions.sharedCalls.append(
            .take(now: now, reserve: bucket.policy.reserve, margin: bucket.policy.resetMargin, seed: seed))
    }

    /// What the bucket would answer now, without taking anything: with the quota shared, the window's count is
    /// Redis's, and a denial holds until the window ends.
    func peekVerdict(now: Int64, sharedReachable: Bool) -> QuotaBucket.Verdict {
        let shared = countsInRedis(sharedReachable: sharedReachable)
        var copy = bucket
        let verdict = copy.admit(now: now, countsQuota: !shared)
        if case .go = verdict, shared, let lease, lease.deniedUntil > now {
            return .hold(until: lease.deniedUntil, reason: .quotaSpent)
        }
        return verdict
    }
}
