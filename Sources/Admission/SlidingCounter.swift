/// Counts events over a sliding window in a fixed ring of slots, so its memory and cost stay the same whatever the
/// rate: the window moves one slot (a tenth of it) at a time.
package struct SlidingCounter: Sendable, Equatable {
    /// Slots per window; the window's edge is this coarse.
    package static let slotCount = 10
    /// The span counted.
    package let window: Duration
    private let slotNanoseconds: Int64
    /// The count of each slot, and which absolute slot number it holds, so stale slots read as zero.
    private var counts = [Int](repeating: 0, count: slotCount)
    private var slots = [Int64](repeating: .min, count: slotCount)

    /// Creates an empty counter over `window`.
    package init(window: Duration) {
        self.window = window
        slotNanoseconds = max(window.nanoseconds / Int64(Self.slotCount), 1)
    }

    /// Counts `count` events at `now` (monotonic nanoseconds).
    package mutating func add(_ count: Int = 1, now: Int64) {
        let slot = slotNumber(now)
        let index = Self.index(of: slot)
        if slots[index] != slot {
            slots[index] = slot
            counts[index] = 0
        }
        counts[index] += count
    }

    /// Events counted in the window that ends at `now`.
    package func total(now: Int64) -> Int {
        let current = slotNumber(now)
        let inWindow = (current - Int64(Self.slotCount) + 1)...current
        var sum = 0
        for index in 0..<Self.slotCount where inWindow.contains(slots[index]) {
            sum += counts[index]
        }
        return sum
    }

    /// Forgets every event.
    package mutating func reset() {
        counts = [Int](repeating: 0, count: Self.slotCount)
        slots = [Int64](repeating: .min, count: Self.slotCount)
    }

    private func slotNumber(_ now: Int64) -> Int64 {
        // Floor division, so times before zero (tests) fall in the right slot too.
        now >= 0 ? now / slotNanoseconds : (now - slotNanoseconds + 1) / slotNanoseconds
    }

    private static func index(of slot: Int64) -> Int {
        Int(((slot % Int64(slotCount)) + Int64(slotCount)) % Int64(slotCount))
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating), for arithmetic on monotonic clock readings.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
