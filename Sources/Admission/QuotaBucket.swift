/// One vendor quota as retryd sees it (an upstream, or an endpoint rule's own `bucket`): the gate a 429 closes, and
/// an estimate of the requests left in the vendor's current window. Every attempt asks it first, and every response
/// teaches it.
///
/// Pure: times are wall-clock milliseconds since the Unix epoch, passed in (they are compared with other instances'
/// through Redis, and vendors announce resets as absolute times).
package struct QuotaBucket: Sendable {
    /// The gate.
    package enum Gate: Sendable, Equatable {
        /// Requests go (as far as the quota estimate allows).
        case open
        /// A response announced a wait: nothing goes before `until`.
        case closed(until: Int64, cause: GateCause)
        /// The wait is over and one trial request is out; the others wait for its answer, so a vendor that is
        /// still limiting sees one request rather than the whole backlog.
        case trial
    }

    /// What the vendor's current window looks like from here.
    package struct Window: Sendable, Equatable {
        /// When it ends.
        package var end: Int64
        /// Requests left in it, counting those sent since the vendor's last report.
        package var remaining: Int
        /// Requests it allows, when known.
        package var limit: Int?
        /// Its length, when known.
        package var length: Duration?
    }

    /// Whether an attempt may go now.
    package enum Verdict: Sendable, Equatable {
        /// It goes; it counts as in flight until ``finished()``.
        case go
        /// It waits: until `until`, or (nil) until a trial answer or an attempt in flight ends.
        case hold(until: Int64?, reason: HoldReason)
    }

    /// Why an attempt waits.
    package enum HoldReason: Sendable, Equatable {
        /// The gate is closed.
        case gateClosed(GateCause)
        /// The gate's trial request has not been answered yet.
        case trial
        /// The quota estimate for the window is spent (down to `reserve`).
        case quotaSpent
        /// `max_in_flight` attempts are out.
        case maxInFlight
        /// Nothing is known of the vendor's quota yet: one attempt goes first, and its answer tells.
        case learning
    }

    /// What the bucket knows of whether the vendor reports its quota.
    package enum Knowledge: Sendable, Equatable {
        /// Nothing yet (or the window ended without an allowance known): one attempt at a time until an answer.
        case unknown(probeOut: Bool)
        /// The vendor reports its quota: the window estimate applies.
        case reported
        /// A successful answer carried no quota headers: nothing to pace by.
        case absent
    }

    /// The bucket's switches.
    package let policy: QuotaPolicy
    /// The gate.
    package private(set) var gate = Gate.open
    /// The current window, once a response reported one.
    package private(set) var window: Window?
    /// Attempts admitted and not yet finished.
    package private(set) var inFlight = 0
    /// Whether the vendor reports its quota; before the first answer a burst could spend a window blind.
    package private(set) var knowledge = Knowledge.unknown(probeOut: false)

    /// The lowest and highest of `policy.closingStatuses`: every response is checked against them, and most
    /// (a 200) fall outside without hashing into the set.
    private let closingBounds: (lowest: Int, highest: Int)

    /// Creates an open bucket with no estimate.
    package init(policy: QuotaPolicy) {
        self.policy = policy
        closingBounds = (policy.closingStatuses.min() ?? 1, policy.closingStatuses.max() ?? 0)
    }

    /// Whether an attempt may go at `now`; `.go` counts it as in flight.
    /// - Parameter countsQuota: false when another place (the shared estimate in Redis) counts the window's quota;
    ///   the gate, `max_in_flight` and the learning attempt still apply.
    package mutating func admit(now: Int64, countsQuota: Bool = true) -> Verdict {
        if policy.gate {
            switch gate {
            case .closed(let until, let cause) where until > now:
                return .hold(until: until, reason: .gateClosed(cause))
            case .closed:
                // The wait is over: one trial first.
                gate = .trial
                return take(now: now)
            case .trial:
                return .hold(until: nil, reason: .trial)
            case .open:
                break
            }
        }
        if policy.maxInFlight > 0 && inFlight >= policy.maxInFlight {
            return .hold(until: nil, reason: .maxInFlight)
        }
        if policy.pace, case .unknown(let probeOut) = knowledge {
            if probeOut { return .hold(until: nil, reason: .learning) }
            knowledge = .unknown(probeOut: true)
        } else if policy.pace, countsQuota, var current = window {
            if current.end > now {
                guard current.remaining > policy.reserve else {
                    return .hold(until: current.end, reason: .quotaSpent)
                }
                current.remaining -= 1
                window = current
            } else {
                // The window is over. A known limit is the new window's allowance (its end comes with the next
                // report); an unknown one is learned from the next answer. The vendor's new window starts when
                // this attempt reaches it, so this end carries the margin too: reports of the new window keep the
                // earliest end they see, and one without the margin would release the next window's first
                // requests before the vendor's had ended.
                window = current.limit.map { limit in
                    Window(
                        end: now + (current.length ?? .seconds(1)).milliseconds + policy.resetMargin.milliseconds,
                        remaining: limit - 1, limit: limit, length: current.length)
                }
                if window == nil { knowledge = .unknown(probeOut: true) }
            }
        }
        return take(now: now)
    }

    private mutating func take(now: Int64) -> Verdict {
        inFlight += 1
        return .go
    }

    /// An admitted attempt ended (answered or failed).
    package mutating func finished() {
        inFlight = max(inFlight - 1, 0)
        // An attempt that ended without teaching anything lets the next one try.
        if case .unknown(true) = knowledge { knowledge = .unknown(probeOut: false) }
        // A trial that ended without an answer that closed the gate again leaves it open.
        if gate == .trial { gate = .open }
    }

    /// A response arrived: a 429 (or 503) that announces a wait closes the gate; quota headers update the estimate.
    /// - Parameters:
    ///   - status: the response status.
    ///   - headers: its header fields.
    ///   - now: wall-clock milliseconds at its arrival.
    ///   - cause: who saw it, for the status report (this instance unless told otherwise).
    /// - Returns: the gate's new closing time when this response closed it or moved its opening later.
    @discardableResult
    package mutating func observe(
        status: Int, headers: [(name: String, value: String)], now: Int64, instance: String? = nil
    ) -> (until: Int64, cause: GateCause)? {
        let seconds = Double(now) / 1000
        var closed: (until: Int64, cause: GateCause)?
        if policy.gate, status >= closingBounds.lowest, status <= closingBounds.highest,
            policy.closingStatuses.contains(status),
            let (wait, header) = AnnouncedWait.longest(in: headers, now: seconds)
        {
            let cause = GateCause(status: status, header: header, instance: instance, seenAt: now)
            if close(until: now + wait.milliseconds, cause: cause) { closed = (now + wait.milliseconds, cause) }
        } else if gate == .trial {
            gate = .open
        }
        if let report = QuotaReport.parse(headers, now: seconds) {
            learn(report, now: now)
        } else if case .unknown = knowledge, (200..<300).contains(status) {
            knowledge = .absent
        }
        return closed
    }

    /// Closes the gate until `until` unless it already stays closed longer; returns whether anything changed.
    @discardableResult
    package mutating func close(until: Int64, cause: GateCause) -> Bool {
        guard policy.gate else { return false }
        if case .closed(let current, _) = gate, current >= until { return false }
        gate = .closed(until: until, cause: cause)
        return true
    }

    /// Takes a report into the estimate: a later window replaces the current one, the same window keeps the lower
    /// count (responses arrive out of order), an older one is ignored.
    package mutating func learn(_ report: QuotaReport, now: Int64) {
        knowledge = .reported
        let end = now + report.resetAfter.milliseconds + policy.resetMargin.milliseconds
        // Attempts still out may not have been counted by the vendor yet: assume they were not.
        let remaining = report.remaining - max(inFlight - 1, 0)
        let length = report.window ?? window?.length ?? (report.remaining + 1 == report.limit ? report.resetAfter : nil)
        let sameWindow = Self.sameWindowTolerance.milliseconds
        guard let current = window, current.end > now else {
            window = Window(end: end, remaining: remaining, limit: report.limit, length: length)
            return
        }
        if end > current.end + sameWindow {
            window = Window(end: end, remaining: remaining, limit: report.limit ?? current.limit, length: length)
        } else if end >= current.end - sameWindow {
            // Resets come rounded up to whole seconds, so each report bounds the end from above: the earliest is
            // the closest (the margin keeps it from being early).
            window = Window(
                end: min(end, current.end), remaining: min(current.remaining, remaining),
                limit: report.limit ?? current.limit, length: length)
        }
    }

    /// Takes the window as the shared estimate reports it (after a grant or a denial).
    package mutating func adopt(remaining: Int, end: Int64) {
        guard var current = window else {
            window = Window(end: end, remaining: remaining, limit: nil, length: nil)
            return
        }
        current.remaining = remaining
        current.end = end
        window = current
    }

    /// Reset times come in whole seconds, so two reports of one window may differ by up to this much.
    package static let sameWindowTolerance: Duration = .milliseconds(1_500)

    /// How long to wait between releasing two held attempts. The quota estimate already bounds how many go; this
    /// only keeps a released backlog from reaching the vendor in the same millisecond.
    package var releaseSpacing: Duration { .milliseconds(1) }
}

/// Who closed a gate and with what.
package struct GateCause: Sendable, Equatable {
    /// The status that announced the wait (429, or 503).
    package var status: Int
    /// The header that carried it: "Retry-After", "RateLimit-Reset", "RateLimit" or "X-RateLimit-Reset".
    package var header: String
    /// The instance that saw it, when another one did.
    package var instance: String?
    /// When it was seen, wall-clock milliseconds.
    package var seenAt: Int64

    /// Creates a cause.
    package init(status: Int, header: String, instance: String? = nil, seenAt: Int64) {
        self.status = status
        self.header = header
        self.instance = instance
        self.seenAt = seenAt
    }
}

extension Duration {
    /// Whole milliseconds, saturating.
    package var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000_000_000
    }
}
