/// The phases of a reconnecting connection as a pure state machine: an input moves the phase and returns the
/// actions the I/O shell (``ConnectionDriver``) carries out. No clock, no sockets; randomness is passed in.
struct ConnectionLifecycle {
    /// Where the connection is; each case carries what that phase needs.
    enum Phase: Equatable {
        /// Created, not started.
        case idle
        /// Opening a connection and logging in, after `failures` consecutive failed attempts.
        case connecting(failures: Int)
        /// Logged in and answering.
        case connected
        /// Waiting out a backoff after `failures` consecutive failed attempts.
        case waiting(failures: Int)
        /// Closed for good.
        case closed
    }

    /// Something that happened to the connection.
    enum Input: Equatable {
        /// The user asked to connect.
        case start
        /// The connection is open and the handshake succeeded.
        case ready
        /// The attempt or the connection failed (refused, reset, handshake error, connect timeout, silence).
        case failed(RedisError)
        /// The backoff wait is over.
        case retryDue
        /// The user closed the client.
        case close
    }

    /// What the shell must do, in order.
    enum Action: Equatable {
        /// Open a new connection and arm the connect timeout.
        case open
        /// Free the current connection; calls still waiting for it fail with the error.
        case tearDown(RedisError)
        /// Arm the reconnect timer.
        case retry(after: Duration)
        /// The connection just logged in: restore what it carries (a subscriber's channels).
        case announceReady
        /// Disarm every timer: nothing will happen on this connection again.
        case stop
    }

    private(set) var phase: Phase = .idle
    let backoff: ReconnectBackoff

    init(backoff: ReconnectBackoff) {
        self.backoff = backoff
    }

    /// The state the user sees.
    var state: RedisConnectionState {
        switch phase {
        case .idle, .waiting, .closed: .disconnected
        case .connecting: .connecting
        case .connected: .connected
        }
    }

    /// Moves the phase for `input`; inputs that do not apply to the phase (a late failure report) change nothing.
    mutating func handle(_ input: Input, random: inout some RandomNumberGenerator) -> [Action] {
        switch (phase, input) {
        case (.idle, .start):
            phase = .connecting(failures: 0)
            return [.open]
        case (.connecting, .ready):
            phase = .connected
            return [.announceReady]
        case (.connecting(let failures), .failed(let error)):
            return fail(after: failures + 1, error, random: &random)
        case (.connected, .failed(let error)):
            // A connection that worked reconnects after the shortest wait: Redis was most likely restarted.
            return fail(after: 1, error, random: &random)
        case (.waiting(let failures), .retryDue):
            phase = .connecting(failures: failures)
            return [.open]
        case (.connecting, .close), (.connected, .close):
            phase = .closed
            return [.tearDown(.closed), .stop]
        case (.idle, .close), (.waiting, .close):
            phase = .closed
            return [.stop]
        default:
            return []
        }
    }

    private mutating func fail(after failures: Int, _ error: RedisError, random: inout some RandomNumberGenerator)
        -> [Action]
    {
        phase = .waiting(failures: failures)
        return [.tearDown(error), .retry(after: backoff.delay(afterFailures: failures, using: &random))]
    }
}
