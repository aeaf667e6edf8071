import Loop

/// One line of the tour's table: a request, what the vendor did on each attempt, retryd's waits and their reasons,
/// and what the client got.
struct DemoRow: Sendable, Equatable {
    /// The request's method.
    var method: String
    /// The request as shown: "GET /v1/jobs/42".
    var request: String
    /// The vendor's answer to each attempt, in order: "503", "reset", "200".
    var vendorAnswers: [String]
    /// The wait each answer announced ("Retry-After: 1"), aligned with `vendorAnswers`.
    var announcedWaits: [String?]
    /// The pauses between consecutive attempts, as the vendor measured them.
    var waits: [Duration]
    /// retryd's reason for each retry, from its log: "503", "429", "no response".
    var retryReasons: [String]
    /// retryd's reason for giving up, from its log: "not safe to retry".
    var giveUpReason: String?
    /// What a verify probe found, from retryd's report: "applied (QUEUED)".
    var verdict: String?
    /// A scenario note for the "why".
    var note: String?
    /// The status the client got, or nil when it got no response.
    var clientStatus: Int?
    /// retryd's `X-Retryd-Attempts` header on that response.
    var clientAttempts: Int?
    /// Why the client got no response.
    var clientError: String?
    /// For a row that stands for many requests at once, what each column says instead.
    var burst: Burst?

    /// A row for requests sent together: the columns summarize them.
    struct Burst: Sendable, Equatable {
        var answered: String
        var waited: String
        var client: String
    }

    /// "503 → 503 → 200".
    var answeredText: String {
        if let burst { return burst.answered }
        return vendorAnswers.isEmpty ? "(nothing reached the vendor)" : vendorAnswers.joined(separator: " → ")
    }

    /// "0.15s, 0.32s (503)", or "not retried: POST may have taken effect".
    var waitedText: String {
        if let burst { return burst.waited }
        var why = uniqueReasons.map(describe)
        if let verdict { why.append("probe: \(verdict)") }
        if let note { why.append(note) }
        if waits.isEmpty {
            switch giveUpReason {
            case "not safe to retry"?: return "not retried: \(method) may have taken effect"
            case let reason?: return "not retried: \(reason)"
            case nil: return why.isEmpty ? "no wait" : "no wait (\(why.joined(separator: "; ")))"
            }
        }
        if let giveUpReason { why.append("then gave up: \(giveUpReason)") }
        let text = waits.map(Self.seconds).joined(separator: ", ")
        return why.isEmpty ? text : "\(text) (\(why.joined(separator: "; ")))"
    }

    /// "200 after 3 attempts", or "no response: …" when the client got none.
    var clientText: String {
        if let burst { return burst.client }
        guard let clientStatus else { return "no response: \(clientError ?? "unknown error")" }
        guard let clientAttempts else { return String(clientStatus) }
        return "\(clientStatus) after \(clientAttempts) attempt\(clientAttempts == 1 ? "" : "s")"
    }

    private var uniqueReasons: [String] {
        retryReasons.reduce(into: []) { unique, reason in
            if !unique.contains(reason) { unique.append(reason) }
        }
    }

    /// A retry reason with the announced wait that set its length: "429, Retry-After: 1".
    private func describe(_ reason: String) -> String {
        let announced = zip(vendorAnswers, announcedWaits).first { $0.0 == reason && $0.1 != nil }?.1
        return announced.map { "\(reason), \($0)" } ?? reason
    }

    /// Seconds with two decimals: "0.15s", "1.00s".
    static func seconds(_ duration: Duration) -> String {
        duration.seconds(decimals: 2)
    }
}
