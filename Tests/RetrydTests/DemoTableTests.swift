import Testing

@testable import retryd

/// How rows read in the table, from fixed rows (no sockets, no clock).
@Suite struct DemoTableTests {
    private static func row(
        method: String = "GET", request: String = "GET /v1/jobs/42", answers: [String] = ["503", "503", "200"],
        announced: [String?]? = nil, waits: [Duration] = [.milliseconds(150), .milliseconds(320)],
        reasons: [String] = ["503", "503"], giveUp: String? = nil, note: String? = nil,
        status: Int? = 200, attempts: Int? = 3
    ) -> DemoRow {
        DemoRow(
            method: method, request: request, vendorAnswers: answers,
            announcedWaits: announced ?? answers.map { _ in nil }, waits: waits, retryReasons: reasons,
            giveUpReason: giveUp, note: note, clientStatus: status, clientAttempts: attempts, clientError: nil)
    }

    @Test func backoffRowListsWaitsWithTheReasonOnce() {
        let row = Self.row()
        #expect(row.answeredText == "503 → 503 → 200")
        #expect(row.waitedText == "0.15s, 0.32s (503)")
        #expect(row.clientText == "200 after 3 attempts")
    }

    @Test func rateLimitRowNamesTheAnnouncingHeader() {
        let row = Self.row(
            request: "GET /v1/quota", answers: ["429", "200"], announced: ["RateLimit-Reset: 1", nil],
            waits: [.milliseconds(1004)], reasons: ["429"], attempts: 2)
        #expect(row.waitedText == "1.00s (429, RateLimit-Reset: 1)")
        #expect(row.clientText == "200 after 2 attempts")
    }

    @Test func unsafePostSaysWhyItWasNotRetried() {
        let row = Self.row(
            method: "POST", request: "POST /v1/encodings", answers: ["504"], waits: [], reasons: [],
            giveUp: "not safe to retry", status: 504, attempts: 1)
        #expect(row.waitedText == "not retried: POST may have taken effect")
        #expect(row.clientText == "504 after 1 attempt")
    }

    @Test func noteAndGiveUpFollowTheReasons() {
        let row = Self.row(
            answers: ["503", "503"], waits: [.milliseconds(200)], reasons: ["503"], giveUp: "deadline exceeded",
            note: "task rule", status: 503, attempts: 2)
        #expect(row.waitedText == "0.20s (503; task rule; then gave up: deadline exceeded)")
    }

    @Test func clientWithoutResponseShowsTheError() {
        var row = Self.row(answers: [], waits: [], reasons: [], status: nil, attempts: nil)
        row.clientError = "connect to 127.0.0.1:1: Connection refused"
        #expect(row.answeredText == "(nothing reached the vendor)")
        #expect(row.clientText == "no response: connect to 127.0.0.1:1: Connection refused")
    }

    @Test func columnsAlignAcrossRows() {
        let rows = [
            Self.row(),
            Self.row(
                request: "GET /v1/projects/p1/cloud-transcoder/tasks/t9", answers: ["404", "200"],
                waits: [.milliseconds(300)], reasons: ["404"], attempts: 2),
        ]
        let lines = DemoTable.render(rows).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // Every column starts at the same offset on every line: where the title row's columns start.
        let starts = DemoTable.titles.dropFirst().map { title in
            lines[0].distance(from: lines[0].startIndex, to: lines[0].range(of: title)!.lowerBound)
        }
        for line in lines.dropFirst(2) {
            for start in starts {
                let index = line.index(line.startIndex, offsetBy: start)
                #expect(line[line.index(before: index)] == " ")
                #expect(line[index] != " ")
            }
        }
    }

    @Test func secondsRoundToHundredths() {
        #expect(DemoRow.seconds(.milliseconds(1004)) == "1.00s")
        #expect(DemoRow.seconds(.milliseconds(96)) == "0.10s")
        #expect(DemoRow.seconds(.milliseconds(12_345)) == "12.35s")
    }
}
