import Events
import Retry

/// The status page at the admin listener's `/`: what an operator looks at first, as one HTML document.
///
/// Built from values only (the `/status` report, the figures read back from `/metrics`, the breaker history and the
/// journal's last give-ups), so tests render it from a known state; ``html`` writes it.
package struct StatusPage: Sendable, Equatable {
    /// One upstream's row and its details.
    package struct Upstream: Sendable, Equatable {
        /// The configured name.
        package var name: String
        /// Where its requests go.
        package var url: String
        /// Exchanges in progress now.
        package var inFlight: Int
        /// Client requests answered per second over the page's window; nil when the window has no length.
        package var requestsPerSecond: Double?
        /// Client requests answered since start.
        package var requests: Int
        /// Retries scheduled since start.
        package var retries: Int
        /// Give-ups since start by reason, most frequent first.
        package var giveUps: [ReasonCount]
        /// Median attempt latency over the page's window, in seconds; nil without attempts in it.
        package var latencyP50: Double?
        /// 99th percentile attempt latency over the page's window, in seconds; nil without attempts in it.
        package var latencyP99: Double?
        /// The circuit breaker now; nil when it is off.
        package var breaker: HealthStatus.Breaker?
        /// Requests the open breaker answered at once, since start.
        package var breakerRefusals: Int
        /// Its last transitions, newest first.
        package var transitions: [BreakerTransition]
        /// The retry budget now; nil when it is off.
        package var budget: HealthStatus.Budget?
        /// The quota buckets: gate, window estimate, pacing, who waits.
        package var quota: [BucketStatus]

        /// Creates an upstream's entry; everything but its name is empty or zero unless given.
        package init(
            name: String, url: String = "", inFlight: Int = 0, requestsPerSecond: Double? = nil, requests: Int = 0,
            retries: Int = 0, giveUps: [ReasonCount] = [], latencyP50: Double? = nil, latencyP99: Double? = nil,
            breaker: HealthStatus.Breaker? = nil, breakerRefusals: Int = 0, transitions: [BreakerTransition] = [],
            budget: HealthStatus.Budget? = nil, quota: [BucketStatus] = []
        ) {
            self.name = name
            self.url = url
            self.inFlight = inFlight
            self.requestsPerSecond = requestsPerSecond
            self.requests = requests
            self.retries = retries
            self.giveUps = giveUps
            self.latencyP50 = latencyP50
            self.latencyP99 = latencyP99
            self.breaker = breaker
            self.breakerRefusals = breakerRefusals
            self.transitions = transitions
            self.budget = budget
            self.quota = quota
        }

        /// Give-ups since start, all reasons together.
        package var giveUpTotal: Int { giveUps.reduce(0) { $0 + $1.count } }
    }

    /// How many give-ups had one reason: any string the metrics carry, so new reasons need no change here.
    package struct ReasonCount: Sendable, Equatable {
        /// The reason code, e.g. "attempts_exhausted".
        package var reason: String
        /// How many.
        package var count: Int

        /// Creates a count.
        package init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }

    /// One give-up from the journal.
    package struct GiveUp: Sendable, Equatable {
        /// When, seconds since the epoch.
        package var time: Double
        /// The upstream's name.
        package var upstream: String
        /// The request method.
        package var method: String
        /// The path, without its query.
        package var path: String
        /// The status the client got; nil when none was sent.
        package var status: Int?
        /// Why retrying stopped, as its code.
        package var reason: String
        /// Attempts made.
        package var attempts: Int
        /// The vendor's request ids from the last response, as header name and value.
        package var requestIDs: [(name: String, value: String)]

        /// Creates a give-up.
        package init(
            time: Double, upstream: String, method: String, path: String, status: Int?, reason: String,
            attempts: Int, requestIDs: [(name: String, value: String)]
        ) {
            self.time = time
            self.upstream = upstream
            self.method = method
            self.path = path
            self.status = status
            self.reason = reason
            self.attempts = attempts
            self.requestIDs = requestIDs
        }

        /// Field by field, request ids in order.
        package static func == (lhs: GiveUp, rhs: GiveUp) -> Bool {
            lhs.time == rhs.time && lhs.upstream == rhs.upstream && lhs.method == rhs.method && lhs.path == rhs.path
                && lhs.status == rhs.status && lhs.reason == rhs.reason && lhs.attempts == rhs.attempts
                && lhs.requestIDs.elementsEqual(rhs.requestIDs) { $0.name == $1.name && $0.value == $1.value }
        }
    }

    /// The last give-ups, or why there are none to show.
    package enum RecentGiveUps: Sendable, Equatable {
        /// No state_dir: give-ups are counted, logged and notified, but not kept.
        case noJournal
        /// The journal could not be read.
        case unreadable(String)
        /// The newest first, at most ``StatusPage/giveUpLimit``.
        case rows([GiveUp])
    }

    /// Give-ups listed at most.
    package static let giveUpLimit = 20
    /// Seconds between reloads unless `?refresh=` says otherwise.
    package static let defaultRefresh = 5

    /// retryd's version.
    package var version: String
    /// Seconds since the admin listener started.
    package var uptimeSeconds: Double
    /// What `/readyz` answers now.
    package var ready: Bool
    /// When the page was made, seconds since the epoch.
    package var now: Double
    /// Seconds between reloads; 0 for none.
    package var refreshSeconds: Int
    /// Seconds the rates and latency quantiles cover.
    package var windowSeconds: Double
    /// Every upstream in configuration order.
    package var upstreams: [Upstream]
    /// The shared state (Redis), when configured.
    package var shared: SharedStatus?
    /// The journal's last give-ups.
    package var recentGiveUps: RecentGiveUps

    /// Creates a page from its parts.
    package init(
        version: String, uptimeSeconds: Double, ready: Bool, now: Double, refreshSeconds: Int = defaultRefresh,
        windowSeconds: Double, upstreams: [Upstream], shared: SharedStatus? = nil,
        recentGiveUps: RecentGiveUps = .noJournal
    ) {
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.ready = ready
        self.now = now
        self.refreshSeconds = refreshSeconds
        self.windowSeconds = windowSeconds
        self.upstreams = upstreams
        self.shared = shared
        self.recentGiveUps = recentGiveUps
    }

    /// `?refresh=N` (0 turns reloading off, at most an hour); the default for anything else.
    package static func refreshSeconds(query: String) -> Int {
        for pair in query.split(separator: "&") where pair.hasPrefix("refresh=") {
            if let seconds = Int(pair.dropFirst("refresh=".count)), (0...3600).contains(seconds) { return seconds }
        }
        return defaultRefresh
    }
}

extension StatusPage {
    /// Builds the page from what `/status` reports and what the metrics counted.
    /// - Parameters:
    ///   - report: The `/status` document now.
    ///   - figures: Each upstream's figures now, read from `/metrics`.
    ///   - baseline: The figures the window starts from (``FigureWindow/advance(to:at:)``).
    ///   - loopNow: The loop clock now, in the baseline's nanoseconds.
    ///   - wallClock: Seconds since the epoch now.
    ///   - transitions: Each upstream's last breaker transitions, newest first.
    package init(
        report: StatusReport, figures: [String: UpstreamFigures], baseline: FigureWindow.Sample, loopNow: Int64,
        wallClock: Double, transitions: (String) -> [BreakerTransition], refreshSeconds: Int = defaultRefresh
    ) {
        let window = Double(max(loopNow - baseline.time, 0)) / 1e9
        let upstreams = report.upstreams.map { upstream in
            let name = upstream.configured.name
            let current = figures[name] ?? UpstreamFigures()
            let delta = current.since(baseline.figures[name] ?? UpstreamFigures())
            let reasons = current.giveUps.map { ReasonCount(reason: $0.key, count: Int($0.value)) }
                .filter { $0.count > 0 }
                .sorted { ($0.count, $1.reason) > ($1.count, $0.reason) }
            return Upstream(
                name: name, url: upstream.configured.url, inFlight: upstream.inFlight,
                requestsPerSecond: window > 0 ? delta.requests / window : nil, requests: Int(current.requests),
                retries: Int(current.retries), giveUps: reasons, latencyP50: delta.latencyQuantile(0.5),
                latencyP99: delta.latencyQuantile(0.99), breaker: upstream.health?.breaker,
                breakerRefusals: Int(current.breakerRefusals), transitions: transitions(name),
                budget: upstream.health?.budget, quota: upstream.quota)
        }
        self.init(
            version: report.version, uptimeSeconds: report.uptimeSeconds, ready: report.ready, now: wallClock,
            refreshSeconds: refreshSeconds, windowSeconds: window, upstreams: upstreams, shared: report.shared)
    }
}
