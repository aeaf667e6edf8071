/// Integers written as decimal ASCII straight into a byte buffer, for the lines written per request (the access log,
/// timestamps), where `String(value)` would cost a heap allocation each.
package enum DecimalText {
    /// Appends `value` as `String(value)` writes it, padded on the left with zeros to at least `minimumDigits` bytes.
    package static func append(_ value: Int, minimumDigits: Int = 1, to buffer: inout [UInt8]) {
        guard value >= 0 else {
            // Never on the hot path (a time before year 0, say): the general route, padded the same way.
            let text = String(value)
            buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: max(minimumDigits - text.utf8.count, 0)))
            buffer.append(contentsOf: text.utf8)
            return
        }
        // Int.max has 19 digits; the stack buffer keeps the number off the heap.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            var rest = value
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            let count = digits.count - start
            if minimumDigits > count {
                buffer.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: minimumDigits - count))
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
