extension TOMLParser {
    /// An integer, float, date or time: the token runs to the next delimiter, then its shape decides the type.
    mutating func parseNumberOrDate() throws(TOMLError) -> TOMLValue.Content {
        let start = index
        while let byte = peek(), Self.isTokenByte(byte) { index += 1 }
        // A date-time may separate date and time with a space: `1979-05-27 07:32:00`.
        if index - start == 10, bytes[start + 4] == .minus, peek() == .space, peek(1)?.isDigit == true,
            peek(2)?.isDigit == true, peek(3) == .colon
        {
            index += 1
            while let byte = peek(), Self.isTokenByte(byte) { index += 1 }
        }
        let token = bytes[start..<index]
        guard !token.isEmpty else {
            throw error("expected a value, found \(peek().map(describe) ?? "the end of the document")")
        }
        try expectValueEnd()
        if token.count >= 5, token[start + 4] == .minus, token.prefix(4).allSatisfy(\.isDigit) {
            return .dateTime(try parseDateTime(token))
        }
        if token.count >= 3, token[start + 2] == .colon, token.prefix(2).allSatisfy(\.isDigit) {
            return .dateTime(try parseDateTime(token))
        }
        if let integer = try parseInteger(token) { return .integer(integer) }
        return .float(try parseFloat(token))
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        byte.isBareKeyByte || byte == .plus || byte == .dot || byte == .colon
    }

    /// A decimal, hexadecimal, octal or binary integer; nil when the token is shaped like a float instead.
    private mutating func parseInteger(_ token: ArraySlice<UInt8>) throws(TOMLError) -> Int64? {
        var digits = token
        var radix: UInt64 = 10
        if digits.count > 2, digits.first == UInt8(ascii: "0") {
            switch digits[digits.startIndex + 1] {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: break
            }
            if radix != 10 { digits = digits.dropFirst(2) }
        }
        var negative = false
        if radix == 10, let sign = digits.first, sign == .plus || sign == .minus {
            negative = sign == .minus
            digits = digits.dropFirst()
        }
        if radix == 10 {
            // Anything with a point, an exponent or letters is a float, or nothing.
            guard digits.allSatisfy({ $0.isDigit || $0 == .underscore }) else { return nil }
            if digits.count > 1, digits.first == UInt8(ascii: "0") {
                throw error("leading zeros are not allowed in a decimal integer", at: token.startIndex)
            }
        }
        let magnitude = try parseDigits(digits, radix: radix, in: token)
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw outOfRange(token) }
            return magnitude == UInt64(Int64.max) + 1 ? .min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw outOfRange(token) }
        return Int64(magnitude)
    }

    /// Digits with single underscores between them, in `radix`.
    private mutating func parseDigits(
        _ digits: ArraySlice<UInt8>, radix: UInt64, in token: ArraySlice<UInt8>
    ) throws(TOMLError) -> UInt64 {
        var value: UInt64 = 0
        var previousWasDigit = false
        for byte in digits {
            if byte == .underscore {
                guard previousWasDigit else { throw badNumber(token, "an underscore must sit between two digits") }
                previousWasDigit = false
                continue
            }
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
                digit = UInt64((byte | 0x20) - 0x61 + 10)
            default: digit = radix
            }
            guard digit < radix else { throw badNumber(token, "not a number") }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, carry) = shifted.addingReportingOverflow(digit)
            guard !overflow, !carry else { throw outOfRange(token) }
            value = sum
            previousWasDigit = true
        }
        guard previousWasDigit else {
            throw badNumber(token, digits.isEmpty ? "digits are missing" : "an underscore must sit between two digits")
        }
        return value
    }

    /// `[+-]int[.frac][e[+-]exp]`, or `[+-]inf` / `[+-]nan`.
    private mutating func parseFloat(_ token: ArraySlice<UInt8>) throws(TOMLError) -> Double {
        var rest = token
        var sign: Double = 1
        if let first = rest.first, first == .plus || first == .minus {
            sign = first == .minus ? -1 : 1
            rest = rest.dropFirst()
        }
        if rest.elementsEqual("inf".utf8) { return sign * .infinity }
        if rest.elementsEqual("nan".utf8) { return sign < 0 ? -.nan : .nan }
        let exponentAt = rest.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = rest[..<(exponentAt ?? rest.endIndex)]
        let pointAt = mantissa.firstIndex(of: .dot)
        let integerPart = mantissa[..<(pointAt ?? mantissa.endIndex)]
        guard pointAt != nil || exponentAt != nil else { throw badNumber(token, "not a number") }
        _ = try parseDigitRun(integerPart, in: token)
        if integerPart.count > 1, integerPart.first == UInt8(ascii: "0") {
            throw error("leading zeros are not allowed in a float", at: token.startIndex)
        }
        if let pointAt {
            guard pointAt + 1 < mantissa.endIndex else {
                throw badNumber(token, "a decimal point must be followed by digits")
            }
            _ = try parseDigitRun(mantissa[(pointAt + 1)...], in: token)
        }
        if let exponentAt {
            var exponent = rest[(exponentAt + 1)...]
            if let first = exponent.first, first == .plus || first == .minus { exponent = exponent.dropFirst() }
            _ = try parseDigitRun(exponent, in: token)
        }
        let text = String(decoding: token.lazy.filter { $0 != .underscore }, as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("the float \(String(decoding: token, as: UTF8.self)) is out of range", at: token.startIndex)
        }
        return value
    }

    /// Decimal digits with single underscores between them; only the shape matters, `Double` reads the value.
    private mutating func parseDigitRun(_ digits: ArraySlice<UInt8>, in token: ArraySlice<UInt8>) throws(TOMLError)
        -> Bool
    {
        var previousWasDigit = false
        for byte in digits {
            if byte == .underscore {
                guard previousWasDigit else { throw badNumber(token, "an underscore must sit between two digits") }
                previousWasDigit = false
            } else {
                guard byte.isDigit else { throw badNumber(token, "not a number") }
                previousWasDigit = true
            }
        }
        guard previousWasDigit else {
            throw badNumber(token, digits.isEmpty ? "digits are missing" : "an underscore must sit between two digits")
        }
        return true
    }

    private mutating func badNumber(_ token: ArraySlice<UInt8>, _ reason: String) -> TOMLError {
        let text = String(decoding: token.prefix(40), as: UTF8.self)
        return error("invalid value \(text): \(reason)", at: token.startIndex)
    }

    private mutating func outOfRange(_ token: ArraySlice<UInt8>) -> TOMLError {
        let text = String(decoding: token.prefix(40), as: UTF8.self)
        return error("the integer \(text) does not fit in 64 bits", at: token.startIndex)
    }
}
