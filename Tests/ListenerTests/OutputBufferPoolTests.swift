import Testing

@testable import Listener

@Suite struct OutputBufferPoolTests {
    @Test func aNewBufferHasTheUsualRoom() {
        var pool = OutputBufferPool()
        let buffer = pool.take()
        #expect(buffer.isEmpty)
        #expect(buffer.capacity >= OutputBufferPool.bufferCapacity)
    }

    @Test func recycledStorageIsLentAgainEmpty() {
        var pool = OutputBufferPool()
        var buffer = pool.take()
        buffer.append(contentsOf: [1, 2, 3])
        let storage = buffer.withUnsafeBufferPointer { $0.baseAddress }
        pool.recycle(&buffer)
        #expect(buffer.capacity == 0)
        #expect(pool.spare.count == 1)

        let again = pool.take()
        #expect(again.isEmpty)
        #expect(again.withUnsafeBufferPointer { $0.baseAddress } == storage)
        #expect(pool.spare.isEmpty)
    }

    @Test func bufferOfAnotherSizeIsFreed() {
        var pool = OutputBufferPool()
        var grown = [UInt8](repeating: 0, count: 4 * OutputBufferPool.bufferCapacity)
        pool.recycle(&grown)
        var small: [UInt8] = [1]
        pool.recycle(&small)
        #expect(grown.capacity == 0 && small.capacity == 0)
        #expect(pool.spare.isEmpty)
    }

    @Test func sparesAreBounded() {
        var pool = OutputBufferPool(maxSpare: 2)
        var buffers = (0..<3).map { _ in pool.take() }
        for index in buffers.indices { pool.recycle(&buffers[index]) }
        #expect(pool.spare.count == 2)
        #expect(buffers.allSatisfy { $0.capacity == 0 })
    }
}
