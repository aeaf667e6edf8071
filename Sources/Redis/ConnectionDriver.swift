import CHiredis
import Loop

/// The I/O shell of one reconnecting Redis connection, shared by ``RedisClient`` and ``RedisSubscriber``: it
/// carries out what ``ConnectionLifecycle`` decides (open, tear down, back off), logs in, and tracks the calls
/// in flight with their timeouts and the silence watchdog. Loop thread only.
final class ConnectionDriver: HiredisConnectionOwner {
    let url: RedisURL
    let loop: EventLoop
    let options: RedisClientOptions
    let gate = HiredisGate()
    private var lifecycle: ConnectionLifecycle
    private var random: AnyRandomNumberGenerator
    private(set) var connection: HiredisConnection?
    /// Why the last attempt or connection failed; kept after a successful reconnect until the next failure.
    private(set) var lastError: RedisError?
    var inFlight = CallQueue<PendingCall>()
    private var inputs: [ConnectionLifecycle.Input] = []
    private var handlingInputs = false
    private var reportedState = RedisConnectionState.disconnected
    private var resolving = false
    private var connectTimer: LoopTimer!
    private var retryTimer: LoopTimer!
    var watchdog: LoopTimer!

    /// Called when the state the user sees changes.
    var onStateChange: ((RedisConnectionState) -> Void)?
    /// Called each time a connection has logged in, before the state change is reported (calls may be sent).
    var onReady: (() -> Void)?
    /// Called, outside hiredis, with every reply on a subscribed connection.
    var onSubscriptionReply: ((RedisValue) -> Void)?

    init(url: RedisURL, loop: EventLoop, options: RedisClientOptions, random: any RandomNumberGenerator) {
        self.url = url
        self.loop = loop
        self.options = options
        self.random = AnyRandomNumberGenerator(random)
        lifecycle = ConnectionLifecycle(backoff: options.reconnectBackoff)
        // hiredis writes with write(2): without this, a write to a reset connection would end the process.
        _ = chiredis_block_sigpipe()
        connectTimer = LoopTimer { [unowned self] in
            feed(.failed(.connectFailed("no connection within \(options.connectTimeout)")))
        }
        retryTimer = LoopTimer { [unowned self] in feed(.retryDue) }
        watchdog = LoopTimer { [unowned self] in
            feed(.failed(.connectionLost("no reply for \(options.unresponsiveAfter) while calls waited")))
        }
    }

    /// The state the user sees.
    var state: RedisConnectionState { lifecycle.state }

    /// Whether calls may be sent now.
    var isReady: Bool { lifecycle.phase == .connected && connection != nil }

    /// Starts connecting; harmless when already started.
    func start() {
        feed(.start)
    }

    /// Fails pending calls with ``RedisError/closed``, frees the connection and stops every timer.
    func close() {
        feed(.close)
    }

    /// Gives up the current connection as dead (a subscriber's probe went unanswered).
    func connectionIsUnresponsive(_ reason: String) {
        feed(.failed(.connectionLost(reason)))
    }

    // MARK: the lifecycle

    private func feed(_ input: ConnectionLifecycle.Input) {
        inputs.append(input)
        // An action can report another input (a connect that fails at once): it waits for this one to finish.
        guard !handlingInputs else { return }
        handlingInputs = true
        while !inputs.isEmpty {
            let next = inputs.removeFirst()
            for action in lifecycle.handle(next, random: &random) { perform(action) }
        }
        handlingInputs = false
        reportStateChange()
    }

    private func perform(_ action: ConnectionLifecycle.Action) {
        switch action {
        case .open:
            loop.schedule(connectTimer, after: options.connectTimeout)
            open()
        case .tearDown(let error):
            loop.cancel(connectTimer)
            if error != .closed { lastError = error }
            let dropped = connection
            connection = nil
            dropped?.free(failingPendingWith: error)
            // Every call got its callback from the free; none can be left, but none may leak a completion either.
            for call in inFlight.removeAll() {
                if let timer = call.timer { loop.cancel(timer) }
                call.complete(.failure(error))
            }
            loop.cancel(watchdog)
        case .announceReady:
            loop.cancel(connectTimer)
            onReady?()
        case .retry(let delay):
            loop.schedule(retryTimer, after: delay)
        case .stop:
            loop.cancel(connectTimer)
            loop.cancel(retryTimer)
            loop.cancel(watchdog)
        }
    }

    private func reportStateChange() {
        let now = lifecycle.state
        guard now != reportedState else { return }
        reportedState = now
        onStateChange?(now)
    }

    private func open() {
        switch url.endpoint {
        case .unix(let path):
            attach(.unix(path: path))
        case .tcp(let host, let port):
            if let address = HostResolver.numericAddress(host) {
                attach(.tcp(address: address, port: port))
                return
            }
            // One lookup at a time: an attempt that starts while a slow lookup runs waits for its answer.
            guard !resolving else { return }
            resolving = true
            HostResolver.resolve(host, on: loop) { [weak self] result in
                guard let self else { return }
                resolving = false
                guard case .connecting = lifecycle.phase, connection == nil else { return }
                switch result {
                case .success(let address): attach(.tcp(address: address, port: port))
                case .failure(let error): feed(.failed(error))
                }
            }
        }
    }

    private func attach(_ target: HiredisConnection.Target) {
        let opened = HiredisConnection(loop: loop, gate: gate, owner: self)
        do {
            try opened.open(target)
            connection = opened
        } catch {
            feed(.failed(error))
        }
    }

    // MARK: HiredisConnectionOwner

    func connectionDidOpen(_ connection: HiredisConnection) {
        guard connection === self.connection else { return }
        logIn(on: connection)
    }

    func connection(_ connection: HiredisConnection, didCloseWith error: RedisError) {
        guard connection === self.connection else { return }
        feed(.failed(error))
    }

    func connection(_ connection: HiredisConnection, didReceiveSubscriptionReply value: RedisValue) {
        gate.later { [weak self] in self?.onSubscriptionReply?(value) }
    }

    /// Sends AUTH and SELECT as the URL asks, then PING: only a server that answers counts as connected (a
    /// stopped or sleeping Redis still completes the TCP handshake from the kernel's backlog).
    private func logIn(on connection: HiredisConnection) {
        var steps: [[String]] = []
        if let password = url.password {
            steps.append(url.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if url.database != 0 { steps.append(["SELECT", String(url.database)]) }
        steps.append(["PING"])
        var remaining = steps.count
        for step in steps {
            send(ArgumentList(step), timeout: options.connectTimeout, on: connection) { [weak self] result in
                guard let self, connection === self.connection, case .connecting = lifecycle.phase else { return }
                switch result {
                case .success:
                    remaining -= 1
                    if remaining == 0 { feed(.ready) }
                case .failure(.server(let message)):
                    feed(.failed(.server(message)))
                case .failure(let error):
                    feed(.failed(.connectFailed("\(step[0]) failed: \(error)")))
                }
            }
        }
    }
}
