/// A command's arguments in one buffer, laid out as the `argv`/`argvlen` pair `redisAsyncCommandArgv` copies from.
struct ArgumentList {
    private var storage: [UInt8] = []
    private var starts: [Int] = []
    private var lengths: [Int] = []

    /// Arguments as raw bytes (binary-safe).
    init(_ arguments: [[UInt8]]) {
        storage.reserveCapacity(arguments.reduce(1) { $0 + $1.count })
        for argument in arguments { append(argument) }
    }

    /// Arguments as UTF-8 text.
    init(_ arguments: [String]) {
        for argument in arguments { append(argument.utf8) }
    }

    /// The number of arguments.
    var count: Int { starts.count }

    private mutating func append(_ bytes: some Collection<UInt8>) {
        starts.append(storage.count)
        lengths.append(bytes.count)
        storage.append(contentsOf: bytes)
    }

    /// Calls `body` with pointers valid only during the call (hiredis copies the bytes into its output buffer).
    func withArgv<Result>(
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        // A trailing byte keeps the base address non-nil even when every argument is empty.
        var bytes = storage
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var argv: [UnsafePointer<CChar>?] = starts.map { base + $0 }
            return argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
                }
            }
        }
    }
}
