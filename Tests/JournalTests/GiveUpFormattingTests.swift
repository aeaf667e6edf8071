import Foundation
import Journal
import Testing

/// What `retryd giveups` prints and `/giveups` serves, from entries built in memory.
@Suite struct GiveUpFormattingTests {
    static func entry(id: Int64 = 7, body: String = "{\"error\":\"busy\"}") -> GiveUpEntry {
        GiveUpEntry(
            id: id, time: 1_800_000_000.25, upstream: "encoding", method: "POST", path: "/v1/jobs", finalStatus: 503,
            reason: "attempts exhausted", reasonCode: "attempts_exhausted",
            attempts: [.init(outcome: "503", waitedAfter: 0.25), .init(outcome: "503", waitedAfter: nil)],
            requestIDs: [.init(name: "X-Request-Id", value: "req-7")], bodyPrefix: Array(body.utf8),
            idempotencyKey: "00ff", delivery: .pending, deliveryAttempts: 2, nextAttemptAt: 1_800_000_004,
            deliveryError: "connection refused")
    }

    @Test func theJSONLineCarriesEveryFieldAndParses() throws {
        let line = Self.entry().jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(
            Set(object.keys) == [
                "id", "time", "upstream", "method", "path", "final_status", "reason", "reason_code", "attempts",
                "request_ids", "body_prefix", "idempotency_key", "delivery", "delivery_attempts", "next_attempt_at",
                "delivery_error", "probes", "verified", "request_key",
            ])
        #expect(object["id"] as? Int == 7)
        #expect(object["time"] as? String == "2027-01-15T08:00:00.250Z")
        #expect(object["final_status"] as? Int == 503)
        let attempts = try #require(object["attempts"] as? [[String: Any]])
        #expect(attempts.first?["waited_after"] as? Double == 0.25)
        #expect(attempts.last?["waited_after"] is NSNull)
        #expect(object["request_ids"] as? [[String: String]] == [["name": "X-Request-Id", "value": "req-7"]])
        #expect(object["body_prefix"] as? String == "{\"error\":\"busy\"}")
        #expect(object["delivery"] as? String == "pending")
        #expect(object["next_attempt_at"] as? String == "2027-01-15T08:00:04.000Z")
        #expect(object["delivery_error"] as? String == "connection refused")
    }

    @Test func theTableIsAlignedWithOneLinePerGiveUp() {
        let table = GiveUpEntry.table([Self.entry(id: 2), Self.entry(id: 1, body: "line one\nline two")])
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 3, "\(table)")
        #expect(lines[0].hasPrefix("TIME (UTC)"))
        #expect(lines[1].hasPrefix("2027-01-15T08:00:00.250Z  encoding  POST /v1/jobs  503 attempts exhausted  "))
        #expect(lines[1].contains("503 wait 250ms, 503"))
        #expect(lines[1].contains("X-Request-Id=req-7"))
        #expect(lines[1].hasSuffix("pending (2)"))
        // A body's newline is escaped: one give-up is one line.
        #expect(lines[2].contains(#""line one\nline two""#))
        let bodyColumn = lines[0].range(of: "BODY")!.lowerBound.utf16Offset(in: lines[0])
        #expect(lines[1].utf16.count > bodyColumn && lines[2].utf16.count > bodyColumn)
    }

    @Test func longBodiesAreCutInTheTableOnly() {
        let entry = Self.entry(body: String(repeating: "x", count: 100))
        #expect(entry.tableCells[6] == "\"" + String(repeating: "x", count: 40) + "\"…")
        #expect(entry.jsonLine.contains(String(repeating: "x", count: 100)))
    }

    @Test func longOutcomesAreCutInTheTableOnly() {
        var entry = Self.entry()
        let message = "Failed to connect to 127.0.0.1 port 1 after 0 ms: Couldn't connect to server"
        entry.attempts = [.init(outcome: message, waitedAfter: 1.5), .init(outcome: "503", waitedAfter: nil)]
        #expect(entry.tableCells[4] == "Failed to connect to 127.0.0.1 port 1 af… wait 1.5s, 503")
        #expect(entry.jsonLine.contains(message))
    }

    @Test func anEmptyJournalSaysSo() {
        #expect(GiveUpEntry.table([]) == "no give-ups recorded\n")
    }

    @Test func queriesParseFromFlagsAndQueryStrings() throws {
        let now = 1_000_000.0
        #expect(
            try GiveUpQuery.parse(since: "1h", upstream: nil, limit: nil, now: now) == GiveUpQuery(since: now - 3600))
        #expect(
            try GiveUpQuery.parse(queryString: "since=2d&upstream=enc%20oding&limit=5&x=1", now: now)
                == GiveUpQuery(since: now - 2 * 86_400, upstream: "enc oding", limit: 5))
        #expect(try GiveUpQuery.parse(queryString: "", now: now) == GiveUpQuery())
        #expect(throws: GiveUpQueryError.self) { try GiveUpQuery.parse(queryString: "since=soon", now: now) }
        #expect(throws: GiveUpQueryError.self) { try GiveUpQuery.parse(queryString: "limit=0", now: now) }
        #expect(throws: GiveUpQueryError.self) { try GiveUpQuery.parse(queryString: "limit=abc", now: now) }
    }

    @Test func queryValuesAreFormDecoded() throws {
        #expect(GiveUpQuery.formDecoded("enc+oding%2Fv%C3%A9") == "enc oding/v\u{e9}")
        #expect(GiveUpQuery.formDecoded("%zz") == nil)
        #expect(GiveUpQuery.formDecoded("50%") == nil)
        #expect(GiveUpQuery.formDecoded("%FF") == nil)
        // An undecodable value stays as it came, '+' included, as with Foundation's removingPercentEncoding.
        #expect(try GiveUpQuery.parse(queryString: "upstream=a+b%", now: 0).upstream == "a+b%")
    }
}
