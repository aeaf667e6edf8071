extension TOMLParser {
    /// Any of the four string forms, starting at its opening quote; returns the decoded text.
    mutating func parseString() throws(TOMLError) -> String {
        let quote = bytes[index]
        let isBasic = quote == .quote
        let start = index
        if peek(1) == quote && peek(2) == quote {
            index += 3
            // A newline right after the opening delimiter is not part of the string.
            if peek() == .lineFeed || peek() == .carriageReturn { skipNewline() }
            return try parseMultilineBody(quote: quote, isBasic: isBasic, start: start)
        }
        index += 1
        var content: [UInt8] = []
        while let byte = peek() {
            switch byte {
            case quote:
                index += 1
                return String(decoding: content, as: UTF8.self)
            case .lineFeed, .carriageReturn:
                throw error("a single-line string cannot contain a newline (use \"\"\" or ''' for several lines)")
            case .backslash where isBasic:
                try parseEscape(into: &content)
            default:
                content.append(byte)
                index += 1
            }
        }
        throw error("the string is not closed", at: start)
    }

    /// The body of `"""…"""` or `'''…'''`, after the opening delimiter and its newline.
    private mutating func parseMultilineBody(quote: UInt8, isBasic: Bool, start: Int) throws(TOMLError) -> String {
        var content: [UInt8] = []
        while let byte = peek() {
            switch byte {
            case quote:
                var run = 0
                while peek(run) == quote { run += 1 }
                guard run >= 3 else {
                    content.append(contentsOf: repeatElement(quote, count: run))
                    index += run
                    continue
                }
                // Up to two quotes may sit just inside the closing delimiter.
                guard run <= 5 else { throw error("too many quotes at the end of a multi-line string") }
                content.append(contentsOf: repeatElement(quote, count: run - 3))
                index += run
                return String(decoding: content, as: UTF8.self)
            case .carriageReturn:
                // The pre-pass guarantees LF follows; the value holds LF alone, whatever the file's line endings.
                index += 1
            case .backslash where isBasic:
                if try skipLineEndingBackslash() { continue }
                try parseEscape(into: &content)
            default:
                content.append(byte)
                index += 1
            }
        }
        throw error("the multi-line string is not closed", at: start)
    }

    /// A backslash that ends its line trims the newline and all whitespace and newlines after it.
    private mutating func skipLineEndingBackslash() throws(TOMLError) -> Bool {
        var ahead = 1
        while let byte = peek(ahead), byte == .space || byte == .tab { ahead += 1 }
        guard let byte = peek(ahead), byte == .lineFeed || byte == .carriageReturn else { return false }
        index += ahead
        skipTriviaInString()
        return true
    }

    private mutating func skipTriviaInString() {
        while let byte = peek(), byte == .space || byte == .tab || byte == .lineFeed || byte == .carriageReturn {
            index += 1
        }
    }

    /// One escape at the current backslash, appended as UTF-8.
    private mutating func parseEscape(into content: inout [UInt8]) throws(TOMLError) {
        let start = index
        index += 1
        guard let letter = peek() else { throw error("the string is not closed") }
        index += 1
        let simple: UInt8? =
            switch letter {
            case UInt8(ascii: "b"): 0x08
            case UInt8(ascii: "t"): 0x09
            case UInt8(ascii: "n"): 0x0A
            case UInt8(ascii: "f"): 0x0C
            case UInt8(ascii: "r"): 0x0D
            case .quote: .quote
            case .backslash: .backslash
            default: nil
            }
        if let simple {
            content.append(simple)
            return
        }
        guard letter == UInt8(ascii: "u") || letter == UInt8(ascii: "U") else {
            let shown = letter < 0x80 ? "\\\(Character(Unicode.Scalar(letter)))" : "a backslash"
            throw error("invalid escape \(shown.debugDescription) in a string", at: start)
        }
        let width = letter == UInt8(ascii: "u") ? 4 : 8
        var value: UInt32 = 0
        for _ in 0..<width {
            guard let digit = peek(), digit.isHexDigit else {
                throw error("\\\(Character(Unicode.Scalar(letter))) needs \(width) hexadecimal digits", at: start)
            }
            value = value << 4 | UInt32(digit <= 0x39 ? digit - 0x30 : (digit | 0x20) - 0x61 + 10)
            index += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error("the escape at this place is not a Unicode scalar value", at: start)
        }
        content.append(contentsOf: scalar.utf8)
    }
}
