import Foundation
import Loop
import TestSupport
import Testing

@testable import Redis

/// Pub/sub through real redis-server processes. A latency bound here separates delivery on arrival from delivery
/// on some later event (a probe, a reconnect: a second or more), with room for a loaded machine.
@Suite struct RedisSubscriberTests {
    @Test func messagesArriveWithinMilliseconds() throws {
        let server = try RedisServerProcess()
        let harness = try PubSubHarness(server: server)
        #expect(harness.clients.wait(for: .connected))
        #expect(harness.waitForSubscription())
        var latencies: [Duration] = []
        for index in 0..<20 {
            let payload: [UInt8] = [0, 255] + Array("message \(index)".utf8)
            let sent = harness.publish(payload)
            #expect(harness.waitForMessages(index + 1))
            guard let last = harness.received.value.last else { break }
            #expect(last.0 == payload)
            latencies.append(.nanoseconds(last.1 - sent))
        }
        latencies.sort()
        let median = latencies[latencies.count / 2]
        #expect(median < .milliseconds(250), "median publish-to-delivery \(median)")
    }

    @Test func resubscribesAfterRedisRestarts() throws {
        let server = try RedisServerProcess()
        let harness = try PubSubHarness(server: server)
        #expect(harness.clients.wait(for: .connected))
        #expect(harness.waitForSubscription())
        server.stop()
        #expect(harness.waitForSubscriber(.disconnected, timeout: .seconds(10)))
        try server.start()
        #expect(harness.clients.wait(for: .connected, timeout: .seconds(10)))
        #expect(harness.waitForSubscription())
        _ = harness.publish(Array("after restart".utf8))
        #expect(harness.waitForMessages(1))
        #expect(harness.received.value.first?.0 == Array("after restart".utf8))
    }

    @Test func probeNoticesAHungRedis() throws {
        let server = try RedisServerProcess()
        var options = RedisClientOptions()
        // A probe answered within a second keeps the connection, even on a loaded machine; a hung Redis is
        // noticed within a second of the next probe.
        options.probeInterval = .milliseconds(100)
        options.unresponsiveAfter = .seconds(1)
        options.connectTimeout = .seconds(1)
        let harness = try PubSubHarness(server: server, options: options)
        #expect(harness.clients.wait(for: .connected))
        #expect(harness.waitForSubscription())
        // Several probe rounds on a healthy connection keep it up.
        usleep(1_500_000)
        #expect(harness.subscriberState == .connected)
        server.pause()
        #expect(harness.waitForSubscriber(.disconnected, timeout: .seconds(10)))
        server.resume()
        #expect(harness.waitForSubscriber(.connected, timeout: .seconds(10)))
        #expect(harness.waitForSubscription())
    }
}
