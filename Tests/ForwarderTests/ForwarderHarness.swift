import Foundation
import HTTP1
import Loop
import TestSupport

@testable import Forwarder

/// A forwarder on an event loop of its own thread, for tests that drive transfers directly.
final class ForwarderHarness: @unchecked Sendable {
    let thread: LoopThread
    let forwarder: Forwarder

    init() throws {
        let loop = try EventLoop()
        forwarder = try Forwarder(loop: loop)
        thread = try LoopThread(loop)
    }

    deinit {
        thread.stop()
        forwarder.shutDown()
    }

    /// Runs `body` with the forwarder on the loop thread and waits for it.
    func onLoop(_ body: @escaping @Sendable (Forwarder) -> Void) {
        let forwarder = Unchecked(forwarder)
        thread.sync { body(forwarder.value) }
    }

    /// A GET of `target` from `upstream`.
    static func request(_ upstream: TestUpstream, target: String = "/", body: RequestBody = .none) -> UpstreamRequest {
        UpstreamRequest(
            method: body == .none ? "GET" : "POST", origin: upstream.baseURL, target: target,
            headers: [("Host", "vendor")], body: body)
    }
}

/// Carries a value into a `@Sendable` closure that runs on the loop thread, where the value lives.
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Records what a transfer reported, in order, and signals its completion.
final class RecordingDelegate: TransferDelegate, @unchecked Sendable {
    enum Event: Equatable {
        case headerLine(String)
        case body([UInt8])
        case completed(UpstreamError?)
    }

    private let lock = NSLock()
    private var recorded: [Event] = []
    let completed = DispatchSemaphore(value: 0)
    /// What to answer for body pieces; `.pause` once makes libcurl hold the piece until resumed.
    var bodyDisposition: (Int) -> BodyDisposition = { _ in .accepted }
    /// Called inside the header callback, for tests that misuse the forwarder from there.
    var onHeaderLine: ((Transfer) -> Void)?
    private var bodyCalls = 0

    var events: [Event] { lock.withLock { recorded } }

    func transfer(_ transfer: Transfer, didReceiveHeaderLine line: UnsafeRawBufferPointer) -> Bool {
        onHeaderLine?(transfer)
        lock.withLock { recorded.append(.headerLine(String(decoding: line, as: UTF8.self))) }
        return true
    }

    func transfer(_ transfer: Transfer, didReceiveBody bytes: UnsafeRawBufferPointer) -> BodyDisposition {
        let disposition = lock.withLock { () -> BodyDisposition in
            bodyCalls += 1
            return bodyDisposition(bodyCalls)
        }
        if case .accepted = disposition { lock.withLock { recorded.append(.body(Array(bytes))) } }
        return disposition
    }

    func transfer(_ transfer: Transfer, readBodyInto buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        .abort
    }

    func transfer(_ transfer: Transfer, didCompleteWith result: Result<Void, UpstreamError>) {
        lock.withLock {
            if case .failure(let error) = result {
                recorded.append(.completed(error))
            } else {
                recorded.append(.completed(nil))
            }
        }
        completed.signal()
    }

    /// The body bytes received, joined.
    var body: [UInt8] {
        events.flatMap { event -> [UInt8] in
            if case .body(let bytes) = event { return bytes }
            return []
        }
    }
}
