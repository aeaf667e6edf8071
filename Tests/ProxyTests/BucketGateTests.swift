import Foundation
import Loop
import TestSupport
import Testing

@testable import Admission
@testable import Proxy

extension Live {
    /// The gate's release order and pace, driven on a loop thread with waiters that record when they were let go.
    @Suite("Bucket gate")
    struct BucketGateTests {
        /// A waiter that notes when it was admitted or refused.
        final class Recorder: GateWaiter, @unchecked Sendable {
            let name: String
            let log: LockedBox<[(String, ContinuousClock.Instant)]>
            init(_ name: String, log: LockedBox<[(String, ContinuousClock.Instant)]>) {
                self.name = name
                self.log = log
            }
            func admitted() { log.mutate { $0.append((name, .now)) } }
            func refused(_ refusal: GateRefusal) { log.mutate { $0.append(("refused " + name, .now)) } }
        }

        /// A gate on its own loop thread, with the waiters it was handed kept alive.
        final class Fixture: @unchecked Sendable {
            let thread: LoopThread
            var gate: BucketGate?
            var waiters: [Recorder] = []
            let log = LockedBox<[(String, ContinuousClock.Instant)]>([])

            init() throws {
                thread = try LoopThread()
                let loop = thread.loop
                gate = thread.sync {
                    BucketGate(name: "default", upstream: "vendor", policy: QuotaPolicy(), loop: loop)
                }
            }

            deinit {
                thread.sync { [self] in gate = nil }
                thread.stop()
            }

            /// Asks for `names` in order; returns those admitted at once.
            @discardableResult
            func admit(_ names: [String]) -> [String] {
                thread.sync { [self] in
                    names.filter { name in
                        let waiter = Recorder(name, log: log)
                        waiters.append(waiter)
                        return gate!.admit(waiter, on: thread.loop, maxWait: .seconds(10))
                    }
                }
            }

            /// Runs `body` with the gate on the loop.
            func onLoop(_ body: @escaping (BucketGate) -> Void) { thread.sync { [self] in body(gate!) } }

            /// Waits until `count` waiters were let go (or a second passed); returns the log.
            func admissions(_ count: Int) -> [(String, ContinuousClock.Instant)] {
                let deadline = ContinuousClock.now + .seconds(1)
                while log.value.count < count && ContinuousClock.now < deadline { usleep(500) }
                return log.value
            }
        }

        static let quotaHeaders = [
            ("Ratelimit-Limit", "1000"), ("Ratelimit-Remaining", "900"), ("Ratelimit-Reset", "60"),
        ]

        @Test("those held while the first answer teaches the quota go together once it arrives")
        func learningBacklogGoesAtOnce() throws {
            let fixture = try Fixture()
            #expect(fixture.admit(["probe"]) == ["probe"])
            // The vendor's quota is unknown: the others wait for the probe's answer.
            #expect(fixture.admit((1...8).map { "held \($0)" }).isEmpty)
            let before = ContinuousClock.now
            fixture.onLoop { gate in
                gate.observe(status: 200, headers: Self.quotaHeaders)
                gate.finished()
            }
            let log = fixture.admissions(8)
            #expect(log.map(\.0) == (1...8).map { "held \($0)" }, "first come, first served")
            // One release pass, not one per millisecond: a closed loop of clients would otherwise be held to
            // 1,000 requests per second for as long as it kept a queue.
            let spread = (log.last?.1 ?? before) - (log.first?.1 ?? before)
            #expect(spread < .milliseconds(3), "released \(spread) apart")
        }

        @Test("a reopened gate's backlog goes one trial first, then a millisecond apart; later arrivals follow it")
        func reopeningBacklogIsSpacedAndLaterArrivalsAreNot() throws {
            let fixture = try Fixture()
            fixture.onLoop { gate in
                gate.observe(status: 200, headers: Self.quotaHeaders)
                gate.close(
                    until: Sys.wallClockMilliseconds() + 100,
                    cause: GateCause(status: 429, header: "Retry-After", instance: "other", seenAt: 0))
            }
            #expect(fixture.admit((1...6).map { "backlog \($0)" }).isEmpty)
            // The wait ends: the first goes alone as the trial.
            #expect(fixture.admissions(1).map(\.0) == ["backlog 1"])
            usleep(20_000)
            #expect(fixture.log.value.count == 1, "others went before the trial was answered")
            fixture.onLoop { gate in
                gate.observe(status: 200, headers: Self.quotaHeaders)
                gate.finished()
            }
            // Arrivals once the gate is open queue behind the backlog.
            #expect(fixture.admit(["later 1", "later 2", "later 3"]).isEmpty)
            let log = fixture.admissions(9)
            #expect(log.map(\.0) == (1...6).map { "backlog \($0)" } + ["later 1", "later 2", "later 3"])
            guard log.count == 9 else { return }
            for index in 2..<6 {
                #expect(log[index].1 - log[index - 1].1 >= .microseconds(900), "backlog \(index + 1) was not spaced")
            }
            #expect(log[8].1 - log[6].1 < .milliseconds(1), "later arrivals were spaced like the backlog")
        }
    }
}
