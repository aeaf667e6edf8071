import Testing

@testable import HTTP1

@Suite struct HeadWriterTests {
    /// Runs `body` on a writer over `capacity` bytes and returns what it wrote, as text.
    private func written(capacity: Int = 64, _ body: (inout HeadWriter) -> Void) -> String {
        var memory = [UInt8](repeating: 0xAA, count: capacity)
        let count = memory.withUnsafeMutableBufferPointer { buffer in
            var writer = HeadWriter(buffer)
            body(&writer)
            return writer.count
        }
        return String(decoding: memory[..<count], as: UTF8.self)
    }

    @Test(arguments: [0, 7, 9, 10, 99, 100, 204, 999, 1000, 123_456_789, -1, -42, Int.max, Int.min])
    func decimalMatchesString(value: Int) {
        #expect(written { $0.writeDecimal(value) } == String(value))
        #expect(String(value).utf8.count <= HeadWriter.maxDecimalCount)
    }

    @Test func sanitizedTurnsLineBreaksAndNULIntoSpaces() {
        #expect(written { $0.writeSanitized("a\r\nb\u{0}c\td é") } == "a  b c\td é")
        #expect(written { $0.writeSanitized("") } == "")
    }

    @Test func sanitizedCopiesALongValue() {
        let value = String(repeating: "cookie=value; ", count: 40)
        #expect(written(capacity: 600) { $0.writeSanitized(value) } == value)
    }

    @Test func tokenNamesAreWrittenWhole() {
        var accepted = false
        #expect(written { accepted = $0.writeToken("X-Request-Id") } == "X-Request-Id")
        #expect(accepted)
    }

    @Test(arguments: ["", "Bad Name", "X:Y", "X\r\nY", "Ünicode", "a\u{0}"])
    func nonTokenNamesWriteNothing(name: String) {
        var accepted = true
        let text = written { writer in
            writer.write("A")
            accepted = writer.writeToken(name)
        }
        #expect(text == "A")
        #expect(!accepted)
    }

    @Test func rewindForgetsASkippedField() {
        let text = written { writer in
            writer.write("Kept: 1")
            writer.writeCRLF()
            let start = writer.count
            _ = writer.writeToken("Connection")
            #expect(ASCII.equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: writer.written[start...]), "connection"))
            writer.rewind(to: start)
            writer.write(UInt8(ascii: "Z"))
        }
        #expect(text == "Kept: 1\r\nZ")
    }
}
