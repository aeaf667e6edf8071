extension TOMLParser {
    /// Checks the whole input once before parsing: size, UTF-8, and characters TOML allows nowhere.
    ///
    /// Control characters other than tab are invalid everywhere (strings must escape them, comments may not hold
    /// them) and a CR is only valid before LF, so refusing them here lets the rest of the parser treat the text as
    /// clean and records every line start on the way.
    mutating func checkText() throws(TOMLError) {
        guard bytes.count <= limits.maxBytes else {
            throw TOMLError(
                position: TOMLPosition(line: 1, column: 1, offset: 0),
                message: "the document is larger than \(limits.maxBytes) bytes")
        }
        // The byte-order mark is not part of the first line's text, so columns count from after it.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        lineStarts = [index]
        lastPosition = TOMLPosition(line: 1, column: 1, offset: index)
        var offset = index
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte < 0x80 {
                switch byte {
                case .lineFeed:
                    lineStarts.append(offset + 1)
                case .carriageReturn where offset + 1 < bytes.count && bytes[offset + 1] == .lineFeed:
                    break
                case .carriageReturn:
                    throw error("a carriage return must be followed by a line feed", at: offset)
                case 0x00...0x08, 0x0B...0x1F, 0x7F:
                    let hex = String(byte, radix: 16, uppercase: true)
                    throw error(
                        "control character U+\(String(repeating: "0", count: 4 - hex.count))\(hex) is not allowed"
                            + " (escape it in a basic string)",
                        at: offset)
                default:
                    break
                }
                offset += 1
            } else {
                guard let length = Self.scalarLength(bytes, at: offset) else {
                    throw error("invalid UTF-8", at: offset)
                }
                offset += length
            }
        }
    }

    /// The length of the well-formed UTF-8 sequence at `offset` (RFC 3629: no overlongs, no surrogates, nothing
    /// above U+10FFFF), or nil.
    private static func scalarLength(_ bytes: [UInt8], at offset: Int) -> Int? {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: (length, low) = (3, 0xA0)
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: (length, high) = (3, 0x9F)
        case 0xF0: (length, low) = (4, 0x90)
        case 0xF1...0xF3: length = 4
        case 0xF4: (length, high) = (4, 0x8F)
        default: return nil
        }
        guard offset + length <= bytes.count else { return nil }
        guard bytes[offset + 1] >= low && bytes[offset + 1] <= high else { return nil }
        for next in 2..<length where bytes[offset + next] & 0xC0 != 0x80 {
            return nil
        }
        return length
    }
}
