import Retry

/// The refusals an observer has heard and not yet reported, per upstream: the breaker's, reported in its
/// `breaker_closed` event, and the quota gate's and the retry budget's, reported in a `requests_refused` summary
/// once per interval.
///
/// The breaker has an end to report at (it closes); a gate also refuses without closing (the window's quota spent,
/// `max_in_flight`) and a budget never closes, so theirs are summed per interval. Pure: the caller owns the timer.
package struct RefusalSummaries: Sendable {
    /// One upstream's refusals for one reason, as a `requests_refused` event reports them.
    package struct Summary: Sendable, Equatable {
        /// The upstream's name.
        package var upstream: String
        /// The reason code: `gate_closed` or `budget_exhausted`.
        package var reason: String
        /// The refused requests.
        package var tally: RefusalTally

        /// The JSON object: `{"event":"requests_refused","upstream":…,"reason":…,"refused":…,"refusedRequests":[…],
        /// "first":…,"last":…,"time":…}`.
        package func webhookBody(time: Double) -> [UInt8] {
            func string(_ seconds: Double?) -> String {
                seconds.map { TextEscaping.jsonString(WallTime(epochSeconds: $0).iso8601) } ?? "null"
            }
            let members =
                [
                    "\"event\":\"requests_refused\"", "\"upstream\":\(TextEscaping.jsonString(upstream))",
                    "\"reason\":\(TextEscaping.jsonString(reason))",
                ] + tally.jsonMembers + [
                    "\"first\":\(string(tally.first))", "\"last\":\(string(tally.last))", "\"time\":\(string(time))",
                ]
            return Array(("{" + members.joined(separator: ",") + "}").utf8)
        }
    }

    private var breaker: [String: RefusalTally] = [:]
    private var pending: [Summary] = []

    /// Nothing heard yet.
    package init() {}

    /// Whether gate or budget refusals wait for the next summary.
    package var hasPendingSummaries: Bool { !pending.isEmpty }

    /// Counts `report` when it is a refusal; returns false (counting nothing) for a give-up.
    @discardableResult
    package mutating func add(_ report: GiveUpReport) -> Bool {
        guard report.reason.isRefusal else { return false }
        if report.reason == .breakerOpen {
            breaker[report.upstream, default: RefusalTally()].add(report)
            return true
        }
        let reason = report.reason.code
        if let position = pending.firstIndex(where: { $0.upstream == report.upstream && $0.reason == reason }) {
            pending[position].tally.add(report)
        } else {
            var tally = RefusalTally()
            tally.add(report)
            pending.append(Summary(upstream: report.upstream, reason: reason, tally: tally))
        }
        return true
    }

    /// What `upstream`'s breaker stopped since its last closing, for the event of this one; the tally starts anew.
    package mutating func breakerClosed(upstream: String) -> RefusalTally {
        breaker.removeValue(forKey: upstream) ?? RefusalTally()
    }

    /// The gate and budget refusals since the last summary, in the order their first was heard; they start anew.
    package mutating func takeSummaries() -> [Summary] {
        defer { pending = [] }
        return pending
    }
}
