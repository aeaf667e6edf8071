import Retry
import Testing

@Suite struct DurationTests {
    @Test(arguments: [
        ("250ms", Duration.milliseconds(250)),
        ("2s", .seconds(2)),
        ("1.5s", .milliseconds(1500)),
        ("1m", .seconds(60)),
        ("1h", .seconds(3600)),
        ("0s", .zero),
        ("0.5ms", .microseconds(500)),
        ("90s", .seconds(90)),
        ("0.000000001s", .nanoseconds(1)),
        ("1.50s", .milliseconds(1500)),
    ])
    func parsesValidDurations(text: String, expected: Duration) {
        #expect(Durations.parse(text) == expected)
    }

    @Test(arguments: [
        "", "2", "s", "2 s", " 2s", "2s ", "-1s", "+1s", "1.s", ".5s", "1e3ms", "2sec", "2S", "1d", "1us",
        "1.2.3s", "0x10s", "99999999999999999999h", "3000000h",
    ])
    func rejectsInvalidDurations(text: String) {
        #expect(Durations.parse(text) == nil)
    }

    @Test(arguments: [
        (Duration.seconds(2), "2s"),
        (.milliseconds(250), "250ms"),
        (.milliseconds(1500), "1.5s"),
        (.seconds(60), "1m"),
        (.seconds(90), "90s"),
        (.seconds(7200), "2h"),
        (.zero, "0s"),
        (.microseconds(1500), "1.5ms"),
        (.nanoseconds(1_000_000_001), "1.000000001s"),
    ])
    func formatsWithTheLargestExactUnit(duration: Duration, expected: String) {
        #expect(Durations.format(duration) == expected)
    }

    @Test(arguments: [
        Duration.nanoseconds(1), .microseconds(7), .milliseconds(1), .milliseconds(999), .milliseconds(61_500),
        .seconds(59), .seconds(3601), .seconds(86_400 * 365),
    ])
    func formatThenParseRoundTrips(duration: Duration) {
        #expect(Durations.parse(Durations.format(duration)) == duration)
    }
}
