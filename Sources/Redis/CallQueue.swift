/// A first-in first-out queue whose removals from the front are O(1), for calls in reply order.
struct CallQueue<Element: AnyObject> {
    private var items: [Element?] = []
    private var head = 0

    /// The oldest element.
    var first: Element? { head < items.count ? items[head] : nil }
    /// How many elements are queued.
    var count: Int { items.count - head }
    /// Whether nothing is queued.
    var isEmpty: Bool { head == items.count }

    /// Adds `element` at the back.
    mutating func append(_ element: Element) {
        items.append(element)
    }

    /// Removes `element`, which is normally the front one (replies come in order); returns whether it was queued.
    @discardableResult
    mutating func remove(_ element: Element) -> Bool {
        if let front = first, front === element {
            items[head] = nil
            head += 1
            compactIfSparse()
            return true
        }
        guard let index = items[head...].firstIndex(where: { $0 === element }) else { return false }
        items.remove(at: index)
        return true
    }

    /// Removes and returns everything, oldest first.
    mutating func removeAll() -> [Element] {
        let all = items[head...].compactMap { $0 }
        items.removeAll(keepingCapacity: true)
        head = 0
        return all
    }

    private mutating func compactIfSparse() {
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64 && head * 2 >= items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
