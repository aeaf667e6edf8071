/// What one input to a ``QuotaGate`` decided, for its shell to carry out once it has let go of its lock.
package struct GateActions<Waiter> {
    /// Whether the attempt that asked goes at once (``QuotaGate/admit(_:now:maxWait:sharedReachable:)`` only).
    package var goesNow = false
    /// Waiters that may send their attempt now, in the order they go.
    package var admitted: [Waiter] = []
    /// Waiters that cannot wait long enough, with the answer each client gets.
    package var refused: [(waiter: Waiter, refusal: GateRefusal)] = []
    /// What the gate reports about itself (log lines, metrics), in order.
    package var changes: [GateChange] = []
    /// Calls to the state other instances share, in order.
    package var sharedCalls: [SharedQuotaCall] = []
    /// Whether the timer must be armed anew: ask ``QuotaGate/armTimer(now:sharedReachable:)`` on the timer's loop.
    package var rearmTimer = false

    /// Nothing to do.
    package init() {}

    /// Whether there is nothing to carry out.
    package var isEmpty: Bool {
        !goesNow && admitted.isEmpty && refused.isEmpty && changes.isEmpty && sharedCalls.isEmpty && !rearmTimer
    }

    /// Appends what `other` decided after what this decided.
    package mutating func append(_ other: GateActions) {
        goesNow = goesNow || other.goesNow
        admitted += other.admitted
        refused += other.refused
        changes += other.changes
        sharedCalls += other.sharedCalls
        rearmTimer = rearmTimer || other.rearmTimer
    }
}

/// A call to the quota state shared through Redis that a gate asks its shell to make.
package enum SharedQuotaCall: Sendable, Equatable {
    /// Ask for a lease of the window's quota; the answer comes back through ``QuotaGate/leaseAnswered(_:now:)``.
    case take(now: Int64, reserve: Int, margin: Duration, seed: QuotaBucket.Window?)
    /// Tell the other instances the gate closed.
    case announceClosure(until: Int64, cause: GateCause)
    /// Pass a response's view of the window on (fire and forget).
    case report(window: QuotaBucket.Window, now: Int64)
}

/// What Redis answered to a ``SharedQuotaCall/take(now:reserve:margin:seed:)``.
package enum LeaseAnswer: Sendable, Equatable {
    /// Granted `count` requests (this one and a lease of the rest): `left` remain in the window ending at `end`.
    case granted(count: Int, left: Int, end: Int64)
    /// Spent down to the reserve until `end`.
    case denied(end: Int64)
    /// Redis knows nothing of this bucket's window yet, or cannot be asked: the instance decides alone.
    case local
}

/// What a gate reports about itself.
package enum GateChange: Sendable, Equatable {
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
