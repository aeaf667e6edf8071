import Loop
import TestSupport
import Testing

@testable import Admission
@testable import Proxy

/// The gate's wiring on real loops: verdicts reach each waiter on its loop, the timer fires, a refusal arrives.
/// What the gate decides and when is ``QuotaGate``'s, tested with exact times in AdmissionTests; these assert
/// only order and delivery, and wait with generous deadlines, never an upper bound on a pace.
@Suite("Bucket gate")
struct BucketGateTests {
    /// A waiter that notes what it heard.
    final class Recorder: GateWaiter, @unchecked Sendable {
        let name: String
        let log: LockedBox<[String]>
        init(_ name: String, log: LockedBox<[String]>) {
            self.name = name
            self.log = log
        }
        func admitted() { log.mutate { $0.append(name) } }
        func refused(_ refusal: GateRefusal) { log.mutate { $0.append("refused \(name) \(refusal.status)") } }
    }

    /// A gate on its own loop thread, with the waiters it was handed kept alive.
    final class Fixture: @unchecked Sendable {
        let thread: LoopThread
        var gate: BucketGate?
        var waiters: [Recorder] = []
        let log = LockedBox<[String]>([])

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
        func admit(_ names: [String], maxWait: Duration = .seconds(10)) -> [String] {
            thread.sync { [self] in
                names.filter { name in
                    let waiter = Recorder(name, log: log)
                    waiters.append(waiter)
                    return gate!.admit(waiter, on: thread.loop, maxWait: maxWait)
                }
            }
        }

        /// Runs `body` with the gate on the loop.
        func onLoop(_ body: @escaping (BucketGate) -> Void) { thread.sync { [self] in body(gate!) } }

        /// Waits until `count` verdicts were heard; returns them.
        func verdicts(_ count: Int) -> [String] {
            _ = poll(timeout: .seconds(10), every: .milliseconds(1)) { log.value.count >= count }
            return log.value
        }
    }

    static let quotaHeaders = [
        ("Ratelimit-Limit", "1000"), ("Ratelimit-Remaining", "900"), ("Ratelimit-Reset", "60"),
    ]

    @Test("requests held while the first answer teaches the quota hear they may go, in order, on their loop")
    func heldRequestsAreAdmittedOnTheirLoop() throws {
        let fixture = try Fixture()
        #expect(fixture.admit(["probe"]) == ["probe"])
        #expect(fixture.admit((1...4).map { "held \($0)" }).isEmpty)
        #expect(fixture.onLoopValue { $0.waiting } == 4)
        fixture.onLoop { gate in
            gate.observe(status: 200, headers: Self.quotaHeaders)
            gate.finished()
        }
        #expect(fixture.verdicts(4) == (1...4).map { "held \($0)" })
        #expect(fixture.onLoopValue { $0.waiting } == 0)
    }

    @Test("a closed gate's timer lets the trial go when the wait ends; its answer lets the rest go in order")
    func timerReleasesTheTrialThenTheBacklog() throws {
        let fixture = try Fixture()
        fixture.onLoop { gate in
            gate.observe(status: 200, headers: Self.quotaHeaders)
            gate.close(
                until: Sys.wallClockMilliseconds() + 50,
                cause: GateCause(status: 429, header: "Retry-After", instance: "other", seenAt: 0))
        }
        #expect(fixture.admit((1...3).map { "backlog \($0)" }).isEmpty)
        #expect(fixture.verdicts(1) == ["backlog 1"])
        #expect(fixture.onLoopValue { $0.bucket.gate } == .trial)
        fixture.onLoop { gate in
            gate.observe(status: 200, headers: Self.quotaHeaders)
            gate.finished()
        }
        #expect(fixture.verdicts(3) == (1...3).map { "backlog \($0)" })
    }

    @Test("a request that cannot wait until the gate opens is refused with a 429 on its loop")
    func refusalReachesTheWaiter() throws {
        let fixture = try Fixture()
        fixture.onLoop { gate in
            gate.close(
                until: Sys.wallClockMilliseconds() + 60_000,
                cause: GateCause(status: 429, header: "Retry-After", seenAt: 0))
        }
        #expect(fixture.admit(["impatient"], maxWait: .seconds(1)).isEmpty)
        #expect(fixture.verdicts(1) == ["refused impatient 429"])
        #expect(fixture.onLoopValue { $0.waiting } == 0)
    }

    @Test("a withdrawn waiter hears nothing; the one behind it still goes")
    func withdrawnWaiterHearsNothing() throws {
        let fixture = try Fixture()
        #expect(fixture.admit(["probe"]) == ["probe"])
        #expect(fixture.admit(["gone", "stays"]).isEmpty)
        fixture.onLoop { [fixture] gate in
            gate.withdraw(fixture.waiters[1])
            gate.observe(status: 200, headers: Self.quotaHeaders)
            gate.finished()
        }
        #expect(fixture.verdicts(1) == ["stays"])
    }
}

extension BucketGateTests.Fixture {
    /// Reads something of the gate on its loop.
    func onLoopValue<Value>(_ body: @escaping (BucketGate) -> Value) -> Value {
        thread.sync { [self] in body(gate!) }
    }
}
