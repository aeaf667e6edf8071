import Retry
import Testing

/// Integers written into a byte buffer as `String(value)` writes them.
@Suite struct DecimalTextTests {
    @Test(
        "the same bytes as String(value), padded with zeros to the minimum",
        arguments: [0, 7, 42, 999, 1_000, 12_345, 1_234_567_890_123, Int.max, -1, -42, Int.min], [1, 2, 4, 25])
    func sameAsString(value: Int, minimumDigits: Int) {
        var buffer: [UInt8] = Array("x".utf8)
        DecimalText.append(value, minimumDigits: minimumDigits, to: &buffer)
        let text = String(value)
        let expected = "x" + String(repeating: "0", count: max(minimumDigits - text.utf8.count, 0)) + text
        #expect(String(decoding: buffer, as: UTF8.self) == expected)
    }
}
