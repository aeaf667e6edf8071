/// A forward-only JSON reader that finds one path and skips everything else.
struct JSONReader {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func find(_ segments: ArraySlice<String>, depth: Int) -> String? {
        guard depth <= JSONField.maxDepth else { return nil }
        skipWhitespace()
        guard let first = segments.first else { return scalar() }
        let rest = segments.dropFirst()
        switch peek {
        case UInt8(ascii: "{"):
            index += 1
            return findInObject(key: first, rest: rest, depth: depth)
        case UInt8(ascii: "["):
            guard let wanted = Int(first), wanted >= 0 else { return nil }
            index += 1
            return findInArray(index: wanted, rest: rest, depth: depth)
        default:
            return nil
        }
    }

    private mutating func findInObject(key: String, rest: ArraySlice<String>, depth: Int) -> String? {
        skipWhitespace()
        if peek == UInt8(ascii: "}") { return nil }
        while true {
            skipWhitespace()
            guard let name = string() else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else { return nil }
            // The first of duplicate keys wins, as most decoders that stream do.
            if name == key { return find(rest, depth: depth + 1) }
            guard skipValue(depth: depth + 1) else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ",")) else { return nil }
        }
    }

    private mutating func findInArray(index wanted: Int, rest: ArraySlice<String>, depth: Int) -> String? {
        skipWhitespace()
        if peek == UInt8(ascii: "]") { return nil }
        var position = 0
        while true {
            if position == wanted { return find(rest, depth: depth + 1) }
            guard skipValue(depth: depth + 1) else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ",")) else { return nil }
            position += 1
        }
    }

    /// A string, number or literal at the cursor, as text; nil for a container or malformed input.
    private mutating func scalar() -> String? {
        switch peek {
        case UInt8(ascii: "\""):
            return string()
        case UInt8(ascii: "{"), UInt8(ascii: "["), nil:
            return nil
        default:
            let start = index
            while let byte = peek, !Self.endsScalar(byte) { index += 1 }
            // A number that runs to the end of a cut body may have lost digits: only a delimiter ends it.
            guard peek != nil else { return nil }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard ["true", "false", "null"].contains(text) || Self.isNumber(text) else { return nil }
            return text
        }
    }

    private mutating func skipValue(depth: Int) -> Bool {
        guard depth <= JSONField.maxDepth else { return false }
        skipWhitespace()
        switch peek {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return true }
            while true {
                skipWhitespace()
                guard skipString() else { return false }
                skipWhitespace()
                guard consume(UInt8(ascii: ":")), skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if consume(UInt8(ascii: "}")) { return true }
                guard consume(UInt8(ascii: ",")) else { return false }
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return true }
            while true {
                guard skipValue(depth: depth + 1) else { return false }
                skipWhitespace()
                if consume(UInt8(ascii: "]")) { return true }
                guard consume(UInt8(ascii: ",")) else { return false }
            }
        default:
            return scalar() != nil
        }
    }

    /// Skips a string without building it: only the escapes' shape matters here.
    private mutating func skipString() -> Bool {
        guard consume(UInt8(ascii: "\"")) else { return false }
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return true
            case UInt8(ascii: "\\"):
                guard peek != nil else { return false }
                index += 1
            case 0..<0x20: return false
            default: break
            }
        }
        return false
    }

    /// Reads a string with its escapes resolved; unpaired surrogates become U+FFFD.
    private mutating func string() -> String? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while let byte = peek {
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard let escaped = escape() else { return nil }
                scalars.append(escaped)
            case 0..<0x20:
                return nil
            default:
                run.append(byte)
            }
        }
        return nil
    }

    private mutating func escape() -> Unicode.Scalar? {
        guard let byte = peek else { return nil }
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            guard let unit = hex4() else { return nil }
            if (0xD800..<0xDC00).contains(unit), bytes[index...].starts(with: [0x5C, 0x75]) {
                let saved = index
                index += 2
                if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                    return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                }
                index = saved
            }
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        default:
            return nil
        }
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            guard let digit = ASCIIHex.value(of: byte) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        index += 4
        return value
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    private static func endsScalar(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 0x20
            || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// RFC 8259 §6 number grammar.
    private static func isNumber(_ text: String) -> Bool {
        var scanner = Array(text.utf8)[...]
        func digits() -> Int {
            let count = scanner.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            scanner = scanner.dropFirst(count)
            return count
        }
        if scanner.first == UInt8(ascii: "-") { scanner = scanner.dropFirst() }
        if scanner.first == UInt8(ascii: "0") {
            scanner = scanner.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if scanner.first == UInt8(ascii: ".") {
            scanner = scanner.dropFirst()
            guard digits() > 0 else { return false }
        }
        if scanner.first == UInt8(ascii: "e") || scanner.first == UInt8(ascii: "E") {
            scanner = scanner.dropFirst()
            if scanner.first == UInt8(ascii: "+") || scanner.first == UInt8(ascii: "-") {
                scanner = scanner.dropFirst()
            }
            guard digits() > 0 else { return false }
        }
        return scanner.isEmpty
    }
}

/// Hex digit values, for `\u` escapes.
private enum ASCIIHex {
    static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
