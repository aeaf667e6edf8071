import TOML
import Testing

/// The four date and time types, kept as components and text.
@Suite struct DateTimeTests {
    @Test("An offset date-time keeps its date, time, offset and text")
    func offsetDateTime() throws {
        let value = try #require(value("1979-05-27T00:32:00.999999-07:00")?.dateTime)
        #expect(value.kind == .offsetDateTime)
        #expect(value.date == TOMLDateTime.Date(year: 1979, month: 5, day: 27))
        #expect(value.time == TOMLDateTime.Time(hour: 0, minute: 32, second: 0, nanosecond: 999_999_000))
        #expect(value.offsetMinutes == -420)
        #expect(value.text == "1979-05-27T00:32:00.999999-07:00")
    }

    @Test(
        "Each form reads as its kind",
        arguments: [
            ("1979-05-27T07:32:00Z", TOMLDateTime.Kind.offsetDateTime), ("1979-05-27 07:32:00Z", .offsetDateTime),
            ("1979-05-27t07:32:00z", .offsetDateTime), ("1979-05-27T07:32:00+05:30", .offsetDateTime),
            ("1979-05-27T07:32:00", .localDateTime), ("1979-05-27T00:32:00.999999", .localDateTime),
            ("1979-05-27 07:32:00", .localDateTime), ("1979-05-27", .localDate), ("07:32:00", .localTime),
            ("00:32:00.999999", .localTime), ("2000-02-29", .localDate), ("1990-12-31T23:59:60Z", .offsetDateTime),
        ])
    func kinds(source: String, kind: TOMLDateTime.Kind) {
        #expect(value(source)?.dateTime?.kind == kind)
        #expect(value(source)?.dateTime?.text == source)
    }

    @Test("Fractions beyond nanoseconds are truncated, shorter ones scaled")
    func fractions() {
        #expect(value("00:00:00.1")?.dateTime?.time?.nanosecond == 100_000_000)
        #expect(value("00:00:00.1234567899")?.dateTime?.time?.nanosecond == 123_456_789)
    }

    @Test(
        "Impossible or malformed dates and times are rejected",
        arguments: [
            "1979-13-01", "1979-00-10", "1979-02-29", "1900-02-29", "1979-04-31", "1979-05-27T24:00:00",
            "1979-05-27T07:60:00", "1979-05-27T07:32:61", "07:32", "7:32:00", "1979-5-27", "1979-05-27T07:32:00.",
            "1979-05-27T07:32:00+7:00", "1979-05-27T07:32:00+24:00", "07:32:00Z", "1979-05-27X07:32:00",
            "1979-05-27T", "1979-05-27 07:32",
        ])
    func invalid(source: String) {
        #expect(failure("v = \(source)")?.line == 1)
    }

    @Test("A date followed by a comment is a date, not the start of a date-time")
    func dateThenComment() {
        #expect(value("1979-05-27 # born")?.dateTime?.kind == .localDate)
    }
}
