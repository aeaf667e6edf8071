import HTTP1
import Retry

extension ExchangeStateMachine {
    /// A rule's probe, ready for this exchange: the probe and its target with the request path's captures filled in.
    package struct Verification: Equatable, Sendable {
        /// What to ask and how to read the answer.
        package var probe: VerifyProbe
        /// The probe's request-target as sent upstream.
        package var target: String

        /// Creates a verification.
        package init(probe: VerifyProbe, target: String) {
            self.probe = probe
            self.target = target
        }
    }

    /// A non-idempotent request that may have been processed, held while probes find out.
    struct Uncertain: Equatable {
        /// The attempt's transport failure; nil when it had a response (kept in the pending retry or probe).
        var failure: TransportFailure?
        /// What the planner decided had the request been known safe to repeat; carried out if the probe says
        /// "not applied".
        var next: Decision
    }

    /// One probe in flight.
    struct ProbeAttempt {
        /// 1-based, counted apart from the request's attempts.
        var number: Int
        /// Loop time at its start.
        var startedAt: Int64
        /// The probe's response head once complete.
        var response: ResponseHead?
        /// Its body, up to ``probeBodyLimit`` bytes.
        var body: [UInt8]
        /// The original attempt's response, when it had one.
        var kept: KeptResponse?
        /// The request's own state.
        var uncertain: Uncertain
    }

    /// Probe bodies are read this far; a status field comes early in any sane JSON.
    static let probeBodyLimit = 64 * 1024

    /// Whether `outcome` of a request under a verify rule is to be probed rather than decided.
    func needsVerification(_ outcome: AttemptOutcome) -> Bool {
        guard let verification else { return false }
        return planner.needsVerification(outcome, verifyOn: verification.probe.verifyOn)
    }

    /// The attempt may have been processed: decide as if it were safe, then wait that long and probe. When the
    /// planner would give up anyway, the probe goes at once: the client still deserves to know what happened.
    mutating func beginVerification(
        _ outcome: AttemptOutcome, failure: TransportFailure?, attempt: Int, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> (RetryPlan, Uncertain) {
        let decision = planner.decide(
            outcome, attempt: attempt, elapsed: elapsed(at: now), now: wallClock, using: &random,
            knownUnapplied: true)
        var plan = RetryPlan(attempt: attempt, wait: .zero, reason: .maybeProcessed, verifying: true)
        if case .retry(let wait, let reason) = decision {
            plan.wait = wait
            plan.reason = reason
        } else if case .response(let status, _) = outcome {
            plan.reason = .status(status)
        }
        return (plan, Uncertain(failure: failure, next: decision))
    }

    /// The wait before a probe is over: send it.
    mutating func startProbe(_ uncertain: Uncertain, kept: KeptResponse?, now: Int64) -> Action {
        guard
            let timeout = planner.attemptBudget(elapsed: elapsed(at: now), attemptTimeout: configuration.attemptTimeout)
        else {
            return conclude(.inconclusive("no time left to probe"), uncertain, kept, probeHead: nil, now: now)
        }
        probes += 1
        if probePlanner == nil {
            probePlanner = RetryPlanner(
                policy: planner.policy, request: RequestTraits(method: verification?.probe.method ?? "GET"))
        }
        head.reset()
        state = .probing(
            ProbeAttempt(
                number: probes, startedAt: now, response: nil, body: [], kept: kept,
                uncertain: uncertain))
        return .startProbe(timeout: timeout)
    }

    /// A header line of the probe's response.
    mutating func probeHeaderLine(_ line: UnsafeRawBufferPointer, probe: ProbeAttempt) -> Action {
        var probe = probe
        guard case .complete(let response, _, _)? = try? head.feed(line: line) else {
            // A refused head ends the probe; its completion then finds no response and treats it as a failure.
            return head.isInsideHead ? .none : .abortTransfer
        }
        probe.response = response
        state = .probing(probe)
        return .none
    }

    /// A piece of the probe's body: kept up to the limit, then the probe stops and is judged on what it has.
    mutating func probeBody(_ bytes: UnsafeRawBufferPointer, probe: ProbeAttempt) -> Action {
        var probe = probe
        state = .modifying  // keeps the body uniquely referenced while it grows
        let room = Self.probeBodyLimit - probe.body.count
        probe.body.append(contentsOf: bytes.prefix(max(room, 0)))
        state = .probing(probe)
        return room >= bytes.count ? .none : .abortTransfer
    }

    /// The probe's transfer ended (or its timer fired, with `failure`): read its answer, or probe again.
    mutating func probeEnded(
        _ probe: ProbeAttempt, failure: TransportFailure?, now: Int64, wallClock: Double,
        random: inout some RandomNumberGenerator
    ) -> Action {
        let verification = verification!
        var outcome = AttemptOutcome.failure(
            failure ?? TransportFailure(kind: .maybeProcessed, isBadResponse: true, message: "no probe response"))
        if let response = probe.response {
            let headers = response.headers.map { ($0.name, $0.value) }
            outcome = .response(status: response.status, headers: headers)
            if let verdict = verification.probe.verdict(status: response.status, body: probe.body) {
                probePlanner?.recordFinal(outcome)
                return conclude(verdict, probe.uncertain, probe.kept, probeHead: probeAnswer(probe), now: now)
            }
        }
        let elapsed = elapsed(at: now)
        let decision = probePlanner?.decide(
            outcome, attempt: probe.number, elapsed: elapsed, now: wallClock, using: &random)
        guard case .retry(let wait, let reason) = decision else {
            let why: String
            switch outcome {
            case .response(let status, _): why = "the probe was answered \(status)"
            case .failure(let failure): why = "the probe failed: \(failure.message)"
            }
            return conclude(.inconclusive(why), probe.uncertain, probe.kept, probeHead: probeAnswer(probe), now: now)
        }
        let plan = RetryPlan(attempt: probe.number, wait: wait, reason: reason, verifying: true)
        state = .waiting(PendingRetry(plan: plan, kept: probe.kept, uncertain: probe.uncertain))
        return .retry(Retry(plan: plan))
    }

    private func probeAnswer(_ probe: ProbeAttempt) -> (head: ResponseHead, body: [UInt8])? {
        probe.response.map { ($0, probe.body) }
    }

    /// Carries out what the verdict means for the request.
    private mutating func conclude(
        _ verdict: ProbeVerdict, _ uncertain: Uncertain, _ kept: KeptResponse?,
        probeHead: (head: ResponseHead, body: [UInt8])?, now: Int64
    ) -> Action {
        lastVerdict = verdict
        switch verdict {
        case .notApplied:
            switch uncertain.next {
            case .retry:
                // The wait was taken before the probe: the repeat goes now.
                return .verified(verdict, then: nextAttempt(now: now))
            case .giveUp(let reason):
                return .verified(verdict, then: .finish(original(verdict, uncertain, kept, giveUp: reason)))
            case .deliver:
                return .verified(verdict, then: .finish(original(verdict, uncertain, kept, giveUp: nil)))
            }
        case .applied:
            if verification?.probe.onApplied == .accepted, let (head, body) = probeHead {
                var accepted = relayed(head)
                accepted.status = 202
                accepted.reason = ResponseHead.standardReason(for: 202)
                accepted.headers.replaceOrAdd(name: Self.verifiedHeader, value: verdict.headerValue)
                let framing = ResponseWriter.framing(
                    requestMethod: request.method, clientVersion: request.version, status: 202,
                    contentLength: body.count)
                let finish = finish(status: 202, answer: .kept(head: accepted, framing: framing, body: body))
                return .verified(verdict, then: finish)
            }
            return .verified(verdict, then: .finish(original(verdict, uncertain, kept, giveUp: nil)))
        case .inconclusive:
            let finish = original(verdict, uncertain, kept, giveUp: .verifyInconclusive)
            return .verified(verdict, then: .finish(finish))
        }
    }

    /// The original attempt's failure, marked with what the probe found.
    private mutating func original(
        _ verdict: ProbeVerdict, _ uncertain: Uncertain, _ kept: KeptResponse?, giveUp: GiveUpReason?
    ) -> Finish {
        if let kept, kept.isComplete {
            var head = relayed(kept.head)
            head.headers.replaceOrAdd(name: Self.verifiedHeader, value: verdict.headerValue)
            let framing = ResponseWriter.framing(
                requestMethod: request.method, clientVersion: request.version, status: kept.head.status,
                contentLength: kept.body.count)
            return finishing(
                status: kept.head.status, answer: .kept(head: head, framing: framing, body: kept.body), giveUp: giveUp)
        }
        var result: Finish
        if let kept {
            result = finishing(
                error: kept.head.status, "upstream_failed",
                "the upstream answered \(kept.head.status) with a body too large to hold while verifying",
                giveUp: giveUp)
        } else {
            let failure =
                uncertain.failure ?? TransportFailure(kind: .maybeProcessed, message: "no response from the upstream")
            // The failure's own 502 or 504; the reason only words its detail.
            result = givingUp(failure, reason: giveUp ?? .notSafeToRetry)
            result.giveUp = giveUp
        }
        result.verified = verdict.headerValue
        return result
    }

    /// The response header that tells the client what a probe found: `applied`, `not-applied` or `unknown`.
    package static let verifiedHeader = "X-Retryd-Verified"
}
