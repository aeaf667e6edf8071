import Admission
import HTTP1
import Retry

extension ExchangeStateMachine {
    /// What the shell must do after an input; every input returns exactly one.
    ///
    /// The cases that say what to answer libcurl inside its callbacks (``none``, ``abortTransfer``,
    /// ``relayBody``, ``pauseTransfer``, ``uploadRead(_:resumeClientReading:)``) come only from the inputs that
    /// libcurl's callbacks feed; those inputs never start, cancel or finish anything.
    package enum Action: Equatable, Sendable {
        /// Nothing to do. A header line: read on. A piece of response body: taken, not relayed.
        case none
        /// Answer `100 Continue` so the client sends its body, then carry out `then`.
        indirect case sendContinue(then: Action)
        /// A piece of a streaming request body arrived: resume the transfer (libcurl waited for bytes), and stop
        /// reading the client when more than the replay limit waits for libcurl.
        case flowUpload(resumeTransfer: Bool, pauseClientReading: Bool)
        /// libcurl's read of the streaming request body gets `read`; reading the client may resume when asked.
        case uploadRead(BodyRead, resumeClientReading: Bool)
        /// The client drained its output: let the paused transfer go on.
        case resumeTransfer
        /// Arm the exchange's one timer `after` from now.
        case rearmTimer(after: Duration)
        /// Ask the quota gate for the next attempt, waiting at most `maxWait`; ``admitted(now:)`` or
        /// ``refusedAtGate(_:)`` follows.
        case askGate(maxWait: Duration)
        /// Ask the upstream's breaker whether the next attempt may go (a first attempt also counts in the retry
        /// budget); ``consulted(_:now:)`` follows at once.
        case consultHealth(firstAttempt: Bool, usesBreaker: Bool)
        /// Start the next attempt and arm the timer with its bound.
        case startAttempt(AttemptStart)
        /// Send the rule's probe and arm the timer with `timeout`.
        case startProbe(timeout: Duration)
        /// Stop the transfer from inside its callback; libcurl then reports its completion.
        case abortTransfer
        /// The attempt ended with a retryable response: report `ended` (spending the retry budget when asked), let
        /// the quota gate see the response, read its body without relaying it, and re-arm the timer when `timeout`
        /// is given.
        case discardResponse(ended: AttemptEnd, retry: RetryPlan, spendsBudget: Bool, timeout: Duration?)
        /// The attempt ended with the final response: report `ended`, let the quota gate see it, write `head` with
        /// `framing`, then relay the body bounded by `timeout` between bytes.
        case deliverResponse(ended: AttemptEnd, head: ResponseHead, framing: ResponseFraming, timeout: Duration)
        /// Write the piece of body to the client.
        case relayBody
        /// The client is full: pause the transfer until its output drains (``clientWritable()`` follows).
        case pauseTransfer
        /// A probe found out what happened to the request (logged and counted); then `then`.
        indirect case verified(ProbeVerdict, then: Action)
        /// The transfer in flight is over (cancel it when `cancelTransfer`; libcurl ended it otherwise), and its
        /// place among the quota gate's attempts out is handed back when `gatePlace`; then `then`. An ending carries
        /// its release in ``Finish/release`` instead.
        indirect case release(cancelTransfer: Bool, gatePlace: Bool, then: Action)
        /// Wait and retry.
        case retry(Retry)
        /// The exchange is over: carry out ``Finish/release`` first, when it is set.
        case finish(Finish)
    }

    /// Start attempt `number`: send the request with `body`, and bound the attempt by `timeout`.
    package struct AttemptStart: Equatable, Sendable {
        /// 1-based attempt number.
        package var number: Int
        /// How long the attempt may run to its response head.
        package var timeout: Duration
        /// The body as libcurl gets it.
        package var body: RequestBody

        /// Creates a start.
        package init(number: Int, timeout: Duration, body: RequestBody) {
            self.number = number
            self.timeout = timeout
            self.body = body
        }
    }

    /// An attempt ended: with a response status, or with none (a failure).
    package struct AttemptEnd: Equatable, Sendable {
        /// The response status; nil for a transport failure or a refused head.
        package var status: Int?
        /// From the attempt's start to its end.
        package var duration: Duration

        /// Creates an attempt's end.
        package init(status: Int?, duration: Duration) {
            self.status = status
            self.duration = duration
        }
    }

    /// Wait `wait`, then start the next attempt, because of `reason`.
    package struct RetryPlan: Equatable, Sendable {
        /// The attempt that will be retried.
        package var attempt: Int
        /// How long to wait first.
        package var wait: Duration
        /// Why the attempt is retried.
        package var reason: RetryReason
        /// Whether a probe, not the next attempt, follows the wait.
        package var verifying = false

        /// Creates a plan.
        package init(attempt: Int, wait: Duration, reason: RetryReason, verifying: Bool = false) {
            self.attempt = attempt
            self.wait = wait
            self.reason = reason
            self.verifying = verifying
        }
    }

    /// A retry was decided: report the attempt that ended (when given), spend the budget when asked, log the plan
    /// and arm the timer with its wait.
    package struct Retry: Equatable, Sendable {
        /// The wait and its reason.
        package var plan: RetryPlan
        /// The attempt that ended with this decision; nil when it was reported already (its head was retryable).
        package var ended: AttemptEnd?
        /// Whether the retry takes a token of the upstream's retry budget (every retry but a rate limit's wait).
        package var spendsBudget = false

        /// Creates a retry.
        package init(plan: RetryPlan, ended: AttemptEnd? = nil, spendsBudget: Bool = false) {
            self.plan = plan
            self.ended = ended
            self.spendsBudget = spendsBudget
        }
    }

    /// Why an exchange is answered by retryd at once: the quota gate's 429 or the breaker's 503, with the fields
    /// every refusal has (status, code, `Retry-After`, one sentence).
    package typealias Refusal = GateRefusal

    /// What the upstream's breaker answered ``Action/consultHealth(firstAttempt:usesBreaker:)``.
    package enum HealthVerdict: Equatable, Sendable {
        /// The attempt goes; `trial` is set when it is one of the half-open breaker's trials.
        case go(trial: Int?)
        /// The breaker is open: answer at once.
        case refuse(Refusal)
    }

    /// What the exchange's end means for the upstream's breaker.
    package enum HealthOutcome: Equatable, Sendable {
        /// Its last attempt ended: count it as a failure (a transport failure or a `retry_statuses` status) or not.
        case record(failed: Bool, trial: Int?, usesBreaker: Bool)
        /// A trial that never got an outcome: another trial may go.
        case abandon(trial: Int)
    }
}
