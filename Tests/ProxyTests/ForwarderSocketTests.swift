import Foundation
import Listener
import TestSupport
import Testing

@testable import Forwarder

/// The forwarder keeps idle upstream sockets registered with epoll between attempts, and lets go of them when the
/// upstream closes them or libcurl does.
@Suite("Forwarder sockets")
struct ForwarderSocketTests {
    @Test("an idle keep-alive connection stays registered and is reused without a new connect")
    func idleConnectionStaysRegistered() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let harness = try ForwarderHarness()
        #expect(try harness.get(upstream, "/one") == nil)
        #expect(harness.onLoop { ($0.sockets.count, $0.sockets.registeredCount) } == (1, 1))
        #expect(try harness.get(upstream, "/two") == nil)
        #expect(upstream.connectionCount == 1)
    }

    @Test("an idle connection the upstream closes leaves epoll, and the next attempt connects afresh")
    func idleConnectionClosedByUpstream() throws {
        // A complete keep-alive response, then FIN while the connection sits in libcurl's cache.
        let upstream = try TestUpstream(responses: [.rawThenClose(Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))])
        let harness = try ForwarderHarness()
        for round in 1...3 {
            #expect(try harness.get(upstream, "/\(round)") == nil)
            // A level-triggered registration left on the closed socket would wake the loop without end.
            let settled = harness.waitOnLoop(timeout: .seconds(5)) { $0.sockets.registeredCount == 0 }
            #expect(settled, "round \(round): the closed idle socket is still registered")
            #expect(harness.onLoop { $0.sockets.count } <= 1)
        }
        #expect(upstream.connectionCount == 3)
    }

    @Test("a connection libcurl closes itself (Connection: close) is forgotten")
    func connectionClosedByLibcurl() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, headers: [("Connection", "close")], text: "bye")])
        let harness = try ForwarderHarness()
        for round in 1...3 {
            #expect(try harness.get(upstream, "/\(round)") == nil)
            #expect(harness.onLoop { ($0.sockets.count, $0.sockets.registeredCount) } == (0, 0))
        }
        #expect(upstream.connectionCount == 3)
    }
}

/// A forwarder on its own loop thread, with attempts started and inspected from the test.
private final class ForwarderHarness: @unchecked Sendable {
    let loop: EventLoop
    let forwarder: Forwarder
    private let finished = DispatchSemaphore(value: 0)

    init() throws {
        loop = try EventLoop()
        forwarder = Forwarder(loop: loop)
        let loop = loop
        let finished = finished
        Thread {
            try? loop.run()
            finished.signal()
        }.start()
    }

    deinit {
        let forwarder = forwarder
        _ = onLoop { _ in forwarder.shutDown() }
        loop.stop()
        finished.wait()
    }

    /// Runs `body` on the loop and returns its result.
    func onLoop<T>(_ body: @escaping (Forwarder) -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: T?
        nonisolated(unsafe) let forwarder = forwarder
        nonisolated(unsafe) let body = body
        loop.execute {
            result = body(forwarder)
            done.signal()
        }
        done.wait()
        return result!
    }

    /// Polls `condition` on the loop until it holds or `timeout` passes.
    func waitOnLoop(timeout: Duration, _ condition: @escaping (Forwarder) -> Bool) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if onLoop(condition) { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    /// One GET through the forwarder, once it completes: nil when it succeeded.
    func get(_ upstream: TestUpstream, _ target: String) throws -> UpstreamError? {
        let delegate = CollectingDelegate()
        let request = UpstreamRequest(
            method: "GET", origin: upstream.baseURL, target: target, headers: [], connectTimeout: .seconds(5))
        nonisolated(unsafe) let forwarder = forwarder
        loop.execute { _ = forwarder.start(request, delegate: delegate) }
        guard delegate.done.wait(timeout: .now() + 10) == .success else {
            throw ForwarderHarnessError.timedOut
        }
        if case .failure(let error) = delegate.result { return error }
        return nil
    }
}

private enum ForwarderHarnessError: Error {
    case timedOut
}

private final class CollectingDelegate: TransferDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var result: Result<Void, UpstreamError>?

    func transfer(_ transfer: Transfer, didReceiveHeaderLine line: UnsafeRawBufferPointer) -> Bool { true }
    func transfer(_ transfer: Transfer, didReceiveBody bytes: UnsafeRawBufferPointer) -> BodyDisposition { .accepted }
    func transfer(_ transfer: Transfer, readBodyInto buffer: UnsafeMutableRawBufferPointer) -> BodyRead { .bytes(0) }
    func transfer(_ transfer: Transfer, didCompleteWith result: Result<Void, UpstreamError>) {
        self.result = result
        done.signal()
    }
}
