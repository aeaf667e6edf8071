#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the pieces of a response head into memory the caller sized beforehand.
///
/// The head of every proxied response is written here, so each piece is one pointer copy with no capacity check;
/// appending field by field to an `[UInt8]` cost several hundred instructions per field.
struct HeadWriter {
    /// Where the bytes go; it must hold every byte written.
    private let base: UnsafeMutablePointer<UInt8>
    /// How much room `base` has: writes past it are a programming error, caught by assertions in debug builds.
    private let capacity: Int
    /// The bytes written so far.
    private(set) var count = 0

    /// A writer at the start of `buffer`.
    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        // An empty buffer may have no base address; nothing can be written to it anyway.
        base = buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!
        capacity = buffer.count
    }

    /// The bytes written so far.
    var written: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Forgets what was written after `position` (a field that turned out to be one to skip).
    mutating func rewind(to position: Int) {
        assert(position <= count)
        count = position
    }

    /// Writes one byte.
    @inline(__always)
    mutating func write(_ byte: UInt8) {
        assert(count < capacity)
        base[count] = byte
        count += 1
    }

    /// Writes CR LF.
    @inline(__always)
    mutating func writeCRLF() {
        write(ASCII.carriageReturn)
        write(ASCII.lineFeed)
    }

    /// Writes ASCII text known at compile time ("HTTP/1.1 ", "Content-Length").
    mutating func write(_ text: StaticString) {
        text.withUTF8Buffer { copy(UnsafeRawBufferPointer($0)) }
    }

    /// Writes `text` with CR, LF and NUL turned into SP, in one pass, so a value cannot end its line early.
    mutating func writeSanitized(_ text: String) {
        Self.withBytes(of: text) { bytes in
            assert(count + bytes.count <= capacity)
            let destination = base + count
            for index in 0..<bytes.count {
                let byte = bytes[index]
                destination[index] = Self.splitsLine(byte) ? ASCII.space : byte
            }
            count += bytes.count
        }
    }

    /// Writes `name` if it is a non-empty token (RFC 9110 §5.6.2) and returns true; otherwise writes nothing and
    /// returns false, so a field whose name could smuggle a delimiter is dropped whole.
    mutating func writeToken(_ name: String) -> Bool {
        Self.withBytes(of: name) { bytes in
            guard !bytes.isEmpty else { return false }
            assert(count + bytes.count <= capacity)
            let destination = base + count
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard ASCII.isTokenByte(byte) else { return false }
                destination[index] = byte
            }
            count += bytes.count
            return true
        }
    }

    /// Writes `value` in decimal, as `String(value)` spells it (a leading "-" when negative), without making the
    /// String.
    mutating func writeDecimal(_ value: Int) {
        if value < 0 { write(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = 1
        var scale: UInt = 1
        while magnitude / scale >= 10 {
            scale *= 10
            digits += 1
        }
        assert(count + digits <= capacity)
        for _ in 0..<digits {
            write(UInt8(truncatingIfNeeded: magnitude / scale) &+ UInt8(ascii: "0"))
            magnitude %= scale
            scale /= 10
        }
    }

    /// The most bytes ``writeDecimal(_:)`` writes: "-9223372036854775808".
    static let maxDecimalCount = 20

    private mutating func copy(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        assert(count + bytes.count <= capacity)
        memcpy(base + count, source, bytes.count)
        count += bytes.count
    }

    /// Calls `body` with the UTF-8 bytes of `text`: in place for native strings (all the parsers make), copied
    /// otherwise.
    private static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// CR, LF and NUL: bytes that could end a header line early or end the head.
    @inline(__always)
    static func splitsLine(_ byte: UInt8) -> Bool {
        byte == ASCII.carriageReturn || byte == ASCII.lineFeed || byte == 0
    }
}
