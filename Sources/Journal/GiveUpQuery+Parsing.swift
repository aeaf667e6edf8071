import Loop
import Retry

/// A `--since`, `--limit` or query-string value that does not parse; the message says what to write.
package struct GiveUpQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong and what to write instead.
    package var message: String

    /// The message.
    package var description: String { message }
}

extension GiveUpQuery {
    /// The most rows one query returns, so `/giveups` stays a small response.
    package static let maxLimit = 10_000

    /// The reason codes a query may name, refusals first: for `--reason`'s help.
    package static var reasonCodesHelp: String {
        let refusals = GiveUpReason.codes.filter { GiveUpReason.refusalCodes.contains($0) }
        let giveUps = GiveUpReason.codes.filter { !GiveUpReason.refusalCodes.contains($0) }
        return "Refusals (the breaker, the quota gate or the retry budget stopped the request): "
            + refusals.joined(separator: ", ") + ". Give-ups (its own retries stopped): "
            + giveUps.joined(separator: ", ") + "."
    }

    /// Builds a query from the command line's or the URL's values.
    /// - Parameters:
    ///   - since: How far back: `"90s"`, `"30m"`, `"1h"`, `"7d"`.
    ///   - reason: Reason codes separated by commas: `"breaker_open,gate_closed"`.
    ///   - limit: The newest rows at most, 1 to ``maxLimit``.
    ///   - now: Seconds since the epoch that `since` counts back from.
    /// - Throws: `GiveUpQueryError` naming the value.
    package static func parse(
        since: String?, upstream: String?, reason: String? = nil, limit: String?, now: Double
    ) throws(GiveUpQueryError) -> GiveUpQuery {
        var query = GiveUpQuery(upstream: upstream.flatMap { $0.isEmpty ? nil : $0 })
        if let reason, !reason.isEmpty {
            let codes = reason.split(separator: ",").map { String($0.filter { $0 != " " }) }
            // A misspelt code would show no rows, which reads as "none happened".
            if let unknown = codes.first(where: { !GiveUpReason.codes.contains($0) }) {
                throw GiveUpQueryError(
                    message:
                        "reason \"\(unknown)\" is not a reason code; write one or more of \(GiveUpReason.codes.joined(separator: ", ")), separated by commas"
                )
            }
            query.reasons = codes
        }
        if let since, !since.isEmpty {
            guard let back = lookBack(since) else {
                throw GiveUpQueryError(message: "since \"\(since)\" is not a duration; write 90s, 30m, 1h or 7d")
            }
            query.since = now - back
        }
        if let limit, !limit.isEmpty {
            guard let count = Int(limit), (1...maxLimit).contains(count) else {
                throw GiveUpQueryError(message: "limit \"\(limit)\" is not a number from 1 to \(maxLimit)")
            }
            query.limit = count
        }
        return query
    }

    /// Builds a query from a URL query string: `since=1h&upstream=encoding&reason=breaker_open&limit=20`; other keys
    /// are ignored.
    /// - Throws: `GiveUpQueryError` naming the value.
    package static func parse(queryString: String, now: Double) throws(GiveUpQueryError) -> GiveUpQuery {
        var values: [String: String] = [:]
        for pair in queryString.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let raw = parts.count == 2 ? String(parts[1]) : ""
            values[String(parts[0])] = formDecoded(raw) ?? raw
        }
        return try parse(
            since: values["since"], upstream: values["upstream"], reason: values["reason"], limit: values["limit"],
            now: now)
    }

    /// `text` with each `+` a space and each `%XX` its byte, as a form encodes a query value; nil when a `%` lacks
    /// two hex digits or the bytes are not UTF-8 (what Foundation's `removingPercentEncoding` rejects).
    package static func formDecoded(_ text: String) -> String? {
        PercentEncoding.decode(text.utf8, plusIsSpace: true).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// Seconds in a look-back duration; days are allowed, as in `retention`.
    private static func lookBack(_ text: String) -> Double? {
        if text.hasSuffix("d"), let days = Double(text.dropLast()), days >= 0, days.isFinite { return days * 86_400 }
        return Durations.parse(text).map(JournalStore.seconds)
    }
}
