/// Just enough of RFC 9651 (Structured Field Values) to read integer parameters of a List field such as
/// `RateLimit: "default";r=0;t=30, "burst";r=5;t=1`.
///
/// The whole field is rejected on any syntax error, as RFC 9651 §4.2 requires, so a malformed field never yields
/// half a value.
package enum StructuredFieldList {
    /// The integer values of parameter `key` across the list's members, or nil when the field does not parse.
    package static func integerParameters(named key: String, in field: some StringProtocol) -> [Int64]? {
        var scanner = ByteScanner(field)
        var values: [Int64] = []
        scanner.skipAll(UInt8(ascii: " "))
        while !scanner.isAtEnd {
            guard let parameters = member(&scanner) else { return nil }
            values += parameters.compactMap { $0.key == key ? $0.integer : nil }
            skipOWS(&scanner)
            if scanner.isAtEnd { break }
            guard scanner.skip(UInt8(ascii: ",")) else { return nil }
            skipOWS(&scanner)
            if scanner.isAtEnd { return nil }  // a trailing comma is an error
        }
        return values
    }

    private struct Parameter {
        var key: String
        /// The value when it is an Integer; other bare item types are parsed and dropped.
        var integer: Int64?
    }

    /// An item or inner list followed by its parameters.
    private static func member(_ scanner: inout ByteScanner) -> [Parameter]? {
        if scanner.skip(UInt8(ascii: "(")) {
            while true {
                scanner.skipAll(UInt8(ascii: " "))
                if scanner.skip(UInt8(ascii: ")")) { break }
                guard bareItem(&scanner) != nil, parameters(&scanner) != nil else { return nil }
                guard scanner.peek == UInt8(ascii: " ") || scanner.peek == UInt8(ascii: ")") else { return nil }
            }
        } else {
            guard bareItem(&scanner) != nil else { return nil }
        }
        return parameters(&scanner)
    }

    private static func parameters(_ scanner: inout ByteScanner) -> [Parameter]? {
        var result: [Parameter] = []
        while scanner.skip(UInt8(ascii: ";")) {
            scanner.skipAll(UInt8(ascii: " "))
            guard let first = scanner.peek, isLowercaseLetter(first) || first == UInt8(ascii: "*") else { return nil }
            let key = scanner.take { isLowercaseLetter($0) || $0.isASCIIDigit || "_-.*".utf8.contains($0) }
            var parameter = Parameter(key: String(decoding: key, as: UTF8.self))
            if scanner.skip(UInt8(ascii: "=")) {
                guard let value = bareItem(&scanner) else { return nil }
                parameter.integer = value
            }
            result.append(parameter)
        }
        return result
    }

    /// Parses one bare item; returns `.some(integer)` for an Integer, `.some(nil)` for any other valid item.
    private static func bareItem(_ scanner: inout ByteScanner) -> Int64?? {
        guard let first = scanner.peek else { return nil }
        switch first {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number(&scanner)
        case UInt8(ascii: "\""):
            return quotedString(&scanner) ? .some(nil) : nil
        case UInt8(ascii: ":"):
            _ = scanner.next()
            _ = scanner.take { $0 != UInt8(ascii: ":") }
            return scanner.skip(UInt8(ascii: ":")) ? .some(nil) : nil
        case UInt8(ascii: "?"):
            _ = scanner.next()
            let bit = scanner.next()
            return bit == UInt8(ascii: "0") || bit == UInt8(ascii: "1") ? .some(nil) : nil
        case UInt8(ascii: "@"):
            _ = scanner.next()
            guard number(&scanner) != nil else { return nil }
            return .some(nil)
        case UInt8(ascii: "%"):
            _ = scanner.next()
            return quotedString(&scanner) ? .some(nil) : nil
        case UInt8(ascii: "*"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            _ = scanner.take { $0 > 0x20 && $0 < 0x7F && !"\"(),;<=>?@[\\]{}".utf8.contains($0) }
            return .some(nil)
        default:
            return nil
        }
    }

    /// An Integer (at most 15 digits) or a Decimal; Decimals are valid but yield no integer.
    private static func number(_ scanner: inout ByteScanner) -> Int64?? {
        let negative = scanner.skip(UInt8(ascii: "-"))
        let digits = scanner.take { $0.isASCIIDigit }
        guard (1...15).contains(digits.count) else { return nil }
        if scanner.skip(UInt8(ascii: ".")) {
            let fraction = scanner.take { $0.isASCIIDigit }
            return (1...3).contains(fraction.count) && digits.count <= 12 ? .some(nil) : nil
        }
        let magnitude = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
        return .some(negative ? -magnitude : magnitude)
    }

    private static func quotedString(_ scanner: inout ByteScanner) -> Bool {
        guard scanner.skip(UInt8(ascii: "\"")) else { return false }
        while let byte = scanner.next() {
            switch byte {
            case UInt8(ascii: "\""): return true
            case UInt8(ascii: "\\"): guard scanner.next() != nil else { return false }
            case 0x20..<0x7F: continue
            default: return false
            }
        }
        return false
    }

    private static func skipOWS(_ scanner: inout ByteScanner) {
        _ = scanner.take { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
    }
}
