import Testing

@testable import HTTP1

@Suite struct ASCIITests {
    /// Every length across the word boundary, with the byte at every position: a word-at-a-time scan must miss none.
    @Test(arguments: [UInt8(0x00), 0x0A, 0x0D])
    func lineBreakOrNULIsFoundAtEveryPosition(byte: UInt8) {
        for length in 1...24 {
            for position in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                bytes[position] = byte
                #expect(bytes.withUnsafeBytes { ASCII.containsLineBreakOrNUL($0) }, "length \(length) at \(position)")
            }
        }
    }

    /// The bytes next to the three, and their values with the top bit set, are not mistaken for them.
    @Test func otherBytesAreNotLineBreaks() {
        let others = (UInt8(0)...255).filter { $0 != 0x00 && $0 != 0x0A && $0 != 0x0D }
        for byte in others {
            for length in [1, 7, 8, 9, 17] {
                let bytes = [UInt8](repeating: byte, count: length)
                #expect(!bytes.withUnsafeBytes { ASCII.containsLineBreakOrNUL($0) }, "byte \(byte) length \(length)")
            }
        }
        #expect(!ASCII.containsLineBreakOrNUL(UnsafeRawBufferPointer(start: nil, count: 0)))
        let mixed: [UInt8] = Array("Date: Tue, 15 Nov 1994 08:12:31 GMT\u{80}\u{8A}\u{8D}\u{FF}\t".utf8)
        #expect(!mixed.withUnsafeBytes { ASCII.containsLineBreakOrNUL($0) })
    }

    /// Every length on both sides of the small-string limit gives the same String as the general decoding.
    @Test func stringFromASCIIMatchesDecoding() {
        let source = Array("/v1/jobs/1234?expand=all&page=2".utf8)
        for length in 0...source.count {
            let bytes = Array(source[..<length])
            let made = bytes.withUnsafeBytes { ASCII.string(fromASCII: $0) }
            #expect(made == String(decoding: bytes, as: UTF8.self), "length \(length)")
            #expect(made.utf8.count == length)
        }
        #expect(ASCII.string(fromASCII: UnsafeRawBufferPointer(start: nil, count: 0)) == "")
    }

    /// A version is matched only when all eight bytes are equal: a shorter, longer or different one is not.
    @Test func eightByteWordsMatchExactly() {
        let word = ASCII.word("HTTP/1.1")
        #expect(Array("HTTP/1.1".utf8).withUnsafeBytes { ASCII.equals($0, eightBytes: word) })
        for other in ["HTTP/1.0", "http/1.1", "HTTP/1.1 ", "HTTP/1.", "HTTP/2.1", ""] {
            #expect(!Array(other.utf8).withUnsafeBytes { ASCII.equals($0, eightBytes: word) }, "\(other)")
        }
    }
}
