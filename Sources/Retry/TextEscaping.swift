/// Quoting for text that ends up in log lines and JSON: upstream bodies and headers are untrusted, and a raw
/// newline in a log line would let an upstream forge entries.
package enum TextEscaping {
    /// `text` as a JSON string literal, quotes included.
    package static func jsonString(_ text: String) -> String {
        quoted(text) { scalar in
            // U+2028/U+2029 are valid JSON but end lines in JavaScript and in some log viewers.
            scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029
                ? "\\u" + hex(scalar.value, digits: 4) : nil
        }
    }

    /// `text` unquoted with every line-breaking or control character escaped, for a log line's free-text message.
    package static func inlineText(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: breaksLine) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where breaksLine(scalar): result += "\\u{" + hex(scalar.value, digits: 2) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// `text` as a logfmt value: bare when it is a simple token, else quoted with every control character escaped.
    package static func logValue(_ text: String) -> String {
        let isBare =
            !text.isEmpty
            && text.unicodeScalars.allSatisfy { scalar in
                scalar.value > 0x20 && scalar.value < 0x7F && scalar != "\"" && scalar != "=" && scalar != "\\"
            }
        return isBare ? text : quotedLogValue(text)
    }

    /// `text` always quoted, for free text such as a body prefix.
    package static func quotedLogValue(_ text: String) -> String {
        quoted(text) { scalar in
            breaksLine(scalar) ? "\\u{" + hex(scalar.value, digits: 2) + "}" : nil
        }
    }

    /// C0, DEL, C1 and the Unicode line and paragraph separators would break or fake a log line.
    private static func breaksLine(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
            || scalar.value == 0x2029
    }

    /// `text` in double quotes with quote, backslash, newline, carriage return and tab escaped, and any other
    /// scalar for which `escape` returns a replacement replaced.
    private static func quoted(_ text: String, escape: (Unicode.Scalar) -> String?) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if let replacement = escape(scalar) {
                    result += replacement
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(digits - text.count, 0)) + text
    }
}
