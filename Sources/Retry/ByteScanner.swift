/// A forward-only cursor over ASCII bytes for the small header grammars this module parses.
struct ByteScanner {
    private let bytes: [UInt8]
    private(set) var index = 0

    init(_ text: some StringProtocol) {
        bytes = Array(text.utf8)
    }

    var isAtEnd: Bool { index == bytes.count }

    /// The next byte without consuming it.
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Consumes and returns the next byte.
    mutating func next() -> UInt8? {
        guard let byte = peek else { return nil }
        index += 1
        return byte
    }

    /// Consumes `byte` if it comes next.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    /// Consumes every consecutive `byte`, returning how many there were.
    @discardableResult
    mutating func skipAll(_ byte: UInt8) -> Int {
        let start = index
        while peek == byte { index += 1 }
        return index - start
    }

    /// Consumes consecutive bytes while `predicate` holds and returns them.
    mutating func take(while predicate: (UInt8) -> Bool) -> ArraySlice<UInt8> {
        let start = index
        while let byte = peek, predicate(byte) { index += 1 }
        return bytes[start..<index]
    }

    /// Consumes a run of ASCII letters and returns it lower-cased.
    mutating func word() -> String {
        let letters = take { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }
        return String(decoding: letters.map { $0 | 0x20 }, as: UTF8.self)
    }

    /// Consumes a run of decimal digits whose length lies in `count` and returns its value; restores on failure.
    mutating func number(digits count: ClosedRange<Int>) -> Int? {
        let start = index
        let digits = take { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard count.contains(digits.count) else {
            index = start
            return nil
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}

extension UInt8 {
    /// Whether the byte is an ASCII decimal digit.
    var isASCIIDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
}
