import Loop

/// Two sockets joined byte for byte on the loop: the forward proxy's pass-through tunnel to a host it does not
/// intercept. Each direction has one bounded buffer; a full buffer stops reading from its source until the
/// destination takes the bytes (back-pressure), and an end of input is passed on as a half-close once the buffer is
/// written. The splice closes both sockets when both directions have ended, either side fails, or no byte has moved
/// for the idle timeout.
package final class Splice {
    /// One direction: bytes read from `source` and not yet written to `destination`.
    private struct Direction {
        let source: Int32
        let destination: Int32
        var buffer: [UInt8]
        var start = 0
        var end = 0
        var sourceEnded = false
        var destinationShut = false

        var isFinished: Bool { destinationShut }
    }

    /// Receives one socket's readiness.
    private final class End: EventHandler {
        unowned let splice: Splice

        init(_ splice: Splice) {
            self.splice = splice
        }

        func handle(_ events: EPollEvents) {
            splice.pump()
        }
    }

    private unowned let loop: EventLoop
    private var directions: [Direction]
    private var registrations: [Registration] = []
    private var ends: [End] = []
    private var closed = false
    /// Called once, when both sockets are closed.
    private let onClose: (Splice) -> Void
    private let idleTimeout: Duration
    private lazy var idleTimer = LoopTimer { [unowned self] in self.close() }

    /// Joins `client` and `upstream` (both connected and non-blocking; the splice owns them from now on).
    /// - Parameters:
    ///   - bufferSize: the most bytes held per direction.
    ///   - idleTimeout: how long the tunnel may stay open with no byte moving either way.
    package init(
        loop: EventLoop, client: Int32, upstream: Int32, bufferSize: Int = 64 * 1024, idleTimeout: Duration,
        onClose: @escaping (Splice) -> Void
    ) {
        self.loop = loop
        self.onClose = onClose
        self.idleTimeout = idleTimeout
        directions = [
            Direction(source: client, destination: upstream, buffer: [UInt8](repeating: 0, count: bufferSize)),
            Direction(source: upstream, destination: client, buffer: [UInt8](repeating: 0, count: bufferSize)),
        ]
    }

    /// Registers both sockets and moves whatever is already waiting.
    package func start() {
        for fd in [directions[0].source, directions[1].source] {
            let end = End(self)
            ends.append(end)
            do {
                registrations.append(
                    try loop.register(
                        fd: fd, events: [.readable, .writable, .readHangup, .edgeTriggered], handler: end))
            } catch {
                close()
                return
            }
        }
        loop.schedule(idleTimer, after: idleTimeout)
        pump()
    }

    /// Moves bytes both ways until nothing more can move now: edge-triggered, so every read and write goes until it
    /// would block, a buffer is full or empty, or an end.
    func pump() {
        var progress = true
        var movedAny = false
        defer { if movedAny && !closed { loop.schedule(idleTimer, after: idleTimeout) } }
        while progress && !closed {
            progress = false
            for index in directions.indices {
                switch step(&directions[index]) {
                case .moved:
                    progress = true
                    movedAny = true
                case .idle: break
                case .failed:
                    close()
                    return
                }
            }
            if directions.allSatisfy(\.isFinished) {
                close()
                return
            }
        }
    }

    private enum Step {
        case moved
        case idle
        case failed
    }

    private func step(_ direction: inout Direction) -> Step {
        var moved = false
        if !direction.sourceEnded && direction.end < direction.buffer.count {
            let result = direction.buffer.withUnsafeMutableBytes { raw in
                try? Sys.read(direction.source, into: UnsafeMutableRawBufferPointer(rebasing: raw[direction.end...]))
            }
            switch result {
            case .done(0)?:
                direction.sourceEnded = true
                moved = true
            case .done(let count)?:
                direction.end += count
                moved = true
            case .wouldBlock?:
                break
            case nil:
                return .failed
            }
        }
        if direction.start < direction.end {
            let result = direction.buffer.withUnsafeBytes { raw in
                try? Sys.write(
                    direction.destination, UnsafeRawBufferPointer(rebasing: raw[direction.start..<direction.end]))
            }
            switch result {
            case .done(let count)?:
                direction.start += count
                if direction.start == direction.end { (direction.start, direction.end) = (0, 0) }
                moved = moved || count > 0
            case .wouldBlock?:
                break
            case nil:
                return .failed
            }
        }
        if direction.sourceEnded && direction.start == direction.end && !direction.destinationShut {
            Sys.shutdownWrite(direction.destination)
            direction.destinationShut = true
            moved = true
        }
        return moved ? .moved : .idle
    }

    /// Closes both sockets now (a failure, or the loop shutting down).
    package func close() {
        guard !closed else { return }
        closed = true
        loop.cancel(idleTimer)
        for registration in registrations { loop.deregister(registration) }
        registrations = []
        Sys.close(directions[0].source)
        Sys.close(directions[1].source)
        onClose(self)
    }
}
