import Foundation
import TestSupport
import Testing

/// The real `retryd` binary with a journal: the status page lists the give-ups its journal file holds.
@Suite("Status page process")
struct StatusPageProcessTests {
    @Test("/ lists the journal's give-ups beside the give-ups counted by reason")
    func pageReadsTheJournal() throws {
        let directory = NSTemporaryDirectory() + "retryd-page-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + ".toml"
        defer { unlink(config) }
        JournalProcessTests.writeConfig(config, stateDir: directory, webhook: nil, adminPort: 0)

        let daemon = try JournalProcessTests.Daemon(config: config)
        defer { _ = daemon.stopAndReadLog() }
        let adminPort = try JournalFailureProcessTests.adminPort(of: daemon)
        for index in 0..<3 {
            #expect(try TestClient.request(port: daemon.port, target: "/v1/jobs/\(index)").status == 502)
        }
        // The journal's writer thread commits after the clients have their answers.
        let page = poll(every: .milliseconds(20)) { () -> String? in
            let html = try? TestClient.request(port: adminPort, target: "/").bodyString
            return html.flatMap { $0.contains("GET /v1/jobs/0</td>") ? $0 : nil }
        }
        let html = try #require(page, "the page never listed the journal's give-ups")
        for index in 0..<3 { #expect(html.contains("title=\"GET /v1/jobs/\(index)\""), "\(html)") }
        #expect(!html.contains("no journal"))
        // The same three give-ups, counted by the metrics under the reason the journal recorded.
        let list = try #require(html.firstRange(of: "<h2>Last 20 give-ups</h2>").map { html[$0.upperBound...] })
        let reason = try #require(list.firstRange(of: "<td><code>").map { list[$0.upperBound...].prefix { $0 != "<" } })
        #expect(!reason.isEmpty)
        #expect(html.contains("<td>vendor</td><td><code>\(reason)</code></td><td class=\"num\">3</td>"), "\(html)")
    }
}
