/// The HTTP-date grammar of RFC 9110 §5.6.7: IMF-fixdate plus the obsolete RFC 850 and asctime forms.
enum HTTPDate {
    private static let shortDayNames: Set = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let longDayNames: Set = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]
    private static let monthNames = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]

    /// Seconds since the Unix epoch, or nil when `text` is not an HTTP-date.
    /// - Parameter now: resolves RFC 850's two-digit year per §5.6.7; without it years 70–99 are 19xx, 00–69 20xx.
    static func parse(_ text: some StringProtocol, now: Double?) -> Double? {
        var scanner = ByteScanner(text)
        scanner.skipAll(UInt8(ascii: " "))
        let dayName = scanner.word()
        let date: CivilDate?
        if scanner.skip(UInt8(ascii: ",")) {
            guard scanner.skip(UInt8(ascii: " ")) else { return nil }
            if shortDayNames.contains(dayName) {
                date = imfFixdate(&scanner)
            } else if longDayNames.contains(dayName) {
                date = rfc850Date(&scanner, now: now)
            } else {
                return nil
            }
        } else {
            guard shortDayNames.contains(dayName) else { return nil }
            date = asctimeDate(&scanner)
        }
        scanner.skipAll(UInt8(ascii: " "))
        guard let date, date.isValid, scanner.isAtEnd else { return nil }
        return Double(date.epochSeconds)
    }

    /// `06 Nov 1994 08:49:37 GMT` (a one-digit day is tolerated).
    private static func imfFixdate(_ scanner: inout ByteScanner) -> CivilDate? {
        guard let day = scanner.number(digits: 1...2), scanner.skip(UInt8(ascii: " ")),
            let month = month(&scanner), scanner.skip(UInt8(ascii: " ")),
            let year = scanner.number(digits: 4...4), scanner.skip(UInt8(ascii: " ")),
            let time = timeOfDay(&scanner), gmt(&scanner)
        else { return nil }
        return CivilDate(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
    }

    /// `06-Nov-94 08:49:37 GMT`.
    private static func rfc850Date(_ scanner: inout ByteScanner, now: Double?) -> CivilDate? {
        guard let day = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: "-")),
            let month = month(&scanner), scanner.skip(UInt8(ascii: "-")),
            let shortYear = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: " ")),
            let time = timeOfDay(&scanner), gmt(&scanner)
        else { return nil }
        let year = fullYear(shortYear, now: now)
        return CivilDate(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
    }

    /// `Nov  6 08:49:37 1994` (the day is space-padded).
    private static func asctimeDate(_ scanner: inout ByteScanner) -> CivilDate? {
        guard scanner.skip(UInt8(ascii: " ")), let month = month(&scanner), scanner.skip(UInt8(ascii: " ")) else {
            return nil
        }
        let padded = scanner.skip(UInt8(ascii: " "))
        guard let day = scanner.number(digits: padded ? 1...1 : 1...2), scanner.skip(UInt8(ascii: " ")),
            let time = timeOfDay(&scanner), scanner.skip(UInt8(ascii: " ")),
            let year = scanner.number(digits: 4...4)
        else { return nil }
        return CivilDate(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2)
    }

    private static func month(_ scanner: inout ByteScanner) -> Int? {
        monthNames.firstIndex(of: scanner.word()).map { $0 + 1 }
    }

    private static func timeOfDay(_ scanner: inout ByteScanner) -> (Int, Int, Int)? {
        guard let hour = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: ":")),
            let minute = scanner.number(digits: 2...2), scanner.skip(UInt8(ascii: ":")),
            let second = scanner.number(digits: 2...2)
        else { return nil }
        return (hour, minute, second)
    }

    private static func gmt(_ scanner: inout ByteScanner) -> Bool {
        scanner.skip(UInt8(ascii: " ")) && scanner.word() == "gmt"
    }

    /// RFC 9110 §5.6.7: a two-digit year more than 50 years in the future means the most recent past such year.
    private static func fullYear(_ shortYear: Int, now: Double?) -> Int {
        guard let now, now.isFinite, abs(now) < 1e15 else {
            return shortYear < 70 ? 2000 + shortYear : 1900 + shortYear
        }
        let currentYear = CivilDate(epochSeconds: Int(now.rounded(.down))).year
        let candidate = currentYear - currentYear % 100 + shortYear
        return candidate > currentYear + 50 ? candidate - 100 : candidate
    }
}
