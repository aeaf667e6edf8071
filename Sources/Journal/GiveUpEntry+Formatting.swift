import Retry

extension GiveUpEntry {
    /// The body bytes the table shows; the JSON carries the whole stored prefix.
    package static let tableBodyBytes = 40
    /// The characters of one attempt's outcome the table shows: libcurl's messages run to 80 and more.
    package static let tableOutcomeCharacters = 40

    /// One JSON object with every field, snake_case keys, times in RFC 3339 UTC: a line of `retryd giveups --json`
    /// and of `GET /giveups`.
    package var jsonLine: String {
        func string(_ text: String?) -> String { text.map(TextEscaping.jsonString) ?? "null" }
        func number(_ value: Double?) -> String { value.map { Self.decimal($0) } ?? "null" }
        func objects(_ attempts: [Attempt]) -> String {
            attempts.map { "{\"outcome\":\(string($0.outcome)),\"waited_after\":\(number($0.waitedAfter))}" }
                .joined(separator: ",")
        }
        let idObjects = requestIDs.map { "{\"name\":\(string($0.name)),\"value\":\(string($0.value))}" }
        let members = [
            "\"id\":\(id)",
            "\"time\":\(string(WallTime(epochSeconds: time).iso8601))",
            "\"upstream\":\(string(upstream))",
            "\"method\":\(string(method))",
            "\"path\":\(string(path))",
            "\"final_status\":\(finalStatus.map(String.init) ?? "null")",
            "\"reason\":\(string(reason))",
            "\"reason_code\":\(string(reasonCode))",
            "\"attempts\":[\(objects(attempts))]",
            "\"probes\":[\(objects(probes))]",
            "\"verified\":\(string(verdict))",
            "\"request_key\":\(string(requestKey))",
            "\"request_ids\":[\(idObjects.joined(separator: ","))]",
            "\"body_prefix\":\(string(String(decoding: bodyPrefix, as: UTF8.self)))",
            "\"idempotency_key\":\(string(idempotencyKey))",
            "\"delivery\":\(string(delivery.rawValue))",
            "\"delivery_attempts\":\(deliveryAttempts)",
            "\"next_attempt_at\":\(string(nextAttemptAt.map { WallTime(epochSeconds: $0).iso8601 }))",
            "\"delivery_error\":\(string(deliveryError))",
        ]
        return "{" + members.joined(separator: ",") + "}"
    }

    /// The table's cells, in ``GiveUpEntry/tableTitles`` order; untrusted text is escaped, never raw newlines.
    package var tableCells: [String] {
        var history = attempts.map { attempt in
            let outcome =
                attempt.outcome.count > Self.tableOutcomeCharacters
                ? attempt.outcome.prefix(Self.tableOutcomeCharacters) + "…" : attempt.outcome
            return attempt.waitedAfter.map { "\(outcome) wait \(Self.compact($0))" } ?? outcome
        }
        // Probes go with the attempts they judged: "504 wait 2s, probe 200: applied (QUEUED)".
        if !probes.isEmpty {
            let verdictText = verdict.map { ": \($0)" } ?? ""
            history.append("probe " + probes.map(\.outcome).joined(separator: ", probe ") + verdictText)
        }
        let body = String(decoding: bodyPrefix.prefix(Self.tableBodyBytes), as: UTF8.self)
        let more = bodyPrefix.count > Self.tableBodyBytes ? "…" : ""
        return [
            WallTime(epochSeconds: time).iso8601,
            TextEscaping.inlineText(upstream),
            TextEscaping.inlineText("\(method) \(path)"),
            (finalStatus.map(String.init) ?? "-") + " " + reason,
            history.isEmpty ? "-" : TextEscaping.inlineText(history.joined(separator: ", ")),
            requestIDs.isEmpty
                ? "-" : TextEscaping.inlineText(requestIDs.map { "\($0.name)=\($0.value)" }.joined(separator: " ")),
            bodyPrefix.isEmpty ? "-" : TextEscaping.quotedLogValue(body) + more,
            delivery == .none
                ? "-" : delivery == .summarized ? "summarized" : "\(delivery.rawValue) (\(deliveryAttempts))",
        ]
    }

    /// The table's column titles.
    package static let tableTitles = [
        "TIME (UTC)", "UPSTREAM", "REQUEST", "RESULT", "ATTEMPTS", "REQUEST IDS", "BODY", "WEBHOOK",
    ]

    /// The readable table of `retryd giveups`: titles, then one line per give-up or refusal (no attempts), columns
    /// padded to their widest.
    package static func table(_ entries: [GiveUpEntry]) -> String {
        guard !entries.isEmpty else { return "no give-ups recorded\n" }
        return TextTable.render([tableTitles] + entries.map(\.tableCells))
    }

    private static func compact(_ seconds: Double) -> String {
        Duration.nanoseconds(Int64((seconds * 1e9).rounded())).compactDescription
    }

    /// Seconds with at most millisecond digits and no exponent: `0.25`, `3`.
    private static func decimal(_ value: Double) -> String {
        Duration.nanoseconds(Int64((value * 1e9).rounded())).secondsDecimal
    }
}
