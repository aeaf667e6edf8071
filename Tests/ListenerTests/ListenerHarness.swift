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

/// Answers every complete request with `200` and the body `ok <n>`, n counting requests on the listener.
final class AnsweringHandler: RequestHandler, @unchecked Sendable {
    private(set) var answered = 0
    /// Called on the loop right after each answer is queued (before it is flushed).
    var afterAnswer: ((ClientConnection) -> Void)?

    func connection(_ connection: ClientConnection, didReceive head: RequestHead) -> RequestSink {
        AnswerAtEnd(head: head, connection: connection) { [unowned self] head, connection in
            let body = Array("ok \(answered)".utf8)
            answered += 1
            connection.respond(ResponseHead(status: 200, reason: "OK"), body: body, requestMethod: head.method)
            afterAnswer?(connection)
        }
    }
}
