extension GiveUpReport {
    /// `time` in RFC 3339 UTC with milliseconds, e.g. `2026-11-23T11:27:13.123Z`.
    package var utcTimestamp: String {
        WallTime(epochSeconds: time).iso8601
    }

    /// One human-readable logfmt line; the body prefix and any untrusted text are escaped, never raw newlines.
    package var logMessage: String {
        let history = attempts.map { attempt in
            attempt.waitedAfter.map { "\(attempt.outcome) wait \($0.compactDescription)" } ?? attempt.outcome
        }
        let ids = requestIDs.map { "\($0.name)=\($0.value)" }
        let probeHistory = probes.map { probe in
            probe.waitedAfter.map { "\(probe.outcome) wait \($0.compactDescription)" } ?? probe.outcome
        }
        let fields: [(String, String)] = [
            ("upstream", TextEscaping.logValue(upstream)),
            ("method", TextEscaping.logValue(method)),
            ("path", TextEscaping.logValue(path)),
            ("status", finalStatus.map(String.init) ?? "-"),
            ("reason", TextEscaping.logValue(reason.description)),
            ("attempts", String(attempts.count)),
            ("history", TextEscaping.logValue(history.joined(separator: ", "))),
            ("ids", TextEscaping.logValue(ids.joined(separator: " "))),
        ]
        var optional: [(String, String)] = []
        if let idempotencyKey { optional.append(("key", TextEscaping.logValue(idempotencyKey))) }
        if !probes.isEmpty { optional.append(("probes", TextEscaping.logValue(probeHistory.joined(separator: ", ")))) }
        if let verdict { optional.append(("verified", TextEscaping.logValue(verdict))) }
        let trailing: [(String, String)] = [
            ("time", utcTimestamp),
            (
                "body",
                TextEscaping.quotedLogValue(String(decoding: bodyPrefix.prefix(Self.bodyPrefixLimit), as: UTF8.self))
            ),
        ]
        return "retry gave up " + (fields + optional + trailing).map { "\($0.0)=\($0.1)" }.joined(separator: " ")
    }

    /// One UTF-8 JSON object with the same fields, for a webhook; the body prefix is a (lossily decoded) string.
    package var jsonBytes: [UInt8] {
        func objects(_ attempts: [Attempt]) -> String {
            attempts.map { attempt in
                "{\"outcome\":\(TextEscaping.jsonString(attempt.outcome)),"
                    + "\"waitedAfter\":\(attempt.waitedAfter?.secondsDecimal ?? "null")}"
            }.joined(separator: ",")
        }
        let idObjects = requestIDs.map {
            "{\"name\":\(TextEscaping.jsonString($0.name)),\"value\":\(TextEscaping.jsonString($0.value))}"
        }
        let members = [
            "\"upstream\":\(TextEscaping.jsonString(upstream))",
            "\"method\":\(TextEscaping.jsonString(method))",
            "\"path\":\(TextEscaping.jsonString(path))",
            "\"finalStatus\":\(finalStatus.map(String.init) ?? "null")",
            "\"reason\":\(TextEscaping.jsonString(reason.description))",
            "\"reasonCode\":\(TextEscaping.jsonString(reason.code))",
            "\"attempts\":[\(objects(attempts))]",
            "\"probes\":[\(objects(probes))]",
            "\"verified\":\(verdict.map(TextEscaping.jsonString) ?? "null")",
            "\"idempotencyKey\":\(idempotencyKey.map(TextEscaping.jsonString) ?? "null")",
            "\"requestIDs\":[\(idObjects.joined(separator: ","))]",
            "\"time\":\(TextEscaping.jsonString(utcTimestamp))",
            "\"bodyPrefix\":"
                + TextEscaping.jsonString(String(decoding: bodyPrefix.prefix(Self.bodyPrefixLimit), as: UTF8.self)),
        ]
        return Array(("{" + members.joined(separator: ",") + "}").utf8)
    }
}
