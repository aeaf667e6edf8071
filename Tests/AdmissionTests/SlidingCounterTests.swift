import Admission
import Testing

/// The sliding window's ring, driven with exact times (monotonic nanoseconds).
@Suite struct SlidingCounterTests {
    static let second: Int64 = 1_000_000_000

    @Test("events count for a window; a slot leaves it a tenth of the window at a time")
    func window() {
        var counter = SlidingCounter(window: .seconds(10))
        counter.add(now: 0)
        counter.add(2, now: 3 * Self.second)
        #expect(counter.total(now: 9 * Self.second) == 3)
        #expect(counter.total(now: 10 * Self.second) == 2, "the first slot has left the window")
        #expect(counter.total(now: 13 * Self.second) == 0)
        #expect(counter.total(now: 0) == 1, "a slot after `now` does not count")
    }

    @Test("times before zero fall in their own slots, and a never-used slot counts nothing")
    func negativeTimes() {
        var counter = SlidingCounter(window: .seconds(1))
        #expect(counter.total(now: -1) == 0)
        counter.add(now: -1)
        counter.add(now: 0)
        #expect(counter.total(now: -1) == 1)
        #expect(counter.total(now: 0) == 2)
        #expect(counter.total(now: Self.second - 1) == 1, "the slot just before zero has left the window")
    }

    @Test("counters are equal when they hold the same counts in the same slots; reset forgets all")
    func equality() {
        var first = SlidingCounter(window: .seconds(10))
        var second = SlidingCounter(window: .seconds(10))
        #expect(first == second)
        first.add(now: Self.second)
        #expect(first != second)
        second.add(now: Self.second)
        #expect(first == second)
        second.add(now: 2 * Self.second)
        #expect(first != second)
        #expect(SlidingCounter(window: .seconds(10)) != SlidingCounter(window: .seconds(20)))
        first.reset()
        #expect(first == SlidingCounter(window: .seconds(10)))
    }
}
