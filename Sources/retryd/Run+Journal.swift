import Admin
import Config
import FoundationEssentials
import Journal
import Logging

extension Run {
    /// Starts the journal when a state_dir is configured; its counters go to `metrics` as well.
    static func startJournal(_ config: RetrydConfig, logger: Logger, metrics: RetrydMetrics) -> Journal? {
        guard let directory = config.stateDir else {
            logger.info("no state_dir: give-ups are logged and notified but not journaled")
            return nil
        }
        let series = metrics.makeJournalSeries()
        return Journal(
            directory: directory, policy: config.journal, logger: logger,
            onCount: { event, amount in series.add(JournalSeries.Name(rawValue: event.rawValue) ?? .errors, amount) })
    }

    /// Answers `/giveups` from a read-only connection of its own, as `retryd giveups` does.
    static func giveUpsResponder(directory: String) -> @Sendable (String) -> AdminResponse {
        { query in
            let parsed: GiveUpQuery
            do throws(GiveUpQueryError) {
                parsed = try GiveUpQuery.parse(queryString: query, now: Date().timeIntervalSince1970)
            } catch {
                return .error(status: 400, code: "bad_query", detail: error.message)
            }
            do {
                let entries = try JournalStore(readingIn: directory).giveUps(matching: parsed)
                let lines = entries.map { $0.jsonLine + "\n" }.joined()
                return AdminResponse(status: 200, contentType: "application/x-ndjson", body: Array(lines.utf8))
            } catch {
                return .error(status: 503, code: "journal_unreadable", detail: "\(error)")
            }
        }
    }

    /// Reads the newest give-ups for the status page from a read-only connection of its own.
    static func recentGiveUpsReader(directory: String) -> @Sendable (Int) -> StatusPage.RecentGiveUps {
        { limit in
            do {
                let entries = try JournalStore(readingIn: directory).giveUps(matching: GiveUpQuery(limit: limit))
                return .rows(entries.map(StatusPage.GiveUp.init))
            } catch {
                return .unreadable("\(error)")
            }
        }
    }
}

extension StatusPage.GiveUp {
    /// A journal row as the status page lists it.
    init(_ entry: GiveUpEntry) {
        self.init(
            time: entry.time, upstream: entry.upstream, method: entry.method, path: entry.path,
            status: entry.finalStatus, reason: entry.reasonCode, attempts: entry.attempts.count,
            requestIDs: entry.requestIDs.map { (name: $0.name, value: $0.value) })
    }
}
