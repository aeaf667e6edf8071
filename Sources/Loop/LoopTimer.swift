/// A one-shot timer owned by its user and re-armed in place, so rescheduling costs a sift, not an allocation.
package final class LoopTimer {
    /// Monotonic deadline in nanoseconds; meaningful while scheduled.
    package internal(set) var deadline: Int64 = 0
    /// Position in the loop's heap, or -1 when not scheduled.
    var heapIndex = -1
    let action: () -> Void

    /// Creates a timer that runs `action` on the loop when it fires.
    package init(_ action: @escaping () -> Void) {
        self.action = action
    }

    /// Whether the timer is waiting to fire.
    package var isScheduled: Bool { heapIndex >= 0 }
}

/// A binary min-heap of timers by deadline with removal by index.
struct TimerHeap {
    private(set) var items: [LoopTimer] = []

    var first: LoopTimer? { items.first }
    var count: Int { items.count }

    mutating func insertOrUpdate(_ timer: LoopTimer, deadline: Int64) {
        timer.deadline = deadline
        if timer.heapIndex < 0 {
            timer.heapIndex = items.count
            items.append(timer)
            siftUp(timer.heapIndex)
        } else {
            siftUp(timer.heapIndex)
            siftDown(timer.heapIndex)
        }
    }

    mutating func remove(_ timer: LoopTimer) {
        let index = timer.heapIndex
        guard index >= 0 else { return }
        let last = items.count - 1
        if index != last {
            swapAt(index, last)
        }
        items.removeLast()
        timer.heapIndex = -1
        if index < items.count {
            siftUp(index)
            siftDown(index)
        }
    }

    private mutating func swapAt(_ a: Int, _ b: Int) {
        items.swapAt(a, b)
        items[a].heapIndex = a
        items[b].heapIndex = b
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child].deadline < items[parent].deadline else { return }
            swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { return }
            let right = left + 1
            var smallest = left
            if right < items.count && items[right].deadline < items[left].deadline { smallest = right }
            guard items[smallest].deadline < items[parent].deadline else { return }
            swapAt(parent, smallest)
            parent = smallest
        }
    }
}
