import Foundation
import Journal
import Retry
import Testing

@testable import retryd

/// `GET /giveups` as the executable answers it: from the journal file, with the query's filters.
@Suite struct GiveUpsResponderTests {
    @Test("?reason= picks out rows by reason code; a misspelt one is a 400 that names the codes")
    func reasonFilter() throws {
        let directory = NSTemporaryDirectory() + "retryd-responder-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try JournalStore(writingIn: directory)
        let now = Date().timeIntervalSince1970
        try store.write(
            [GiveUpReason.attemptsExhausted, .gateClosed, .breakerOpen].enumerated().map { index, reason in
                .giveUp(
                    GiveUpReport(
                        upstream: "encoding", method: "GET", path: "/v1/jobs/\(index)", attempts: [], reason: reason,
                        time: now, finalStatus: 503),
                    idempotencyKey: "k\(index)", webhookBody: nil, summarized: reason.isRefusal)
            }, now: now)
        let respond = Run.giveUpsResponder(directory: directory)

        let refused = respond("reason=gate_closed,breaker_open&since=1h")
        #expect(refused.status == 200)
        let rows = String(decoding: refused.body, as: UTF8.self).split(separator: "\n").map {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(rows.map { $0?["reason_code"] as? String } == ["breaker_open", "gate_closed"])
        #expect(rows.map { $0?["delivery"] as? String } == ["summarized", "summarized"])

        let misspelt = respond("reason=gate")
        #expect(misspelt.status == 400)
        #expect(String(decoding: misspelt.body, as: UTF8.self).contains("is not a reason code"))
    }
}
