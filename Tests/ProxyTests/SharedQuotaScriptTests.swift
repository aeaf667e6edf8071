import Foundation
import Logging
import Loop
import Redis
import TestSupport
import Testing

@testable import Admission
@testable import Proxy

/// The Lua scripts behind the shared quota, run by ``SharedQuota`` against a real redis-server.
@Suite struct SharedQuotaScriptTests {
    /// Instances on one loop thread sharing one Redis.
    final class Fleet: @unchecked Sendable {
        let thread: LoopThread
        var instances: [SharedQuota] = []

        init(redis: RedisServerProcess, names: [String]) throws {
            thread = try LoopThread()
            let loop = thread.loop
            let url = try RedisURL(parsing: redis.urlString)
            instances = thread.sync {
                names.map { name in
                    SharedQuota(
                        config: SharedSettings(redis: url, instance: name), loop: loop, logger: Logger(label: name),
                        callTimeout: .seconds(1))
                }
            }
        }

        deinit {
            thread.sync { [self] in instances.removeAll() }
            thread.stop()
        }

        /// Waits until every instance is connected.
        func connected() -> Bool {
            poll(every: .milliseconds(2)) { thread.sync({ [self] in instances.allSatisfy(\.isConnected) }) }
        }

        /// One take by instance `index`, waited for.
        func take(_ index: Int, now: Int64, reserve: Int = 0, seed: QuotaBucket.Window? = nil) -> SharedQuota.Take? {
            let outcome = LockedBox<SharedQuota.Take?>(nil)
            let done = DispatchSemaphore(value: 0)
            thread.sync { [self] in
                instances[index].take(
                    upstream: "vendor", bucket: "default", now: now, reserve: reserve, margin: .milliseconds(100),
                    seed: seed
                ) {
                    outcome.set($0)
                    done.signal()
                }
            }
            _ = done.wait(timeout: .now() + 2)
            return outcome.value
        }

        /// One report by instance `index`, then a round trip so it has been applied.
        func report(_ index: Int, _ window: QuotaBucket.Window, now: Int64) {
            thread.sync { [self] in
                instances[index].report(upstream: "vendor", bucket: "default", window: window, now: now)
            }
            _ = take(index, now: now, reserve: Int.max)
        }
    }

    @Test("a cold start of three instances: the first report leaves out the other two learning requests")
    func coldStartSeedCountsTheOthersLearningRequests() throws {
        let redis = try RedisServerProcess()
        let fleet = try Fleet(redis: redis, names: ["a", "b", "c"])
        #expect(fleet.connected())
        let now = Sys.wallClockMilliseconds()
        // Nothing is known: each instance sends one learning request.
        for index in 0..<3 {
            guard case .local = fleet.take(index, now: now) else {
                Issue.record("instance \(index) was not told to learn")
                return
            }
        }
        // The vendor answered a's request first: 19 of 20 left, but b's and c's requests may not be counted yet.
        fleet.report(0, QuotaBucket.Window(end: now + 2_000, remaining: 19, limit: 20, length: nil), now: now)
        guard case .granted(count: 1, left: 16, let end) = fleet.take(1, now: now) else {
            Issue.record(
                "the seed did not leave out the two other learning requests: \(String(describing: fleet.take(1, now: now)))"
            )
            return
        }
        #expect(end == now + 2_000)
        // b's answer (18 left) arrives late: the same window keeps the lower count.
        fleet.report(1, QuotaBucket.Window(end: now + 2_000, remaining: 18, limit: 20, length: nil), now: now)
        guard case .granted(count: 1, left: 15, _) = fleet.take(2, now: now) else {
            Issue.record("a late report raised the count")
            return
        }
    }

    @Test("a window spent down to the reserve is denied until it ends; then a new one starts from the limit")
    func spentWindowIsDeniedThenRenewed() throws {
        let redis = try RedisServerProcess()
        let fleet = try Fleet(redis: redis, names: ["a", "b"])
        #expect(fleet.connected())
        let now = Sys.wallClockMilliseconds()
        let seed = QuotaBucket.Window(end: now + 1_000, remaining: 3, limit: 5, length: .seconds(1))
        guard case .granted(count: 1, left: 2, _) = fleet.take(0, now: now, reserve: 1, seed: seed) else {
            Issue.record("the caller's window did not seed the key")
            return
        }
        guard case .granted(count: 1, left: 1, _) = fleet.take(1, now: now, reserve: 1) else {
            Issue.record("the other instance did not share the seeded window")
            return
        }
        guard case .denied(let end) = fleet.take(0, now: now, reserve: 1) else {
            Issue.record("the reserve was spent")
            return
        }
        #expect(end == now + 1_000)
        // After the end: a new window of the known limit and length, without a report; it ends the margin late,
        // since the vendor's starts when the first request reaches it.
        guard case .granted(count: 1, left: 4, let renewedEnd) = fleet.take(1, now: now + 1_001, reserve: 1) else {
            Issue.record("the ended window was not renewed from its limit")
            return
        }
        #expect(renewedEnd == now + 1_001 + 1_000 + 100)
    }
}
