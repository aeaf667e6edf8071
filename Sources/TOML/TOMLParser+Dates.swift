extension TOMLParser {
    /// An offset date-time, local date-time, local date or local time (RFC 3339, as TOML 1.0 restricts it).
    mutating func parseDateTime(_ token: ArraySlice<UInt8>) throws(TOMLError) -> TOMLDateTime {
        var reader = DateReader(bytes: token)
        let text = String(decoding: token, as: UTF8.self)
        func invalid(_ reason: String) -> String { "invalid date or time \(text.prefix(40)): \(reason)" }
        var date: TOMLDateTime.Date?
        var time: TOMLDateTime.Time?
        var offset: Int?
        if token.count > 2, token[token.startIndex + 2] != .colon {
            guard let year = reader.number(4), reader.skip(.minus), let month = reader.number(2), reader.skip(.minus),
                let day = reader.number(2)
            else { throw error(invalid("write dates as YYYY-MM-DD"), at: token.startIndex) }
            guard (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day) else {
                throw error(invalid("no such day"), at: token.startIndex)
            }
            date = TOMLDateTime.Date(year: year, month: month, day: day)
            guard !reader.isAtEnd else { return TOMLDateTime(date: date, time: nil, offsetMinutes: nil, text: text) }
            guard reader.skip(UInt8(ascii: "T")) || reader.skip(UInt8(ascii: "t")) || reader.skip(.space) else {
                throw error(invalid("a time must follow T or a space"), at: token.startIndex)
            }
        }
        guard let hour = reader.number(2), reader.skip(.colon), let minute = reader.number(2), reader.skip(.colon),
            let second = reader.number(2)
        else { throw error(invalid("write times as HH:MM:SS"), at: token.startIndex) }
        guard hour <= 23, minute <= 59, second <= 60 else { throw error(invalid("no such time"), at: token.startIndex) }
        var nanosecond = 0
        if reader.skip(.dot) {
            var digits = 0
            while let digit = reader.digit() {
                // Digits beyond nanoseconds are dropped: TOML asks for at least milliseconds and allows truncation.
                if digits < 9 { nanosecond = nanosecond * 10 + digit }
                digits += 1
            }
            guard digits > 0 else { throw error(invalid("a decimal point must be followed by digits"), at: index) }
            for _ in min(digits, 9)..<9 { nanosecond *= 10 }
        }
        time = TOMLDateTime.Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond)
        if date != nil {
            if reader.skip(UInt8(ascii: "Z")) || reader.skip(UInt8(ascii: "z")) {
                offset = 0
            } else if let sign = reader.sign() {
                guard let hours = reader.number(2), reader.skip(.colon), let minutes = reader.number(2), hours <= 23,
                    minutes <= 59
                else { throw error(invalid("write the offset as Z or +HH:MM"), at: token.startIndex) }
                offset = sign * (hours * 60 + minutes)
            }
        }
        guard reader.isAtEnd else { throw error(invalid("unexpected characters at the end"), at: token.startIndex) }
        return TOMLDateTime(date: date, time: time, offsetMinutes: offset, text: text)
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads fixed-width fields of a date or time token.
private struct DateReader {
    let bytes: ArraySlice<UInt8>
    var index: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    var isAtEnd: Bool { index == bytes.endIndex }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard index < bytes.endIndex, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    mutating func digit() -> Int? {
        guard index < bytes.endIndex, bytes[index].isDigit else { return nil }
        index += 1
        return Int(bytes[index - 1] - 0x30)
    }

    /// Exactly `width` digits.
    mutating func number(_ width: Int) -> Int? {
        var value = 0
        for _ in 0..<width {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    /// `+` as 1, `-` as -1.
    mutating func sign() -> Int? {
        if skip(.plus) { return 1 }
        if skip(.minus) { return -1 }
        return nil
    }
}
