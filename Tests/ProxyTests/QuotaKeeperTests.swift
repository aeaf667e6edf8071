import Loop
import TestSupport
import Testing

@testable import Admission
@testable import Proxy

/// The keeper's generation, which tells a loop that the default gate it keeps at hand was dropped by a reload.
@Suite("Quota keeper")
struct QuotaKeeperTests {
    @Test func aReloadThatDropsTheGatesMovesTheGenerationAndHandsOutAFreshGate() throws {
        let thread = try LoopThread()
        defer { thread.stop() }
        let loop = thread.loop
        let results = thread.sync { () -> (Bool, Bool, Bool, Int, Int, Int) in
            let keeper = QuotaKeeper(upstream: "vendor", policy: QuotaPolicy(), loop: loop)
            let before = keeper.generation
            let first = keeper.gate(named: QuotaKeeper.defaultBucket)
            keeper.reconfigure(policy: QuotaPolicy())
            let unchanged = keeper.generation
            let same = keeper.gate(named: QuotaKeeper.defaultBucket) === first
            var paced = QuotaPolicy()
            paced.gate = false
            keeper.reconfigure(policy: paced)
            let after = keeper.generation
            let fresh = keeper.gate(named: QuotaKeeper.defaultBucket)
            return (
                same, fresh !== first, fresh === keeper.gate(named: QuotaKeeper.defaultBucket), before, unchanged, after
            )
        }
        #expect(results.0, "an unchanged policy keeps the gate")
        #expect(results.1, "a changed policy drops it")
        #expect(results.2)
        #expect(results.3 == results.4)
        #expect(results.5 == results.4 + 1)
    }
}
