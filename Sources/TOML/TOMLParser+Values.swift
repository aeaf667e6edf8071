extension TOMLParser {
    /// Any value, starting at the current byte.
    ///
    /// - Parameter depth: Levels below the root of the value being read; arrays and inline tables add one each.
    mutating func parseValue(depth: Int) throws(TOMLError) -> TOMLValue {
        let start = position()
        guard let byte = peek() else { throw error("expected a value, found the end of the document") }
        switch byte {
        case .quote, .apostrophe:
            return TOMLValue(.string(try parseString()), at: start)
        case .openBracket:
            return try parseArray(depth: depth, at: start)
        case .openBrace:
            return try parseInlineTable(depth: depth, at: start)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            for (word, value) in [("true", true), ("false", false)] where bytes[index...].starts(with: word.utf8) {
                index += word.utf8.count
                try expectValueEnd()
                return TOMLValue(.boolean(value), at: start)
            }
            throw error("expected a value; booleans are true and false, strings need quotes")
        case .lineFeed, .carriageReturn, .hash:
            throw error("expected a value before the end of the line")
        default:
            let content = try parseNumberOrDate()
            return TOMLValue(content, at: start)
        }
    }

    /// A value must be followed by whitespace, a newline, a comment, a separator or the end.
    mutating func expectValueEnd() throws(TOMLError) {
        guard let byte = peek() else { return }
        switch byte {
        case .space, .tab, .lineFeed, .carriageReturn, .hash, .comma, .closeBracket, .closeBrace:
            return
        default:
            throw error("unexpected \(describe(byte)) after a value")
        }
    }

    /// `[ value, value, ]`: any types, newlines and comments between elements, a trailing comma.
    private mutating func parseArray(depth: Int, at start: TOMLPosition) throws(TOMLError) -> TOMLValue {
        try checkDepth(depth, at: start.offset)
        index += 1
        var elements: [TOMLValue] = []
        while true {
            skipTrivia()
            if skip(.closeBracket) { break }
            elements.append(try parseValue(depth: depth + 1))
            skipTrivia()
            if skip(.comma) { continue }
            if skip(.closeBracket) { break }
            guard let byte = peek() else { throw error("the array opened on line \(start.line) is not closed") }
            throw error("expected \",\" or \"]\" in an array, found \(describe(byte))")
        }
        return TOMLValue(.array(elements), at: start)
    }

    /// `{ key = value, key = value }` on one line, without a trailing comma; immutable once closed.
    private mutating func parseInlineTable(depth: Int, at start: TOMLPosition) throws(TOMLError) -> TOMLValue {
        try checkDepth(depth, at: start.offset)
        index += 1
        let table = TableNode(origin: .inline, position: start, depth: depth)
        skipWhitespace()
        if !skip(.closeBrace) {
            while true {
                try parseKeyValue(into: table, depth: depth)
                skipWhitespace()
                if skip(.closeBrace) { break }
                if skip(.comma) {
                    skipWhitespace()
                    guard peek() != .closeBrace else { throw error("an inline table cannot end with a comma") }
                    continue
                }
                switch peek() {
                case .lineFeed?, .carriageReturn?:
                    throw error("an inline table must be closed on the line it starts")
                case let byte?:
                    throw error("expected \",\" or \"}\" in an inline table, found \(describe(byte))")
                case nil:
                    throw error("the inline table opened on line \(start.line) is not closed")
                }
            }
        }
        return TOMLValue(.table(table.frozen()), at: start)
    }
}
