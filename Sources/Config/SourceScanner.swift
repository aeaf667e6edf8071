/// A small TOML reader that records the location of every table header, key and array element.
///
/// It only has to be right for text TOMLKit has accepted; on anything unexpected it skips to the next line
/// rather than fail, so a missing location degrades to a coarser line, never to a wrong one.
struct SourceScanner {
    /// The first location of each path seen so far.
    private(set) var locations: [KeyPath: SourceMap.Location] = [:]

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    /// The table the last header opened.
    private var table = KeyPath.root
    /// Elements seen so far for each array of tables, by resolved path (so `upstream[1].rule` counts anew).
    private var arrayCounts: [KeyPath: Int] = [:]

    /// Creates a scanner over `text`.
    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Scans the whole text.
    mutating func scan() {
        while true {
            skipTrivia(acrossLines: true)
            guard let byte = peek() else { return }
            let start = index
            if byte == UInt8(ascii: "[") {
                scanHeader()
            } else {
                scanKeyValue()
            }
            skipRestOfLine()
            if index == start { advance() }
        }
    }

    // MARK: Statements

    private mutating func scanHeader() {
        let here = mark()
        advance()
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        let keys = scanKey()
        guard !keys.isEmpty else { return }
        var path = KeyPath.root
        for (position, key) in keys.enumerated() {
            path = path.appending(key)
            let isLast = position == keys.count - 1
            // `[upstream.retry]` refers to the latest `[[upstream]]` element.
            if !(isLast && isArray), let count = arrayCounts[path] {
                path = path.appending(index: count - 1)
            }
            if !isLast { record(path, at: here) }
        }
        if isArray {
            record(path, at: here)
            let count = arrayCounts[path, default: 0]
            arrayCounts[path] = count + 1
            path = path.appending(index: count)
        }
        record(path, at: here)
        table = path
    }

    private mutating func scanKeyValue() {
        let here = mark()
        let keys = scanKey()
        guard !keys.isEmpty else { return }
        skipTrivia(acrossLines: false)
        guard peek() == UInt8(ascii: "=") else { return }
        advance()
        var path = table
        for key in keys {
            path = path.appending(key)
            record(path, at: here)
        }
        scanValue(at: path)
    }

    /// Skips one value, recording the elements of arrays and the keys of inline tables beneath `path`.
    private mutating func scanValue(at path: KeyPath) {
        skipTrivia(acrossLines: false)
        guard let byte = peek() else { return }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            _ = scanString()
        case UInt8(ascii: "["):
            scanArray(at: path)
        case UInt8(ascii: "{"):
            scanInlineTable(at: path)
        default:
            // Numbers, booleans and dates (which may contain a space) run to a delimiter.
            while let next = peek(), !Self.valueTerminators.contains(next) { advance() }
        }
    }

    private static let valueTerminators: Set<UInt8> = Set(",]}#\n\r".utf8)

    private mutating func scanArray(at path: KeyPath) {
        advance()
        var element = 0
        while true {
            skipTrivia(acrossLines: true)
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "]") {
                advance()
                return
            }
            let elementPath = path.appending(index: element)
            record(elementPath, at: mark())
            let start = index
            scanValue(at: elementPath)
            element += 1
            skipTrivia(acrossLines: true)
            if peek() == UInt8(ascii: ",") {
                advance()
            } else if index == start {
                return
            }
        }
    }

    private mutating func scanInlineTable(at path: KeyPath) {
        advance()
        while true {
            skipTrivia(acrossLines: true)
            guard let byte = peek() else { return }
            if byte == UInt8(ascii: "}") {
                advance()
                return
            }
            let here = mark()
            let keys = scanKey()
            skipTrivia(acrossLines: false)
            guard !keys.isEmpty, peek() == UInt8(ascii: "=") else { return }
            advance()
            var keyPath = path
            for key in keys {
                keyPath = keyPath.appending(key)
                record(keyPath, at: here)
            }
            scanValue(at: keyPath)
            skipTrivia(acrossLines: true)
            if peek() == UInt8(ascii: ",") { advance() }
        }
    }

    // MARK: Keys and strings

    /// Reads a dotted key (`a."b.c".'d'`) into its parts; empty when there is no key here.
    private mutating func scanKey() -> [String] {
        var keys: [String] = []
        while true {
            skipTrivia(acrossLines: false)
            guard let byte = peek() else { return keys }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                guard let key = scanString() else { return keys }
                keys.append(key)
            } else {
                let start = index
                while let next = peek(), Self.isBareKeyByte(next) { advance() }
                guard index > start else { return keys }
                keys.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipTrivia(acrossLines: false)
            guard peek() == UInt8(ascii: ".") else { return keys }
            advance()
        }
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// Reads any of the four TOML string forms; returns the decoded text, or `nil` when unterminated.
    private mutating func scanString() -> String? {
        guard let quote = peek() else { return nil }
        let isBasic = quote == UInt8(ascii: "\"")
        let isMultiline = peek(1) == quote && peek(2) == quote
        advance(isMultiline ? 3 : 1)
        var content: [UInt8] = []
        while let byte = peek() {
            if byte == quote && (!isMultiline || (peek(1) == quote && peek(2) == quote)) {
                // Up to two more quotes may close a multi-line string: they belong to its content.
                var run = isMultiline ? 3 : 1
                while isMultiline, run < 5, peek(run) == quote { run += 1 }
                content.append(contentsOf: repeatElement(quote, count: isMultiline ? run - 3 : 0))
                advance(run)
                return String(decoding: content, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\n") && !isMultiline { return nil }
            if isBasic && byte == UInt8(ascii: "\\") {
                advance()
                guard let escaped = peek() else { return nil }
                content.append(contentsOf: Self.unescape(escaped, scanner: &self))
                continue
            }
            content.append(byte)
            advance()
        }
        return nil
    }

    /// Decodes the escape whose letter is at the current position and moves past it.
    private static func unescape(_ letter: UInt8, scanner: inout SourceScanner) -> [UInt8] {
        scanner.advance()
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "b"): 0x08, UInt8(ascii: "t"): 0x09, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "f"): 0x0C,
            UInt8(ascii: "r"): 0x0D, UInt8(ascii: "e"): 0x1B, UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C,
        ]
        if let byte = simple[letter] { return [byte] }
        if letter == UInt8(ascii: "u") || letter == UInt8(ascii: "U") {
            let width = letter == UInt8(ascii: "u") ? 4 : 8
            let start = scanner.index
            let end = min(start + width, scanner.bytes.count)
            scanner.advance(end - start)
            let hex = String(decoding: scanner.bytes[start..<end], as: UTF8.self)
            guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else { return [] }
            return Array(String(Character(scalar)).utf8)
        }
        // A backslash before a line break trims the break and the whitespace after it (multi-line strings).
        while let next = scanner.peek(), next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D {
            scanner.advance()
        }
        return []
    }

    // MARK: Low level

    private func peek(_ ahead: Int = 0) -> UInt8? {
        index + ahead < bytes.count ? bytes[index + ahead] : nil
    }

    /// Moves forward, counting lines as it goes: every byte consumed passes through here.
    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
    }

    private func mark() -> SourceMap.Location {
        SourceMap.Location(line: line, offset: index)
    }

    private mutating func record(_ path: KeyPath, at location: SourceMap.Location) {
        if locations[path] == nil { locations[path] = location }
    }

    /// Skips spaces and tabs, and with `acrossLines` also line breaks and comments.
    private mutating func skipTrivia(acrossLines: Bool) {
        while let byte = peek() {
            switch byte {
            case 0x20, 0x09, 0x0D:
                advance()
            case 0x0A where acrossLines:
                advance()
            case UInt8(ascii: "#") where acrossLines:
                skipRestOfLine()
            default:
                return
            }
        }
    }

    private mutating func skipRestOfLine() {
        while let byte = peek(), byte != 0x0A { advance() }
    }
}
