import CCurl
import Foundation
import Loop
import TestSupport
import Testing

@testable import Forwarder

/// The forwarder on its own: one transfer's lines, body and single completion, cancellation, pausing.
@Suite("Forwarder")
struct ForwarderTests {
    @Test("a transfer reports its head line by line, its body, then exactly one completion")
    func transferReportsHeadBodyAndCompletion() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 201, headers: [("X-Job", "7")], text: "made")])
        let harness = try ForwarderHarness()
        let delegate = RecordingDelegate()
        harness.onLoop { _ = $0.start(ForwarderHarness.request(upstream, target: "/v1/jobs"), delegate: delegate) }
        #expect(delegate.completed.wait(timeout: .now() + 5) == .success)
        let events = delegate.events
        #expect(events.first == .headerLine("HTTP/1.1 201 Created\r\n"))
        #expect(events.contains(.headerLine("X-Job: 7\r\n")))
        #expect(delegate.body == Array("made".utf8))
        #expect(events.last == .completed(nil))
        #expect(events.filter { if case .completed = $0 { true } else { false } }.count == 1)
        #expect(upstream.requests.first?.target == "/v1/jobs")
    }

    @Test("a transfer libcurl refuses to start completes after start returns, not inside it")
    func refusedStartCompletesLater() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let harness = try ForwarderHarness()
        let outer = RecordingDelegate()
        let inner = RecordingDelegate()
        let innerReturned = LockedBox(false)
        let completedBeforeReturn = LockedBox(false)
        inner.onHeaderLine = { _ in }
        outer.onHeaderLine = { [unowned harness] _ in
            guard !innerReturned.value else { return }
            // Starting from inside a libcurl callback is refused (CURLM_RECURSIVE_API_CALL): a synchronous failure.
            _ = harness.forwarder.start(ForwarderHarness.request(upstream, target: "/inner"), delegate: inner)
            if inner.events.contains(where: { if case .completed = $0 { true } else { false } }) {
                completedBeforeReturn.set(true)
            }
            innerReturned.set(true)
        }
        harness.onLoop { _ = $0.start(ForwarderHarness.request(upstream, target: "/outer"), delegate: outer) }
        #expect(outer.completed.wait(timeout: .now() + 5) == .success)
        #expect(inner.completed.wait(timeout: .now() + 5) == .success)
        #expect(!completedBeforeReturn.value, "the refused start completed before start returned")
        guard case .completed(let error)? = inner.events.last else {
            Issue.record("no completion for the refused start")
            return
        }
        #expect(error?.mayHaveBeenSent == false)
        #expect(upstream.requests.map(\.target) == ["/outer"])
    }

    @Test("a cancelled transfer tells its delegate nothing more")
    func cancelledTransferIsSilent() throws {
        let upstream = try TestUpstream(responses: [
            .delay(.milliseconds(300), then: .respond(status: 200, text: "late"))
        ])
        let harness = try ForwarderHarness()
        let delegate = RecordingDelegate()
        harness.onLoop { forwarder in
            let transfer = forwarder.start(ForwarderHarness.request(upstream), delegate: delegate)
            forwarder.cancel(transfer)
        }
        #expect(delegate.completed.wait(timeout: .now() + 1) == .timedOut)
        #expect(delegate.events.isEmpty)
    }

    @Test("a paused body piece is delivered again once the transfer is resumed")
    func pauseAndResume() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "held back")])
        let harness = try ForwarderHarness()
        let delegate = RecordingDelegate()
        delegate.bodyDisposition = { call in call == 1 ? .pause : .accepted }
        let transfer = LockedBox<Transfer?>(nil)
        harness.onLoop { transfer.set($0.start(ForwarderHarness.request(upstream), delegate: delegate)) }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(delegate.body.isEmpty)
        #expect(delegate.completed.wait(timeout: .now()) == .timedOut)
        harness.onLoop { forwarder in if let paused = transfer.value { forwarder.resume(paused) } }
        #expect(delegate.completed.wait(timeout: .now() + 5) == .success)
        #expect(delegate.body == Array("held back".utf8))
    }
}

/// A forwarder's libcurl handles belong to it alone, from creation to release.
@Suite("Forwarder lifetime")
struct ForwarderLifetimeTests {
    @Test("a forwarder released after its shut-down leaves a newer forwarder's libcurl handle alone")
    func releaseAfterShutDownTouchesNothing() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let loop = try EventLoop()
        // Once the heap has settled, glibc usually gives the next multi handle the memory of the one just freed: a
        // forwarder that still set options on its old handle when released would set them on the new one (in the
        // suite, another test's loop). Pairs are made until that happens.
        var pair: (old: Forwarder, new: Forwarder)?
        var others: [Forwarder] = []
        for _ in 0..<200 where pair == nil {
            let old = try Forwarder(loop: loop)
            old.shutDown()
            let new = try withExtendedLifetime(old) { try Forwarder(loop: loop) }
            if old.multi == new.multi { pair = (old, new) } else { others.append(new) }
        }
        let forwarder = try #require(pair?.new, "no new forwarder got the memory of a shut-down one's handle")
        pair = nil
        let thread = try LoopThread(loop)
        defer {
            thread.stop()
            for other in others + [forwarder] { other.shutDown() }
        }
        let delegate = RecordingDelegate()
        thread.sync { _ = forwarder.start(ForwarderHarness.request(upstream), delegate: delegate) }
        #expect(
            delegate.completed.wait(timeout: .now() + 10) == .success, "the new forwarder never heard libcurl's timer")
        #expect(delegate.events.last == .completed(nil))
    }
}

/// What happens when the loop cannot watch one of libcurl's sockets.
@Suite("Forwarder sockets that cannot be watched")
struct UnwatchedSocketTests {
    @Test("a socket the loop cannot register fails its transfer at once instead of leaving it to a timeout")
    func registrationFailureFailsTheTransfer() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200, text: "ok")])
        let harness = try ForwarderHarness()
        harness.onLoop { forwarder in
            forwarder.sockets.register = { (_, _, _) throws(SysError) in
                throw SysError(call: "epoll_ctl", errno: ENOSPC)
            }
        }
        let delegate = RecordingDelegate()
        let started = ContinuousClock.now
        var request = ForwarderHarness.request(upstream)
        request.connectTimeout = .seconds(5)
        let sent = request
        harness.onLoop { _ = $0.start(sent, delegate: delegate) }
        #expect(delegate.completed.wait(timeout: .now() + 10) == .success)
        #expect(ContinuousClock.now - started < .seconds(2), "the transfer waited for its connect timeout")
        guard case .completed(let error)? = delegate.events.last else {
            Issue.record("no completion")
            return
        }
        // Loopback connects at once, so libcurl may have sent the request before it asked to wait on the socket;
        // what matters is that the transfer ends with an error instead of waiting for a timeout.
        #expect(error != nil)
    }
}

/// Options retryd's guarantees depend on are checked, and a refusal says which and why.
@Suite("Forwarder option checks")
struct OptionCheckTests {
    @Test("the first refused option is kept and named, with libcurl's reason and version")
    func firstRefusalIsNamed() throws {
        var check = OptionCheck()
        check.check(CURLE_OK, "CURLOPT_URL")
        check.check(CURLE_UNKNOWN_OPTION, "CURLOPT_PREREQFUNCTION")
        check.check(CURLE_OUT_OF_MEMORY, "CURLOPT_HTTPHEADER")
        #expect(throws: ForwarderError.self) { try check.get() }
        let failure = try #require(check.failure)
        #expect(failure.option == "CURLOPT_PREREQFUNCTION")
        #expect(failure.code == Int32(CURLE_UNKNOWN_OPTION.rawValue))
        #expect(failure.description.hasPrefix("libcurl/"))
        #expect(
            failure.description.contains("refused CURLOPT_PREREQFUNCTION (An unknown option was passed in to libcurl"))
    }

    @Test("this machine's libcurl accepts every option an attempt sets")
    func thisLibcurlIsAccepted() throws {
        let loop = try EventLoop()
        let forwarder = try Forwarder(loop: loop)
        forwarder.shutDown()
    }
}
