import Events
import Foundation
import Listener
import Retry
import TestSupport
import Testing

extension Live {
    /// Graceful shutdown and reload, driven on the runtime as the signal handlers do.
    @Suite("Lifecycle")
    struct LifecycleTests {
        /// Sends `request` on a background thread; the result arrives later.
        private func sendInBackground(
            _ proxy: ProxyHarness, target: String
        ) -> (DispatchSemaphore, LockedBox<Result<ReceivedResponse, ClientError>?>) {
            let done = DispatchSemaphore(value: 0)
            let box = LockedBox<Result<ReceivedResponse, ClientError>?>(nil)
            let port = proxy.port
            Thread {
                box.set(Result { () throws(ClientError) in try TestClient.request(port: port, target: target) })
                done.signal()
            }.start()
            return (done, box)
        }

        @Test("shutdown lets a request in flight and one waiting to retry finish, refuses new ones, then stops")
        func gracefulShutdown() throws {
            let retries = LockedBox(0)
            let upstream = try TestUpstream(handler: { request, _ in
                if request.target == "/slow" {
                    return .delay(.milliseconds(300), then: .respond(status: 200, text: "slow done"))
                }
                let seen = retries.value
                retries.set(seen + 1)
                // The first attempt is refused with an announced wait; the retry, during the drain, succeeds.
                return seen == 0
                    ? .respond(status: 503, headers: [("Retry-After", "1")], text: "busy")
                    : .respond(status: 200, text: "ok")
            })
            let proxy = try ProxyHarness(upstream) { _, limits in limits.shutdownTimeout = .seconds(5) }
            let (slowDone, slow) = sendInBackground(proxy, target: "/slow")
            let (retryDone, retrying) = sendInBackground(proxy, target: "/retry")
            #expect(upstream.waitForRequests(2))
            try proxy.onLoop { $0.beginShutdown() }
            // New connections are refused once shutdown begins.
            #expect(throws: ClientError.self) { try TestClient(port: proxy.port).readResponse() }
            #expect(slowDone.wait(timeout: .now() + 5) == .success)
            #expect(retryDone.wait(timeout: .now() + 5) == .success)
            #expect(try slow.value?.get().bodyString == "slow done")
            let retried = try #require(try retrying.value?.get())
            #expect(retried.status == 200)
            #expect(retried.header("X-Retryd-Attempts") == "2")
            #expect(retries.value == 2)
            #expect(proxy.waitUntilStopped(timeout: .seconds(5)))
        }

        @Test("at the shutdown timeout a request waiting to retry gets its last upstream response")
        func shutdownTimeoutDeliversLastResponse() throws {
            let upstream = try TestUpstream(responses: [
                .respond(status: 503, headers: [("Retry-After", "10"), ("X-Request-Id", "r-1")], text: "vendor busy")
            ])
            let proxy = try ProxyHarness(upstream) { upstream, limits in
                limits.shutdownTimeout = .milliseconds(300)
                upstream.retry.maxRateLimitWait = .seconds(30)
            }
            let (done, box) = sendInBackground(proxy, target: "/job")
            #expect(upstream.waitForRequests(1))
            let clock = ContinuousClock()
            let start = clock.now
            try proxy.onLoop { $0.beginShutdown() }
            #expect(done.wait(timeout: .now() + 5) == .success)
            let response = try #require(try box.value?.get())
            #expect(clock.now - start < .seconds(3))
            #expect(response.status == 503)
            #expect(response.bodyString == "vendor busy")
            #expect(response.header("X-Request-Id") == "r-1")
            #expect(upstream.requests.count == 1)
        }

        @Test("at the shutdown timeout a request with no upstream response yet gets 503 JSON")
        func shutdownTimeoutWithoutResponse() throws {
            let upstream = try TestUpstream(responses: [.delay(.seconds(10), then: .respond(status: 200))])
            let proxy = try ProxyHarness(upstream) { _, limits in limits.shutdownTimeout = .milliseconds(200) }
            let observer = GiveUpObserver()
            try proxy.onLoop { $0.addObserver(observer) }
            let (done, box) = sendInBackground(proxy, target: "/hang")
            #expect(upstream.waitForRequests(1))
            try proxy.onLoop { $0.beginShutdown() }
            #expect(done.wait(timeout: .now() + 5) == .success)
            let response = try #require(try box.value?.get())
            #expect(response.status == 503)
            #expect(response.jsonObject?["error"] as? String == "shutting_down")
            // Every request retryd fails is on record: the journal and the webhook hear this one too.
            #expect(
                observer.reports.value.map { "\($0.reason.code) \($0.path) \($0.finalStatus ?? 0)" } == [
                    "shutting_down /hang 503"
                ])
        }

        /// Keeps the give-up reports, as the journal would.
        final class GiveUpObserver: ExchangeObserver, @unchecked Sendable {
            let reports = LockedBox<[GiveUpReport]>([])
            var isThreadSafe: Bool { true }
            func exchangeStarted(upstream: String) {}
            func attemptFinished(upstream: String, status: Int?, duration: Duration) {}
            func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {}
            func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {}
            func gaveUp(_ report: GiveUpReport) { reports.mutate { $0.append(report) } }
        }

        @Test("reload applies a new policy to new requests and moves a listener")
        func reload() throws {
            let upstream = try TestUpstream(responses: [.respond(status: 503, text: "down")])
            let proxy = try ProxyHarness(upstream) { upstream, _ in
                upstream.retry.maxAttempts = 1
            }
            #expect(try proxy.request(target: "/a").status == 503)
            #expect(upstream.requests.count == 1)
            var next = proxy.runtime.settings
            next.upstreams[0].retry.maxAttempts = 2
            next.upstreams[0].retry.backoff = Backoff(initial: .milliseconds(10), multiplier: 1, max: .milliseconds(10))
            let changed = next
            try proxy.onLoop { try $0.reload(changed) }
            #expect(try proxy.request(target: "/b").status == 503)
            #expect(upstream.requests.count == 3)

            var moved = changed
            moved.upstreams[0].listen = ListenAddress(host: "127.0.0.1", port: 0)
            moved.upstreams[0].name = "renamed"
            let movedConfig = moved
            try proxy.onLoop { try $0.reload(movedConfig) }
            let newPort = try #require(proxy.runtime.boundPorts["renamed"])
            #expect(newPort != proxy.port)
            #expect(try TestClient.request(port: newPort, target: "/c").status == 503)
            #expect(throws: ClientError.self) { try proxy.request(target: "/old") }
        }

        @Test("an exchange keeps the replay_limit it started with when a reload lowers it mid-body")
        func reloadKeepsAnExchangesConfiguration() throws {
            let upstream = try RetryFixture.upstream(failing: 1, with: RetryFixture.status(503))
            let proxy = try ProxyHarness.quick(upstream) { _, limits in limits.replayLimit = 4096 }
            let client = try proxy.client()
            let body = RetryFixture.body(count: 2000)
            try client.send(
                Array("PUT /v1/assets/9 HTTP/1.1\r\nHost: vendor\r\nContent-Length: 2000\r\n\r\n".utf8)
                    + body.prefix(500))
            Thread.sleep(forTimeInterval: 0.1)
            var lower = proxy.runtime.settings
            lower.limits.replayLimit = 1000
            let lowered = lower
            try proxy.onLoop { try $0.reload(lowered) }
            try client.send(Array(body.dropFirst(500)))
            // Held under the old limit, the body is replayable, so the 503 is retried.
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("X-Retryd-Attempts") == "2")
            #expect(upstream.requests.map(\.body) == [body, body])
        }
    }
}
