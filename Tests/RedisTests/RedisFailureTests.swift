import Foundation
import Loop
import TestSupport
import Testing

@testable import Redis

/// What the client does when Redis is slow, silent, stopped or restarted. Each bound on a duration separates the
/// behaviour under test from the failure it guards against by a wide margin (a call cut at its 50 ms timeout, not
/// after Redis's 2 s sleep), so that a loaded machine running other suites beside this one cannot fail it.
@Suite struct RedisFailureTests {
    /// Sends a command without waiting; its outcome and the loop-measured time it took land in the returned box.
    private func start(
        _ arguments: [String], timeout: Duration, on harness: ClientHarness
    ) -> (LockedBox<(Result<RedisValue, RedisError>, Duration)?>, DispatchSemaphore) {
        let outcome = LockedBox<(Result<RedisValue, RedisError>, Duration)?>(nil)
        let done = DispatchSemaphore(value: 0)
        harness.onLoop { client in
            let sent = Sys.monotonicNanoseconds()
            client.command(arguments, timeout: timeout) { result in
                outcome.mutate { $0 = (result, .nanoseconds(Sys.monotonicNanoseconds() - sent)) }
                done.signal()
            }
        }
        return (outcome, done)
    }

    @Test func slowRedisTimesOutTheCallWithinItsTimeoutAndTheClientRecovers() throws {
        let server = try RedisServerProcess()
        var options = RedisClientOptions()
        options.unresponsiveAfter = .seconds(5)
        let sleeper = try ClientHarness(url: server.url, options: options)
        let harness = try ClientHarness(url: server.url, options: options)
        #expect(sleeper.wait(for: .connected) && harness.wait(for: .connected))

        let (slept, sleptDone) = start(["DEBUG", "SLEEP", "2"], timeout: .seconds(10), on: sleeper)
        // Until Redis has read the sleep, the GET could still be answered; it reads it within microseconds, and the
        // sleep outlasts this pause by far.
        usleep(200_000)
        let (outcome, done) = start(["GET", "k"], timeout: .milliseconds(50), on: harness)
        #expect(done.wait(timeout: .now() + 5) == .success)
        let (result, elapsed) = try #require(outcome.value)
        #expect(failure(of: result) == .timeout)
        // Cut at its own timeout, not when Redis woke (1.8 s later).
        #expect(elapsed >= .milliseconds(45) && elapsed < .seconds(1), "timed out after \(elapsed)")
        // Silence below unresponsiveAfter (5 s here) keeps the connection.
        #expect(harness.onLoop { $0.state } == .connected)

        #expect(sleptDone.wait(timeout: .now() + 10) == .success)
        #expect(try slept.value?.0.get() == .status("OK"))
        #expect(try harness.call(["PING"], timeout: .seconds(5))?.get() == .status("PONG"))
        #expect(harness.onLoop { $0.pendingCount } == 0)
        #expect(harness.states.value == [.connecting, .connected])
    }

    @Test func silentRedisIsTreatedAsDeadAndReconnectedOnceItAnswers() throws {
        let server = try RedisServerProcess()
        var options = RedisClientOptions()
        options.unresponsiveAfter = .milliseconds(300)
        options.connectTimeout = .milliseconds(300)
        let harness = try ClientHarness(url: server.url, options: options)
        #expect(harness.wait(for: .connected))

        server.pause()
        let (outcome, done) = start(["GET", "k"], timeout: .milliseconds(50), on: harness)
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(failure(of: outcome.value?.0) == .timeout)
        #expect(harness.wait(for: .disconnected, timeout: .seconds(5)))
        guard case .connectionLost(let reason) = harness.onLoop({ $0.lastError }) else {
            Issue.record("unexpected error \(String(describing: harness.onLoop { $0.lastError }))")
            return
        }
        #expect(reason.contains("no reply"))
        let (refused, refusedDone) = start(["PING"], timeout: .seconds(1), on: harness)
        #expect(refusedDone.wait(timeout: .now()) == .success, "a call while disconnected did not fail at once")
        #expect(failure(of: refused.value?.0) == .notConnected)
        // Not after its 1 s timeout: the wait above already showed it ended before onLoop returned.
        #expect(refused.value.map { $0.1 < .milliseconds(500) } == true)

        server.resume()
        #expect(harness.wait(for: .connected, timeout: .seconds(10)))
        #expect(try harness.call(["PING"], timeout: .seconds(5))?.get() == .status("PONG"))
    }

    @Test func stoppedRedisFailsPendingCallsAtOnceAndRestartedRedisIsReconnected() throws {
        let server = try RedisServerProcess()
        let harness = try ClientHarness(url: server.url)
        #expect(harness.wait(for: .connected))
        _ = harness.call(["SET", "before", "1"])

        let (blocked, blockedDone) = start(["BLPOP", "nothing", "10"], timeout: .seconds(5), on: harness)
        usleep(20_000)
        server.stop()
        // Well before the call's own 5 s timeout.
        #expect(blockedDone.wait(timeout: .now() + 3) == .success, "a pending call outlived the server")
        guard case .connectionLost = failure(of: blocked.value?.0) else {
            Issue.record("pending call ended with \(String(describing: blocked.value?.0))")
            return
        }
        #expect(harness.wait(for: .disconnected, timeout: .seconds(5)))
        let (refused, refusedDone) = start(["PING"], timeout: .seconds(1), on: harness)
        #expect(refusedDone.wait(timeout: .now()) == .success)
        #expect(failure(of: refused.value?.0) == .notConnected)

        try server.start()
        #expect(harness.wait(for: .connected, timeout: .seconds(10)))
        // A fresh server (no persistence): the client works against it without being told.
        #expect(try harness.call(["GET", "before"], timeout: .seconds(5))?.get() == .null)
        let states = harness.states.value
        #expect(states.starts(with: [.connecting, .connected, .disconnected]))
        #expect(states.last == .connected)
    }
}
