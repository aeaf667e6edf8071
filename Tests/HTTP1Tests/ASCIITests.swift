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
}
