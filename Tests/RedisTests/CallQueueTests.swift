import Testing

@testable import Redis

@Suite struct CallQueueTests {
    final class Item {
        let id: Int
        init(_ id: Int) { self.id = id }
    }

    @Test func removesInOrderAndOutOfOrder() {
        var queue = CallQueue<Item>()
        let items = (0..<200).map(Item.init)
        for item in items { queue.append(item) }
        let removedFront = items[0..<150].map { queue.remove($0) }
        #expect(removedFront.allSatisfy { $0 })
        #expect(queue.first?.id == 150)
        let removedMiddle = queue.remove(items[180])
        let removedAgain = queue.remove(items[180])
        #expect(removedMiddle && !removedAgain)
        #expect(queue.count == 49)
        #expect(queue.removeAll().map(\.id) == Array(150..<180) + Array(181..<200))
        #expect(queue.isEmpty)
    }
}
