import HTTP1

extension ClientConnectionStateMachine {
    /// What the shell must carry out after an input, in this order: queue `output`, drop unparsed input, change the
    /// timer, act on the socket, schedule a flush, and last tell the sink (which may call back into the connection).
    package struct Action {
        /// Bytes to append to the output buffer.
        package var output: ConnectionOutput?
        /// Whether unparsed input is forgotten (the connection is closing, so it will never be parsed).
        package var dropInput = false
        /// How the connection's one timer changes.
        package var timer: TimerChange?
        /// What happens to the socket.
        package var socket: SocketChange?
        /// Whether a flush runs at the end of this loop iteration.
        package var flush = false
        /// Whether output storage is kept once drained (mid-request), rather than released.
        package var keepsOutputCapacity = false
        /// The call the sink hears after everything else.
        package var sinkEvent: SinkEvent?

        /// An action that does nothing.
        package init() {}

        /// Whether the shell has nothing to do.
        package var isEmpty: Bool {
            output == nil && !dropInput && timer == nil && socket == nil && !flush && sinkEvent == nil
        }

        /// Adds `other`'s effects to these; inputs are composed from smaller transitions.
        mutating func merge(_ other: Action) {
            output = other.output ?? output
            dropInput = dropInput || other.dropInput
            timer = other.timer ?? timer
            socket = other.socket ?? socket
            flush = flush || other.flush
            keepsOutputCapacity = keepsOutputCapacity || other.keepsOutputCapacity
            sinkEvent = other.sinkEvent ?? sinkEvent
        }
    }

    /// A call the current request's sink must hear.
    package struct SinkEvent {
        /// The sink to call.
        package var sink: Sink
        /// What to tell it.
        package var event: SinkCall

        /// Creates the event.
        package init(_ sink: Sink, _ event: SinkCall) {
            self.sink = sink
            self.event = event
        }
    }

    /// What a parse step found; `consumed` counts bytes from the front of the input passed in.
    package enum ParseStep {
        /// Stop parsing for now; `keepsRest` says whether the unconsumed bytes are kept for later (not when closing).
        case stop(consumed: Int, keepsRest: Bool)
        /// A request head: carry out `action` (its timer), ask the handler for a sink, then ``attach(_:)`` it.
        case head(RequestHead, consumed: Int, action: Action)
        /// Body bytes at `range` of the input, for `sink` (nil once the exchange has let go).
        case body(Sink?, range: Range<Int>, consumed: Int)
        /// The request body is complete.
        case end(Sink?, consumed: Int)
        /// The input is malformed: carry out `action` and stop.
        case rejected(Action)
    }

    /// What to do with freshly read bytes, or with bytes kept from earlier reads.
    package enum InputDecision: Equatable {
        /// Not now: freshly read bytes are discarded (lingering close), kept bytes stay where they are.
        case skip
        /// Parse them, after carrying out the timer change if any.
        case parse(TimerChange?)
    }

    /// What the shell does with a body the exchange wants to write.
    package enum BodyWrite: Equatable {
        /// No response head yet: nothing is written and the caller is told to stop.
        case refuse
        /// Nothing to write (an empty piece, or a response that has no body).
        case skip
        /// Append the bytes, chunk-framed when `chunked`; schedule a flush when `flush`.
        case append(chunked: Bool, flush: Bool)
    }
}

/// How the connection's one timer changes.
package enum TimerChange: Equatable, Sendable {
    /// Arm (or re-arm) to fire at this monotonic time in nanoseconds.
    case arm(at: Int64)
    /// Disarm.
    case cancel
}

/// What happens to the connection's socket.
package enum SocketChange: Equatable, Sendable {
    /// Shut down the write side (lingering close: input is drained until end of stream or the timer).
    case shutdownWrite
    /// Close and forget the connection: deregister, close the descriptor, drop its buffers.
    case close
    /// Close with a TCP reset (SO_LINGER 0) instead of an orderly close.
    case reset
}

/// What a request sink is told from outside the parse loop.
package enum SinkCall: Equatable, Sendable {
    /// The client left, timed out or the connection closed before the response finished.
    case clientGone
    /// Pending output drained below the low watermark.
    case responseWritable
}
