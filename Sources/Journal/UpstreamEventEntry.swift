import Retry

/// One upstream event as read back from the journal, for `retryd giveups --events`.
package struct UpstreamEventEntry: Sendable, Equatable {
    /// The row id.
    package var id: Int64
    /// When it happened, seconds since the epoch.
    package var time: Double
    /// The upstream's name.
    package var upstream: String
    /// `breaker_open`, `breaker_closed`, `gate_closed` or `gate_opened`.
    package var kind: String
    /// The event's JSON object.
    package var detail: String
    /// Where its webhook delivery stands (`none` for events that are not delivered).
    package var delivery: DeliveryState
    /// Delivery attempts made.
    package var deliveryAttempts: Int

    /// Creates an entry.
    package init(
        id: Int64, time: Double, upstream: String, kind: String, detail: String, delivery: DeliveryState,
        deliveryAttempts: Int
    ) {
        self.id = id
        self.time = time
        self.upstream = upstream
        self.kind = kind
        self.detail = detail
        self.delivery = delivery
        self.deliveryAttempts = deliveryAttempts
    }

    /// One JSON object per event: the stored event's own members, then the journal's.
    package var jsonLine: String {
        "{\"id\":\(id),\"time\":\(TextEscaping.jsonString(WallTime(epochSeconds: time).iso8601)),"
            + "\"upstream\":\(TextEscaping.jsonString(upstream)),\"kind\":\(TextEscaping.jsonString(kind)),"
            + "\"detail\":\(detail.isEmpty ? "null" : detail),\"delivery\":\(TextEscaping.jsonString(delivery.rawValue)),"
            + "\"delivery_attempts\":\(deliveryAttempts)}"
    }

    /// The table of `retryd giveups --events`.
    package static func table(_ entries: [UpstreamEventEntry]) -> String {
        guard !entries.isEmpty else { return "no upstream events recorded\n" }
        let titles = ["TIME (UTC)", "UPSTREAM", "EVENT", "DETAIL", "WEBHOOK"]
        let rows =
            [titles]
            + entries.map {
                [
                    WallTime(epochSeconds: $0.time).iso8601, TextEscaping.inlineText($0.upstream), $0.kind,
                    TextEscaping.inlineText($0.detail),
                    $0.delivery == .none ? "-" : "\($0.delivery.rawValue) (\($0.deliveryAttempts))",
                ]
            }
        return TextTable.render(rows)
    }
}
