import Events
import Foundation
import Retry
import Testing

/// What a webhook event says about refused requests instead of one event each.
@Suite struct RefusalTallyTests {
    static func report(
        _ reason: GiveUpReason, method: String = "POST", path: String = "/v1/encodings", time: Double,
        upstream: String = "encoding"
    ) -> GiveUpReport {
        GiveUpReport(
            upstream: upstream, method: method, path: path, attempts: [], reason: reason, time: time, finalStatus: 503)
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test("refusals are counted per method and path, in the order first seen, with the first and last time")
    func countsPerMethodAndPath() {
        var tally = RefusalTally()
        #expect(tally.isEmpty)
        tally.add(method: "POST", path: "/v1/encodings", time: 10)
        tally.add(method: "GET", path: "/v1/encodings", time: 11)
        tally.add(method: "POST", path: "/v1/encodings", time: 12)
        #expect(tally.total == 3 && tally.first == 10 && tally.last == 12)
        #expect(
            tally.entries == [
                .init(method: "POST", path: "/v1/encodings", count: 2, first: 10, last: 12),
                .init(method: "GET", path: "/v1/encodings", count: 1, first: 11, last: 11),
            ])
    }

    @Test("past the most pairs listed, new paths are only counted: ids in paths cannot grow the event")
    func boundedEntries() {
        var tally = RefusalTally()
        for index in 0..<(RefusalTally.maxEntries + 7) { tally.add(method: "GET", path: "/v1/jobs/\(index)", time: 1) }
        tally.add(method: "GET", path: "/v1/jobs/0", time: 2)
        #expect(tally.entries.count == RefusalTally.maxEntries)
        #expect(tally.others == 7)
        #expect(tally.total == RefusalTally.maxEntries + 8)
        #expect(tally.entries.first?.count == 2, "a listed pair still counts")
        #expect(tally.jsonMembers.last == #""refusedOther":7"#)
    }

    @Test("the members are JSON, with times in UTC and untrusted paths escaped")
    func jsonMembers() throws {
        var tally = RefusalTally()
        tally.add(method: "POST", path: "/v1/\"quoted\"", time: 1_800_000_000.5)
        let object = try Self.object(Array(("{" + tally.jsonMembers.joined(separator: ",") + "}").utf8))
        #expect(object["refused"] as? Int == 1)
        #expect(object["refusedOther"] == nil)
        let entries = try #require(object["refusedRequests"] as? [[String: Any]])
        #expect(entries.first?["path"] as? String == "/v1/\"quoted\"")
        #expect(entries.first?["count"] as? Int == 1)
        #expect(entries.first?["first"] as? String == "2027-01-15T08:00:00.500Z")
    }

    @Test("a breaker's closing event says what it refused; without refusals it says none")
    func breakerClosedCarriesTheTally() throws {
        var tally = RefusalTally()
        tally.add(Self.report(.breakerOpen, time: 1_800_000_000))
        let body = try #require(
            HealthEvent.breakerClosed(trials: 3).webhookBody(upstream: "encoding", time: 0, refused: tally))
        let object = try Self.object(body)
        #expect(object["event"] as? String == "breaker_closed" && object["trialRequests"] as? Int == 3)
        #expect(object["refused"] as? Int == 1)
        #expect((object["refusedRequests"] as? [[String: Any]])?.first?["method"] as? String == "POST")
        let none = try Self.object(
            try #require(HealthEvent.breakerClosed(trials: 3).webhookBody(upstream: "e", time: 0)))
        #expect(none["refused"] as? Int == 0 && (none["refusedRequests"] as? [Any])?.isEmpty == true)
        let opened = HealthEvent.breakerOpened(failures: 5, outcomes: 10, openFor: .seconds(5))
        #expect(try Self.object(try #require(opened.webhookBody(upstream: "e", time: 0)))["refused"] == nil)
    }
}
