import Events
import Forwarder
import HTTP1
import Journal
import Logging
import Loop
import Retry

/// POSTs every give-up as JSON to the configured webhook, through the runtime's forwarder on the same loop;
/// refusals are summed into upstream events instead (``RefusalSummaries``).
///
/// Observing a give-up only queues the event; deliveries are separate transfers started from a timer, so client
/// traffic never waits on the webhook. One delivery is in flight at a time; the queue is bounded and drops its
/// oldest event past `max_queue`. Add it with `ProxyRuntime.addObserver` before the runtime runs.
package final class GiveUpNotifier {
    /// The `[notify]` settings.
    package let settings: NotifySettings
    /// Delivered, dropped and failed counts, readable from any thread.
    package let counters = DeliveryCounters()
    let forwarder: Forwarder
    let loop: EventLoop
    let logger: Logger
    var queue: DeliveryQueue
    /// Headers of every delivery except the per-event key: defaults, replaced by configured ones of the same name.
    let baseHeaders: [(name: String, value: String)]
    /// Starts the next attempt: right after an event is queued, or when a retry wait ends.
    var sendTimer: LoopTimer!
    /// Bounds one attempt, since libcurl is given no overall timeout of its own.
    var timeoutTimer: LoopTimer!
    /// The attempt in flight, once `Forwarder.start` returned it.
    var transfer: Transfer?
    /// Whether an attempt is in flight; set before `Forwarder.start`, which may complete the transfer at once.
    var attemptActive = false
    var headParser = UpstreamHeadParser()
    var responseHead: ResponseHead?
    /// Where each event and its delivery state are kept across restarts; nil keeps them in memory only.
    let journal: Journal?
    /// The key of the event whose attempt is in flight, for its journal update.
    var currentKey: String?
    var journalState = JournalDeliveryState()
    /// Refusals heard and not yet sent: the breaker's until it closes, the gate's and budget's until the summary.
    var refusals = RefusalSummaries()
    /// Sends the gate and budget refusals' summaries, `summaryInterval` after the first of them.
    var summaryTimer: LoopTimer!
    let summaryInterval: Duration

    /// Events delivered.
    package var delivered: Int { counters.delivered }
    /// Events dropped from a full queue.
    package var dropped: Int { counters.dropped }
    /// Events rejected by the webhook or out of attempts.
    package var failed: Int { counters.failed }

    /// Creates a notifier that sends with `forwarder`, whose loop must be `loop`.
    /// - Parameters:
    ///   - settings: Webhook, queue size, attempts, timeout and headers.
    ///   - policy: Backoff and limits beyond what the configuration sets.
    ///   - journal: Keeps events and their delivery state across restarts; the undelivered ones it holds are
    ///     loaded and sent once the loop runs.
    package init(
        settings: NotifySettings, forwarder: Forwarder, loop: EventLoop, logger: Logger,
        policy: DeliveryPolicy = .init(),
        journal: Journal? = nil
    ) {
        self.settings = settings
        self.journal = journal
        summaryInterval = policy.summaryInterval
        self.forwarder = forwarder
        self.loop = loop
        var logger = logger
        // The origin only: a webhook path often is the token itself.
        logger[metadataKey: "webhook"] = .string(settings.webhook.origin)
        self.logger = logger
        queue = DeliveryQueue(
            capacity: settings.maxQueue, policy: policy.retryPolicy(maxAttempts: settings.maxAttempts))
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("User-Agent", "retryd")]
        for header in settings.headers {
            headers.removeAll { $0.name.lowercased() == header.name.lowercased() }
            headers.append(header)
        }
        baseHeaders = headers
        sendTimer = LoopTimer { [unowned self] in self.sendNext() }
        timeoutTimer = LoopTimer { [unowned self] in self.attemptTimedOut() }
        summaryTimer = LoopTimer { [unowned self] in self.sendSummaries() }
        if journal != nil { loadFromJournal() }
    }

    /// Queues one event and arranges for it to be sent; never starts a transfer itself, since the observer may be
    /// called from inside a libcurl callback.
    func enqueue(_ event: WebhookEvent) {
        let droppedBefore = queue.dropped
        if queue.enqueue(event) { abandonAttempt() }
        if queue.dropped > droppedBefore {
            // With a journal the dropped event stays pending there, to be loaded once the queue has room.
            if journal != nil { journalState.deferred = true }
            reportDrop()
        }
        counters.publish(queue)
        scheduleNextIfIdle()
    }

    /// Arms the send timer when no event is being delivered and one is waiting.
    func scheduleNextIfIdle() {
        if queue.count == 0, journalState.deferred { loadFromJournal() }
        guard !queue.isBusy, queue.count > 0, !sendTimer.isScheduled else { return }
        loop.schedule(sendTimer, after: .zero)
    }

    /// Starts the attempt the queue asks for, if any.
    func sendNext() {
        guard !attemptActive, let event = queue.nextAttempt(at: .nanoseconds(loop.now)) else { return }
        var headers = baseHeaders
        headers.append(("Idempotency-Key", event.idempotencyKey))
        currentKey = event.idempotencyKey
        let request = UpstreamRequest(
            method: "POST",
            origin: settings.webhook.origin,
            target: settings.webhook.basePath.isEmpty ? "/" : settings.webhook.basePath,
            headers: headers,
            body: .buffered(event.body),
            connectTimeout: settings.timeout
        )
        headParser.reset()
        responseHead = nil
        attemptActive = true
        loop.schedule(timeoutTimer, after: settings.timeout)
        let started = forwarder.start(request, delegate: self)
        if attemptActive { transfer = started }
    }

    /// Stops the attempt or wait of the event the queue just dropped.
    func abandonAttempt() {
        if let transfer { forwarder.cancel(transfer) }
        transfer = nil
        attemptActive = false
        loop.cancel(timeoutTimer)
        loop.cancel(sendTimer)
    }

    func attemptTimedOut() {
        guard attemptActive else { return }
        let mayHaveBeenSent = transfer?.mayHaveBeenSent ?? false
        if let transfer { forwarder.cancel(transfer) }
        let failure = TransportFailure(
            kind: mayHaveBeenSent ? .maybeProcessed : .unsent, isTimeout: true,
            message: "no response in \(Durations.format(settings.timeout))")
        attemptEnded(.failure(failure))
    }

    /// Feeds the attempt's outcome to the queue and acts on its verdict.
    func attemptEnded(_ outcome: AttemptOutcome) {
        transfer = nil
        attemptActive = false
        loop.cancel(timeoutTimer)
        var random = SystemRandom()  // not the empty SystemRandomNumberGenerator: see SystemRandom
        let verdict = queue.attemptEnded(
            outcome, at: .nanoseconds(loop.now), wallClock: Sys.wallClockSeconds(), using: &random)
        counters.publish(queue)
        report(verdict)
        journal(verdict)
        if case .retry(let wait, _, _) = verdict {
            loop.schedule(sendTimer, after: wait)
        } else {
            scheduleNextIfIdle()
        }
    }
}
