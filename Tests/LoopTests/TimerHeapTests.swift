import TestSupport
import Testing

@testable import Loop

@Suite("TimerHeap")
struct TimerHeapTests {
    @Test("pops in deadline order after inserts, updates and removals")
    func ordering() {
        var heap = TimerHeap()
        let timers = (0..<50).map { _ in LoopTimer {} }
        var generator = SplitMix64(seed: 42)
        for timer in timers { heap.insertOrUpdate(timer, deadline: Int64.random(in: 0..<1000, using: &generator)) }
        for timer in timers.prefix(10) {
            heap.insertOrUpdate(timer, deadline: Int64.random(in: 0..<1000, using: &generator))
        }
        for timer in timers.suffix(10) { heap.remove(timer) }
        #expect(heap.count == 40)
        var last = Int64.min
        while let first = heap.first {
            #expect(first.deadline >= last)
            last = first.deadline
            heap.remove(first)
            #expect(!first.isScheduled)
        }
        #expect(timers.allSatisfy { !$0.isScheduled })
    }
}
