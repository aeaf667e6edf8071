extension WallTime {
    /// The instant `iso8601` writes back: "2026-11-23T11:27:13.123Z" (the milliseconds may be left out); nil for any
    /// other form, so a reader of `/status` times (the status page) can say "in 12s" without a date library.
    package init?(iso8601 text: some StringProtocol) {
        var scanner = ByteScanner(text)
        guard let year = scanner.number(digits: 4...4), scanner.skip(UInt8(ascii: "-")),
            let month = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: "-")),
            let day = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: "T")),
            let hour = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: ":")),
            let minute = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: ":")),
            let second = scanner.number(digits: 2...2)
        else { return nil }
        var milliseconds = 0
        if scanner.skip(UInt8(ascii: ".")) {
            guard let fraction = scanner.number(digits: 3...3) else { return nil }
            milliseconds = fraction
        }
        let date = CivilDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard scanner.skip(UInt8(ascii: "Z")), scanner.isAtEnd, date.isValid else { return nil }
        self.init(seconds: Int64(date.epochSeconds), milliseconds: milliseconds)
    }

    /// Seconds since the epoch, as a double.
    package var epochSeconds: Double {
        Double(seconds) + Double(milliseconds) / 1000
    }
}
