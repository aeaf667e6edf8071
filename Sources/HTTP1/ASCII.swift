#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Byte classes from RFC 9110 §5.6 and RFC 9112, shared by the request and upstream parsers.
enum ASCII {
    static let tab: UInt8 = 0x09
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let colon: UInt8 = 0x3A
    static let semicolon: UInt8 = 0x3B
    static let comma: UInt8 = 0x2C
    static let equals: UInt8 = 0x3D
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C

    /// `tchar` from RFC 9110 §5.6.2: the bytes allowed in methods, field names and transfer codings.
    /// A bitmask rather than a switch because it runs for every name byte of every request.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        if byte < 64 { return (tokenMaskLow >> UInt64(byte)) & 1 == 1 }
        if byte < 128 { return (tokenMaskHigh >> UInt64(byte &- 64)) & 1 == 1 }
        return false
    }

    /// Bits 0–63: "!#$%&'*+-." and digits. The test suite checks both masks against the RFC's list.
    static let tokenMaskLow: UInt64 = 0x03FF_6CFA_0000_0000
    /// Bits 64–127: letters and "^_`|~".
    static let tokenMaskHigh: UInt64 = 0x57FF_FFFF_C7FF_FFFE

    /// The offset of the first `byte` in `buffer[range]`; memchr because line scanning dominates parse time.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in buffer: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = buffer.baseAddress,
            let found = memchr(base + range.lowerBound, Int32(byte), range.count)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Whether `bytes` hold CR, LF or NUL, any of which would let a forwarded line split the message.
    /// Eight bytes at a time: it runs over every byte of every upstream header line.
    static func containsLineBreakOrNUL(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let ones: UInt64 = 0x0101_0101_0101_0101
        var index = 0
        while index + 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if hasZeroByte(word) || hasZeroByte(word ^ (ones &* 0x0A)) || hasZeroByte(word ^ (ones &* 0x0D)) {
                return true
            }
            index += 8
        }
        // The last few bytes as one more word, overlapping the previous: cheaper than a byte loop.
        if index < bytes.count && bytes.count >= 8 {
            let word = base.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
            return hasZeroByte(word) || hasZeroByte(word ^ (ones &* 0x0A)) || hasZeroByte(word ^ (ones &* 0x0D))
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 || byte == lineFeed || byte == carriageReturn { return true }
            index += 1
        }
        return false
    }

    /// Whether any byte of `word` is zero. Exact as a yes or no: without a zero byte no borrow crosses a byte, and a
    /// byte whose top bit survives the subtraction had it set already, which `~word` masks.
    @inline(__always)
    private static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080 != 0
    }

    /// Optional whitespace (`OWS`): SP or HTAB.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// Control characters other than HTAB, which RFC 9110 §5.5 forbids in field values.
    @inline(__always)
    static func isForbiddenInValue(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != tab) || byte == 0x7F
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool {
        byte &- 0x30 < 10
    }

    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: return Int(byte &- 0x30)
        case 0x41...0x46: return Int(byte &- 0x41 &+ 10)
        case 0x61...0x66: return Int(byte &- 0x61 &+ 10)
        default: return nil
        }
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// Whether `bytes` equals `lowercase` ignoring ASCII case; `lowercase` must be lower-case ASCII.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            for index in 0..<expected.count where lowercased(bytes[index]) != expected[index] {
                return false
            }
            return true
        }
    }

    /// Whether two strings are equal ignoring ASCII case (header names are ASCII tokens).
    static func equalsIgnoringCase(_ lhs: String, _ rhs: String) -> Bool {
        // Header lookups run several times per request: compare lengths first (O(1) for native strings),
        // then the contiguous bytes.
        guard lhs.utf8.count == rhs.utf8.count else { return false }
        let fast = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                for index in 0..<left.count where lowercased(left[index]) != lowercased(right[index]) {
                    return false
                }
                return true
            }
        }
        if let fast, let result = fast { return result }
        return zip(lhs.utf8, rhs.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// Whether raw `bytes` spell `text` ignoring ASCII case.
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ text: String) -> Bool {
        guard bytes.count == text.utf8.count else { return false }
        return zip(bytes, text.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// A String from bytes the caller has checked to be ASCII. Up to 15 bytes it is built in place as a small
    /// string, which skips the UTF-8 validation and repair pass of `String(decoding:as:)` (about 150 instructions per
    /// method, target, field name and value on the request path); longer ones take the general path.
    @inline(__always)
    static func string(fromASCII bytes: UnsafeRawBufferPointer) -> String {
        guard bytes.count <= 15 else { return String(decoding: bytes, as: UTF8.self) }
        return String(unsafeUninitializedCapacity: bytes.count) { buffer in
            guard let base = buffer.baseAddress, let source = bytes.baseAddress else { return 0 }
            UnsafeMutableRawPointer(base).copyMemory(from: source, byteCount: bytes.count)
            return bytes.count
        }
    }

    /// Whether `bytes` are exactly the eight bytes of `word` (`"HTTP/1.1"` and the like): one load and compare
    /// instead of a generic sequence comparison.
    @inline(__always)
    static func equals(_ bytes: UnsafeRawBufferPointer, eightBytes word: UInt64) -> Bool {
        guard bytes.count == 8, let base = bytes.baseAddress else { return false }
        return base.loadUnaligned(as: UInt64.self) == word
    }

    /// The eight bytes of `text` as one word in memory order, for ``equals(_:eightBytes:)``; `text` must be 8 bytes.
    static func word(_ text: StaticString) -> UInt64 {
        precondition(text.utf8CodeUnitCount == 8, "a word is eight bytes")
        return text.withUTF8Buffer { UnsafeRawBufferPointer($0).loadUnaligned(as: UInt64.self) }
    }

    /// Removes leading and trailing OWS.
    static func trimmingWhitespace(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, isWhitespace(bytes[start]) { start += 1 }
        while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// Parses `1*DIGIT` as a non-negative Int; nil for an empty string, any other byte, or overflow.
    static func parseDecimal(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for byte in bytes {
            guard isDigit(byte) else { return nil }
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(byte &- 0x30))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// Calls `body` with each non-empty, OWS-trimmed element of a comma-separated list (RFC 9110 §5.6.1).
    static func forEachListElement<E: Error>(
        _ bytes: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == comma {
            let element = trimmingWhitespace(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            if !element.isEmpty { try body(element) }
            start = index + 1
        }
    }

    /// String-based variant for header values already decoded.
    static func forEachListElement<E: Error>(_ value: String, _ body: (UnsafeRawBufferPointer) throws(E) -> Void)
        throws(E)
    {
        var copy = value
        let result: Result<Void, E> = copy.withUTF8 { bytes in
            Result { () throws(E) in try forEachListElement(UnsafeRawBufferPointer(bytes), body) }
        }
        try result.get()
    }
}
