import Testing

@testable import Retry

@Suite struct WallTimeTests {
    @Test(arguments: [
        (Int64(0), 0, "1970-01-01T00:00:00.000Z"),
        (1_795_433_233, 123, "2026-11-23T11:27:13.123Z"),
        (1_709_251_199, 9, "2024-02-29T23:59:59.009Z"),
        (951_782_400, 999, "2000-02-29T00:00:00.999Z"),
        (4_102_444_800, 50, "2100-01-01T00:00:00.050Z"),
    ])
    func rendersRFC3339InUTC(seconds: Int64, milliseconds: Int, expected: String) {
        #expect(WallTime(seconds: seconds, milliseconds: milliseconds).iso8601 == expected)
    }

    @Test(arguments: [
        (Int64(253_402_300_800), 7, "10000-01-01T00:00:00.007Z"),
        (-62_135_596_801, 0, "0000-12-31T23:59:59.000Z"),
    ])
    func writesYearsOutsideFourDigitsInFull(seconds: Int64, milliseconds: Int, expected: String) {
        var bytes: [UInt8] = Array("at ".utf8)
        WallTime(seconds: seconds, milliseconds: milliseconds).appendISO8601(to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == "at " + expected)
    }

    @Test("a cache renders each instant as without one, across seconds and back")
    func cachedSecondMatchesUncached() {
        var cache = ISO8601SecondCache()
        let instants: [(Int64, Int)] = [
            (1_795_433_233, 123), (1_795_433_233, 999), (1_795_433_234, 0), (1_709_251_199, 9), (1_795_433_234, 7),
        ]
        for (seconds, milliseconds) in instants {
            let time = WallTime(seconds: seconds, milliseconds: milliseconds)
            var bytes: [UInt8] = Array("at ".utf8)
            time.appendISO8601(to: &bytes, cache: &cache)
            #expect(String(decoding: bytes, as: UTF8.self) == "at " + time.iso8601)
        }
    }
}
