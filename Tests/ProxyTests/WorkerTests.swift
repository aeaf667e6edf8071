import Events
import Foundation
import Glibc
import Listener
import Loop
import Retry
import TestSupport
import Testing

@testable import Proxy

extension Live {
    /// `workers = 2`: both loops serve the listener, and the upstream-wide state (quota gate, connection budget,
    /// in-flight count, drain) is one for both.
    @Suite("Several event loops")
    struct WorkerTests {
        /// Notes the thread each exchange started on; safe to call from every loop.
        final class ThreadObserver: ExchangeObserver, @unchecked Sendable {
            let threads = LockedBox<[UInt]>([])
            var isThreadSafe: Bool { true }
            func exchangeStarted(upstream: String) { threads.mutate { $0.append(UInt(pthread_self())) } }
            func attemptFinished(upstream: String, status: Int?, duration: Duration) {}
            func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {}
            func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {}
            func gaveUp(_ report: GiveUpReport) {}
        }

        @Test("connections are spread over both loops, and every request is answered once")
        func bothLoopsServe() throws {
            let upstream = try TestUpstream(handler: { request, _ in .respond(status: 200, text: request.target) })
            let proxy = try ProxyHarness.quick(upstream, workers: 2)
            let observer = ThreadObserver()
            try proxy.onLoop { $0.addObserver(observer) }
            let responses = try QuotaGateTests.concurrent(24, to: proxy, target: "/v1/assets")
            #expect(responses.count == 24)
            #expect(responses.allSatisfy { $0.status == 200 })
            #expect(
                Set(responses.map { String(decoding: $0.body, as: UTF8.self) }).count == 24,
                "an answer went to the wrong client")
            let threads = observer.threads.value
            #expect(threads.count == 24)
            // SO_REUSEPORT hashes each connection's ports: all 24 on one socket has odds of 2 in 2^24.
            #expect(Set(threads).count == 2, "only one loop served")
        }

        @Test("a 429 answered on one loop holds the requests of the other loop until the announced reset")
        func oneGateForBothLoops() throws {
            let upstream = try TestUpstream(handler: { _, index in
                index == 0
                    ? .respond(status: 429, headers: [("Retry-After", "1")], text: "slow down")
                    : .respond(status: 200, text: "ok \(index)")
            })
            let proxy = try ProxyHarness.quick(upstream, workers: 2)
            let observer = ThreadObserver()
            try proxy.onLoop { $0.addObserver(observer) }
            let first = Background { try proxy.request(target: "/v1/jobs/first") }
            #expect(upstream.waitForRequests(1))
            let closedAt = ContinuousClock.now
            let later = try QuotaGateTests.concurrent(12, to: proxy, target: "/v1/jobs/later")
            #expect(try first.value().status == 200, "the first request is retried after the announced wait")
            #expect(later.allSatisfy { $0.status == 200 })
            #expect(Set(observer.threads.value).count == 2, "the later requests did not reach both loops")
            // Nothing reached the vendor from either loop before the reset.
            let arrivals = upstream.requests.dropFirst().map { $0.receivedAt - closedAt }
            #expect(arrivals.count == 13)
            #expect(arrivals.allSatisfy { $0 >= .milliseconds(850) }, "\(arrivals)")
        }

        @Test("max_connections counts the connections of both loops")
        func oneConnectionBudget() throws {
            let upstream = try TestUpstream(handler: { _, _ in .respond(status: 200, text: "ok") })
            let proxy = try ProxyHarness.quick(upstream, workers: 2) { _, limits in limits.maxConnections = 4 }
            let held = try (0..<4).map { _ in try proxy.client() }
            for client in held {
                try client.send("GET /held HTTP/1.1\r\nHost: localhost\r\n\r\n")
                #expect(try client.readResponse().status == 200)
            }
            let refused = try (0..<4).map { _ in try proxy.request(target: "/over") }
            #expect(refused.allSatisfy { $0.status == 503 }, "\(refused.map(\.status))")
            withExtendedLifetime(held) {}
        }

        @Test("a graceful shutdown lets an exchange in flight on either loop finish, then both loops stop")
        func drainCoversBothLoops() throws {
            let upstream = try TestUpstream(handler: { _, index in
                index == 0
                    ? .respond(status: 200, text: "warm")
                    : .delay(.seconds(1), then: .respond(status: 200, text: "slow"))
            })
            let proxy = try ProxyHarness.quick(upstream, workers: 2)
            // Until the vendor's first answer the gate lets one request go at a time (it may announce a quota).
            #expect(try proxy.request(target: "/v1/warm").status == 200)
            // 16 connections: the odds that SO_REUSEPORT puts all on one loop are 2 in 2^16.
            let answers = (0..<16).map { index in Background { try proxy.request(target: "/v1/slow/\(index)") } }
            #expect(upstream.waitForRequests(17))
            // The status count is the sum of what each loop has in flight, read on that loop.
            let counts = LockedBox<(total: Int, first: Int, second: Int)>((0, 0, 0))
            try proxy.onLoop { runtime in
                let first = runtime.services.values.reduce(0) { $0 + $1.inFlight }
                counts.mutate { $0.total = runtime.inFlightExchanges.values.reduce(0, +) }
                counts.mutate { $0.first = first }
            }
            let worker = proxy.runtime.workers[0]
            let done = DispatchSemaphore(value: 0)
            worker.loop.execute {
                counts.mutate { $0.second = worker.inFlight }
                done.signal()
            }
            done.wait()
            let seen = counts.value
            #expect(seen.total == 16, "\(seen)")
            #expect(seen.first > 0 && seen.second > 0, "\(seen)")
            #expect(seen.total == seen.first + seen.second, "\(seen)")
            try proxy.onLoop { $0.beginShutdown() }
            var responses: [ReceivedResponse] = []
            for answer in answers { responses.append(try answer.value()) }
            #expect(responses.count == 16)
            #expect(responses.allSatisfy { $0.status == 200 && $0.body == Array("slow".utf8) })
            #expect(proxy.waitUntilStopped(timeout: .seconds(5)))
        }

        @Test("a stop while only the second loop has an exchange in flight waits for it")
        func drainWaitsForTheOtherLoopAlone() throws {
            let upstream = try TestUpstream(handler: { request, _ in
                request.target == "/v1/slow"
                    ? .delay(.milliseconds(600), then: .respond(status: 200, text: "slow"))
                    : .respond(status: 200, text: "warm")
            })
            let proxy = try ProxyHarness.quick(upstream, workers: 2)
            #expect(try proxy.request(target: "/v1/warm").status == 200)
            // Connect until the kernel hands a connection to the second loop, the first loop's exchanges all done.
            var client: TestClient?
            for _ in 0..<30 {
                let candidate = try proxy.client()
                // Counted before sending: read after, the count may already include this request.
                let before = upstream.requests.count
                try candidate.send("GET /v1/slow HTTP/1.1\r\nHost: localhost\r\n\r\n")
                #expect(upstream.waitForRequests(before + 1))
                let onFirst = LockedBox(0)
                try proxy.onLoop { runtime in onFirst.set(runtime.inFlight) }
                if onFirst.value == 0 {
                    client = candidate
                    break
                }
                #expect(try candidate.readResponse().status == 200)
            }
            let slow = try #require(client, "no connection reached the second loop")
            try proxy.onLoop { $0.beginShutdown() }
            let answer = try slow.readResponse()
            #expect(answer.status == 200)
            #expect(answer.body == Array("slow".utf8), "the first loop stopped the second one mid-exchange")
            #expect(proxy.waitUntilStopped(timeout: .seconds(5)))
        }

        @Test("a second retryd on the same address fails to start instead of taking half the connections")
        func secondInstanceOnTheSameAddressFails() throws {
            let upstream = try TestUpstream(handler: { _, _ in .respond(status: 200, text: "first") })
            let first = try ProxyHarness.quick(upstream, workers: 2)
            let port = first.port
            // SO_REUSEPORT lets the worker loops share the port, and would let another process join them silently.
            #expect {
                _ = try ProxyHarness.quick(upstream, workers: 2) { upstream, _ in
                    upstream.listen = ListenAddress(host: "127.0.0.1", port: port)
                }
            } throws: { error in
                (error as? SysError)?.errno == EADDRINUSE
            }
            #expect(try first.request(target: "/v1/still").status == 200)
        }
    }
}
