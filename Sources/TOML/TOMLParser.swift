/// Reads a TOML 1.0 document into a ``TOMLTable`` whose values and keys carry their line and column.
///
/// One pass over the bytes, no Foundation: the configuration layer needs the values and where they were written,
/// and a single parser that knows both spares it a second scan of the text.
public struct TOMLParser {
    let bytes: [UInt8]
    let limits: TOMLLimits
    var index = 0
    /// The offset where each line starts, from the pre-pass; a position's line is found by binary search.
    var lineStarts: [Int] = []
    /// The last position computed, so columns along one long line cost linear time in total.
    var lastPosition = TOMLPosition(line: 1, column: 1, offset: 0)
    /// The table that the last `[header]` opened.
    var current: TableNode
    let root: TableNode

    private init(bytes: [UInt8], limits: TOMLLimits) {
        self.bytes = bytes
        self.limits = limits
        let start = TOMLPosition(line: 1, column: 1, offset: 0)
        root = TableNode(origin: .root, position: start, depth: 0)
        current = root
    }

    /// Parses a document.
    ///
    /// - Parameters:
    ///   - text: The document.
    ///   - limits: Bounds on nesting and size.
    /// - Throws: ``TOMLError`` at the first problem.
    public static func parse(_ text: String, limits: TOMLLimits = TOMLLimits()) throws(TOMLError) -> TOMLTable {
        try parse(bytes: Array(text.utf8), limits: limits)
    }

    /// Parses a document given as bytes, which must be UTF-8 (a leading byte-order mark is skipped).
    ///
    /// - Throws: ``TOMLError`` at the first problem, invalid UTF-8 included.
    public static func parse(bytes: [UInt8], limits: TOMLLimits = TOMLLimits()) throws(TOMLError) -> TOMLTable {
        var parser = TOMLParser(bytes: bytes, limits: limits)
        try parser.checkText()
        try parser.parseDocument()
        return parser.root.frozen()
    }

    private mutating func parseDocument() throws(TOMLError) {
        while true {
            skipWhitespace()
            guard let byte = peek() else { return }
            switch byte {
            case .lineFeed, .carriageReturn:
                skipNewline()
                continue
            case .hash:
                skipComment()
            case .openBracket:
                try parseHeader()
            default:
                try parseKeyValue(into: current, depth: current.depth)
            }
            try expectEndOfLine()
        }
    }

    /// After a statement only whitespace and a comment may follow on its line.
    private mutating func expectEndOfLine() throws(TOMLError) {
        skipWhitespace()
        if peek() == .hash { skipComment() }
        guard let byte = peek() else { return }
        guard byte == .lineFeed || byte == .carriageReturn else {
            throw error("expected the end of the line, found \(describe(byte))")
        }
        skipNewline()
    }

    // MARK: Low level

    func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    /// Consumes `byte` if it comes next.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    /// Spaces and tabs.
    mutating func skipWhitespace() {
        while let byte = peek(), byte == .space || byte == .tab { index += 1 }
    }

    /// LF or CRLF; the pre-pass guarantees that a CR is followed by LF.
    mutating func skipNewline() {
        if peek() == .carriageReturn { index += 1 }
        if peek() == .lineFeed { index += 1 }
    }

    /// From `#` to the end of the line, which stays; the pre-pass has already refused control characters.
    mutating func skipComment() {
        while let byte = peek(), byte != .lineFeed, byte != .carriageReturn { index += 1 }
    }

    /// Whitespace, newlines and comments, as arrays allow between their elements.
    mutating func skipTrivia() {
        while let byte = peek() {
            switch byte {
            case .space, .tab: index += 1
            case .lineFeed, .carriageReturn: skipNewline()
            case .hash: skipComment()
            default: return
            }
        }
    }

    /// The position of `offset` (default: the current one).
    mutating func position(at offset: Int? = nil) -> TOMLPosition {
        let offset = offset ?? index
        var line = lastPosition.line
        if offset < lastPosition.offset || line > lineStarts.count || !isOnLine(offset, line) {
            var low = 0
            var high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            line = low + 1
            lastPosition = TOMLPosition(line: line, column: 1, offset: lineStarts[low])
        }
        var column = lastPosition.column
        var cursor = lastPosition.offset
        while cursor < offset, cursor < bytes.count {
            if bytes[cursor] & 0xC0 != 0x80 { column += 1 }
            cursor += 1
        }
        lastPosition = TOMLPosition(line: line, column: column, offset: offset)
        return lastPosition
    }

    private func isOnLine(_ offset: Int, _ line: Int) -> Bool {
        line - 1 < lineStarts.count && lineStarts[line - 1] <= offset
            && (line == lineStarts.count || offset < lineStarts[line])
    }

    /// An error at `offset` (default: the current position).
    mutating func error(_ message: String, at offset: Int? = nil) -> TOMLError {
        TOMLError(position: position(at: offset), message: message)
    }

    /// How a byte reads in a message.
    func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x21...0x7E: "\"\(Character(Unicode.Scalar(byte)))\""
        case .lineFeed, .carriageReturn: "the end of the line"
        case .space: "a space"
        case .tab: "a tab"
        default: "a non-ASCII character"
        }
    }
}
