import Foundation
import HTTP1
import Loop
import TestSupport

@testable import Listener

/// A Server on 127.0.0.1:0 whose requests are answered at once with `200 ok <n>`, its loop on a thread of its own.
final class ListenerHarness: @unchecked Sendable {
    let thread: LoopThread
    let server: Server
    let budget: ConnectionBudget
    let handler = AnsweringHandler()

    init(maxConnections: Int = 1024, limits configure: (inout ServerLimits) -> Void = { _ in }) throws {
        let loop = try EventLoop()
        var limits = ServerLimits()
        configure(&limits)
        budget = ConnectionBudget(limit: maxConnections)
        server = try Server(
            loop: loop, address: SocketAddress(host: "127.0.0.1", port: 0)!, limits: limits, budget: budget,
            handler: handler)
        thread = try LoopThread(loop)
    }

    deinit {
        onLoop { $0.closeAll() }
        thread.stop()
    }

    var port: UInt16 { server.localAddress.port }

    /// Runs `body` with the server on the loop thread and waits for its result.
    func onLoop<T>(_ body: @escaping @Sendable (Server) -> T) -> T {
        let server = UnsafeBox(server)
        return thread.sync { body(server.value!) }
    }

    /// The bytes of storage every open connection holds for input, output and the parser's split lines.
    var heldBufferBytes: [Int] {
        onLoop { $0.connectionsForTesting.map(\.heldBufferCapacity) }
    }
}

/// Hands a value from the loop thread to the waiting test thread (the semaphore orders the accesses).
private final class UnsafeBox<T>: @unchecked Sendable {
    var value: T?
    init(_ value: T? = nil) { self.value = value }
}

/// Answers every complete request with `200` and the body `ok <n>`, n counting requests on the listener; or, when
/// `holds` is set, answers nothing and records what the connection tells its sink.
final class AnsweringHandler: RequestHandler, @unchecked Sendable {
    private(set) var answered = 0
    /// Called on the loop right after each answer is queued (before it is flushed).
    var afterAnswer: ((ClientConnection) -> Void)?
    /// Whether requests are held unanswered, their sink events recorded in `events`.
    var holds = false
    /// What held requests' sinks heard: "head <target>", "body <n>", "end", "gone".
    let events = LockedBox<[String]>([])

    func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink {
        if holds {
            events.mutate { $0.append("head \(head.target)") }
            return RecordingSink(events: events)
        }
        return answer(head, on: connection)
    }

    private func answer(_ head: RequestHead, on connection: ClientConnection) -> RequestSink {
        AnswerAtEnd(head: head, connection: connection) { [unowned self] head, connection in
            let body = Array("ok \(answered)".utf8)
            answered += 1
            connection.respond(ResponseHead(status: 200, reason: "OK"), body: body, requestMethod: head.method)
            afterAnswer?(connection)
        }
    }
}

/// A sink that answers nothing and records what it is told.
final class RecordingSink: RequestSink {
    let events: LockedBox<[String]>

    init(events: LockedBox<[String]>) {
        self.events = events
    }

    func requestBody(_ bytes: UnsafeRawBufferPointer) { events.mutate { $0.append("body \(bytes.count)") } }
    func requestEnd() { events.mutate { $0.append("end") } }
    func responseWritable() {}
    func clientGone() { events.mutate { $0.append("gone") } }
}
