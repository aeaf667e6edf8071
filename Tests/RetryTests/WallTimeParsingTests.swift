import Testing

@testable import Retry

@Suite struct WallTimeParsingTests {
    @Test(
        "what iso8601 writes reads back to the same instant",
        arguments: [(Int64(0), 0), (1_795_433_233, 123), (1_709_251_199, 9), (951_782_400, 999)])
    func roundTrips(seconds: Int64, milliseconds: Int) {
        let time = WallTime(seconds: seconds, milliseconds: milliseconds)
        #expect(WallTime(iso8601: time.iso8601) == time)
    }

    @Test("the milliseconds may be left out")
    func withoutMilliseconds() {
        #expect(WallTime(iso8601: "2026-11-23T11:27:13Z") == WallTime(seconds: 1_795_433_233, milliseconds: 0))
        #expect(WallTime(iso8601: "2026-11-23T11:27:13.500Z")?.epochSeconds == 1_795_433_233.5)
    }

    @Test(
        "anything else is nil",
        arguments: [
            "", "2026-11-23", "2026-11-23T11:27:13", "2026-11-23 11:27:13Z", "2026-11-23T11:27:13.12Z",
            "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T11:27:13Z ", "Mon, 23 Nov 2026 11:27:13 GMT",
        ])
    func rejects(text: String) {
        #expect(WallTime(iso8601: text) == nil)
    }
}
