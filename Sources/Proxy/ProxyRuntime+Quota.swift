import Admission
import Events
import Retry

extension ProxyRuntime {
    /// Every upstream's quota buckets, by upstream name; read on the loop thread.
    package var bucketStatuses: [String: [BucketStatus]] {
        services.mapValues { service in service.quota.all.map(\.status) }
    }

    /// The shared state, when `[shared]` is configured.
    package var sharedStatus: SharedStatus? {
        guard let shared else { return nil }
        return SharedStatus(
            redis: shared.config.redis.description, instance: shared.config.instance, connected: shared.isConnected)
    }
}

extension BucketGate {
    /// What `/status` shows of this gate.
    var status: BucketStatus {
        var status = BucketStatus(bucket: name, gate: "open", waiting: waiting, inFlight: bucket.inFlight)
        switch bucket.gate {
        case .open:
            break
        case .trial:
            status.gate = "trial"
        case .closed(let until, let cause):
            status.gate = "closed"
            status.closedUntil = Self.utc(until)
            status.closedBy = "\(cause.status) with \(cause.header)" + (cause.instance.map { " at \($0)" } ?? "")
        }
        status.pace =
            switch bucket.knowledge {
            case _ where !bucket.policy.pace: "off"
            case .unknown: "learning"
            case .reported: "on"
            case .absent: "no_headers"
            }
        if let window = bucket.window {
            status.quotaLeft = window.remaining
            status.windowEnds = Self.utc(window.end)
            status.windowLimit = window.limit
        }
        return status
    }

    private static func utc(_ milliseconds: Int64) -> String {
        WallTime(epochSeconds: Double(milliseconds) / 1000).iso8601
    }
}
