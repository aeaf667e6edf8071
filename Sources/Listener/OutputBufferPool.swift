/// Output storage for the connections of one listener on one loop, lent for a response and given back once flushed.
///
/// An idle keep-alive connection holds no output buffer (nginx keeps nothing but a small read buffer per idle
/// connection), yet without the pool each response would malloc and free its 4 KiB. The pool keeps a bounded number
/// of buffers of the usual size, so what it holds does not grow with the connections. One loop touches it, so it
/// needs no lock.
struct OutputBufferPool {
    /// The capacity a buffer is created with: a typical head and small body fit without regrowth.
    static let bufferCapacity = 4096

    /// The most spare buffers kept: about the responses one loop iteration queues before its flushes.
    let maxSpare: Int
    /// Buffers given back and not yet lent again, all empty.
    private(set) var spare: [[UInt8]] = []

    /// An empty pool that will keep at most `maxSpare` buffers.
    init(maxSpare: Int = 16) {
        self.maxSpare = maxSpare
    }

    /// An empty buffer with room for ``bufferCapacity`` bytes: a spare one, or a new one when none is left.
    mutating func take() -> [UInt8] {
        if let buffer = spare.popLast() { return buffer }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(Self.bufferCapacity)
        return buffer
    }

    /// Takes `buffer`'s storage back and leaves `buffer` empty, with no storage. Storage much larger than usual (a
    /// streamed body grew it) or smaller (it grew from nothing) is freed instead, and so is any beyond ``maxSpare``.
    mutating func recycle(_ buffer: inout [UInt8]) {
        var storage: [UInt8] = []
        swap(&storage, &buffer)
        guard spare.count < maxSpare, (Self.bufferCapacity...2 * Self.bufferCapacity).contains(storage.capacity)
        else { return }
        storage.removeAll(keepingCapacity: true)
        spare.append(storage)
    }
}
