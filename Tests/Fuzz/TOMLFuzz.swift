// libFuzzer target for `TOMLParser`, which reads the configuration file. Built by Tests/Fuzz/fuzz.sh, not by SwiftPM.
//
// A crash is not the only failure. Every position the parser reports, on a value, a key or an error, must point into
// the input, with a line that agrees with its offset. And a document that parses must say the same thing when written
// back out in a canonical form (every table inline, every string escaped) and parsed again: what the parser accepts it
// must read faithfully, and what it reads must be expressible. Every check ends in `fatalError`, so libFuzzer reports a
// violation as a crash and keeps the input.

import TOML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTOML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Array(UnsafeRawBufferPointer(start: data, count: size))
    let lines = LineIndex(input)
    let table: TOMLTable
    do {
        table = try TOMLParser.parse(bytes: input)
    } catch {
        lines.check(error.position, "error \(error)")
        require(!error.message.isEmpty, "an error without a message")
        return 0
    }
    lines.check(table)
    var text = ""
    Canonical.write(table, to: &text)
    // Arrays of tables become arrays of inline tables, one level deeper each.
    var limits = TOMLLimits()
    limits.maxDepth *= 3
    do {
        let again = try TOMLParser.parse(text, limits: limits)
        require(Canonical.same(table, again), "re-parsing the canonical form differs\n\(text)")
    } catch {
        fail("the canonical form does not parse: \(error)\n\(text)")
    }
    return 0
}

/// Where each line starts, to check positions against the input itself.
struct LineIndex {
    let bytes: [UInt8]
    /// The number of line feeds before each offset, for offsets 0...count.
    let linesBefore: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var counts = [0]
        counts.reserveCapacity(bytes.count + 1)
        for byte in bytes { counts.append(counts[counts.count - 1] + (byte == 0x0A ? 1 : 0)) }
        linesBefore = counts
    }

    func check(_ position: TOMLPosition, _ what: @autoclosure () -> String) {
        require(position.offset >= 0 && position.offset <= bytes.count, "\(what()): offset out of the input")
        require(position.line == linesBefore[position.offset] + 1, "\(what()): line disagrees with offset")
        require(position.column >= 1 && position.column <= position.offset + 1, "\(what()): column")
    }

    func check(_ table: TOMLTable) {
        for entry in table.entries {
            check(entry.keyPosition, "key \(entry.key)")
            check(entry.value)
        }
    }

    func check(_ value: TOMLValue) {
        check(value.position, "value")
        switch value.content {
        case .table(let table): check(table)
        case .array(let elements): for element in elements { check(element) }
        default: break
        }
    }
}

/// A canonical TOML rendering: one line, every table inline, every key and string a basic string.
enum Canonical {
    static func write(_ table: TOMLTable, to text: inout String) {
        for entry in table.entries {
            writeString(entry.key, to: &text)
            text += " = "
            write(entry.value, to: &text)
            text += "\n"
        }
    }

    static func write(_ value: TOMLValue, to text: inout String) {
        switch value.content {
        case .string(let string): writeString(string, to: &text)
        case .integer(let integer): text += String(integer)
        case .float(let float): text += float.isNaN ? (float.sign == .minus ? "-nan" : "nan") : "\(float)"
        case .boolean(let boolean): text += boolean ? "true" : "false"
        case .dateTime(let dateTime): text += dateTime.text
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += ", " }
                write(element, to: &text)
            }
            text += "]"
        case .table(let table):
            text += "{"
            for (index, entry) in table.entries.enumerated() {
                text += index > 0 ? ", " : " "
                writeString(entry.key, to: &text)
                text += " = "
                write(entry.value, to: &text)
            }
            text += " }"
        }
    }

    static func writeString(_ string: String, to text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    /// Equal content, positions aside; NaN equals NaN of the same sign.
    static func same(_ lhs: TOMLTable, _ rhs: TOMLTable) -> Bool {
        lhs.keys == rhs.keys && lhs.entries.indices.allSatisfy { same(lhs.entries[$0].value, rhs.entries[$0].value) }
    }

    static func same(_ lhs: TOMLValue, _ rhs: TOMLValue) -> Bool {
        switch (lhs.content, rhs.content) {
        case (.float(let left), .float(let right)):
            return left.isNaN ? right.isNaN && left.sign == right.sign : left.bitPattern == right.bitPattern
        case (.array(let left), .array(let right)):
            return left.count == right.count && left.indices.allSatisfy { same(left[$0], right[$0]) }
        case (.table(let left), .table(let right)):
            return same(left, right)
        default:
            return lhs.content == rhs.content
        }
    }
}

/// Stops with `message` when `condition` is false; `precondition` would drop the message in -O builds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

/// Stops with `message`, which libFuzzer prints above its crash report.
func fail(_ message: String) -> Never {
    fatalError("invariant violated: " + message)
}
