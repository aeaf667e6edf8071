import Foundation
import Loop
import Redis
import TestSupport

/// A subscriber and a publishing client on one loop thread, against one redis-server.
final class PubSubHarness: @unchecked Sendable {
    let clients: ClientHarness
    let subscriber: Handoff<RedisSubscriber>
    /// Payloads received, with the loop-monotonic time they arrived.
    let received = LockedBox<[([UInt8], Int64)]>([])

    init(server: RedisServerProcess, options: RedisClientOptions = .init()) throws {
        clients = try ClientHarness(url: server.url)
        let loop = clients.thread.loop
        let received = received
        subscriber = clients.thread.sync {
            let subscriber = RedisSubscriber(
                url: server.url, loop: loop, options: options, random: SeededRandom(seed: 9))
            subscriber.subscribe(channel: "events") { payload in
                received.mutate { $0.append((payload, Sys.monotonicNanoseconds())) }
            }
            subscriber.connect()
            return Handoff(subscriber)
        }
    }

    deinit {
        let subscriber = subscriber
        clients.thread.sync { subscriber.value = nil }
    }

    var subscriberState: RedisConnectionState {
        let subscriber = subscriber
        return clients.thread.sync { subscriber.value!.state }
    }

    /// Waits up to `timeout` for the subscriber to reach `state`.
    func waitForSubscriber(_ state: RedisConnectionState, timeout: Duration) -> Bool {
        let subscriber = subscriber
        return clients.thread.wait(timeout: timeout) { subscriber.value!.state == state }
    }

    /// Waits until the server counts `count` subscribers on `events`.
    func waitForSubscription(count: Int = 1, timeout: Duration = .seconds(10)) -> Bool {
        poll(timeout: timeout, every: .milliseconds(2)) {
            let reply = try? clients.call(["PUBSUB", "NUMSUB", "events"], timeout: .seconds(2))?.get()
            return reply?.elements?.last == .integer(Int64(count))
        }
    }

    /// Publishes on the loop; returns the loop-monotonic time it was sent.
    func publish(_ payload: [UInt8]) -> Int64 {
        clients.onLoop { client in
            let sent = Sys.monotonicNanoseconds()
            client.command([Array("PUBLISH".utf8), Array("events".utf8), payload]) { _ in }
            return sent
        }
    }

    func waitForMessages(_ count: Int, timeout: Duration = .seconds(5)) -> Bool {
        clients.thread.wait(timeout: timeout) { self.received.value.count >= count }
    }
}
