import Testing

@testable import Redis

@Suite struct ArgumentListTests {
    @Test func laysOutBinaryArgumentsWithTheirLengths() {
        let list = ArgumentList([Array("SET".utf8), [0, 255, 10], []])
        let seen = list.withArgv { count, argv, lengths in
            (0..<Int(count)).map { index in
                Array(UnsafeRawBufferPointer(start: argv[index], count: lengths[index]).bindMemory(to: UInt8.self))
            }
        }
        #expect(seen == [Array("SET".utf8), [0, 255, 10], []])
    }
}
