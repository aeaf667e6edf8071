import Events
import Retry
import Testing

@testable import Admin

/// The status page rendered from a known state, without sockets.
@Suite("StatusPage")
struct StatusPageTests {
    /// 2026-11-23T11:27:13Z.
    static let now = 1_795_433_233.0

    static func page(
        upstreams: [StatusPage.Upstream] = [StatusPage.Upstream(name: "api")],
        giveUps: StatusPage.RecentGiveUps = .rows([]), refresh: Int = StatusPage.defaultRefresh
    ) -> String {
        StatusPage(
            version: "1.2.3", uptimeSeconds: 3_725, ready: true, now: now, refreshSeconds: refresh, windowSeconds: 30,
            upstreams: upstreams, recentGiveUps: giveUps
        ).html
    }

    static func giveUp(_ index: Int, upstream: String = "api", requestID: String? = nil) -> StatusPage.GiveUp {
        StatusPage.GiveUp(
            time: now - Double(index), upstream: upstream, method: "POST", path: "/v1/jobs/\(index)", status: 503,
            reason: "attempts_exhausted", attempts: 3,
            requestIDs: [(name: "X-Request-Id", value: requestID ?? "req-\(index)")])
    }

    /// The number of table rows in the section titled `title`.
    static func rows(in html: String, section title: String) -> Int {
        guard let start = html.firstRange(of: "<h2>\(title)</h2>") else { return -1 }
        let section = html[start.upperBound...]
        let end = section.firstRange(of: "</section>")?.lowerBound ?? section.endIndex
        // Less the header row.
        return section[..<end].ranges(of: "<tr>").count - 1
    }

    @Test("a self-contained document that reloads itself, links the other endpoints and says what it covers")
    func document() {
        let html = Self.page()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        for link in ["/metrics", "/status", "/giveups"] { #expect(html.contains("<a href=\"\(link)\">")) }
        #expect(html.contains("version 1.2.3 · up 1h 2m · 11:27:13 UTC"))
        #expect(html.contains("over the last 30s"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!Self.page(refresh: 0).contains("http-equiv"))
        #expect(Self.page(refresh: 30).contains("content=\"30\""))
    }

    @Test("?refresh= sets the reload interval within 0...3600; anything else keeps the default")
    func refreshQuery() {
        #expect(StatusPage.refreshSeconds(query: "") == 5)
        #expect(StatusPage.refreshSeconds(query: "refresh=15") == 15)
        #expect(StatusPage.refreshSeconds(query: "x=1&refresh=0") == 0)
        #expect(StatusPage.refreshSeconds(query: "refresh=-1") == 5)
        #expect(StatusPage.refreshSeconds(query: "refresh=3601") == 5)
        #expect(StatusPage.refreshSeconds(query: "refresh=abc") == 5)
    }

    @Test("one row per upstream with its rate, counts, quantiles, breaker and budget")
    func upstreamRows() {
        let encoding = StatusPage.Upstream(
            name: "encoding", url: "https://api.vendor.example/v2", inFlight: 3, requestsPerSecond: 12.345,
            requests: 12_345, retries: 67,
            giveUps: [.init(reason: "attempts_exhausted", count: 4), .init(reason: "budget_exhausted", count: 1)],
            latencyP50: 0.0375, latencyP99: 1.25,
            breaker: .init(
                state: "open", since: "2026-11-23T11:27:03.000Z", retryAfter: 20, failureRatio: 0.8, outcomes: 10,
                failures: 8),
            breakerRefusals: 7,
            transitions: [.init(time: Self.now - 10, state: "open", detail: "8 of 10 failed, open for 30s")],
            budget: .init(spent: 30, left: 0, window: "10s"))
        let assets = StatusPage.Upstream(name: "assets", url: "https://assets.example")
        let html = Self.page(upstreams: [encoding, assets])
        #expect(Self.rows(in: html, section: "Upstreams") == 2)
        for cell in [
            "<b>encoding</b>", "https://api.vendor.example/v2", "<td class=\"num\">3</td>",
            "<td class=\"num\">12.3</td>",
            "<td class=\"num\">12,345</td>", "<td class=\"num\">67</td>", "<span class=\"alert\">5</span>",
            "<td class=\"num\">37ms</td>", "<td class=\"num\">1.3s</td>", "<span class=\"chip bad\">open</span>",
            "trials in 20s · 8 of 10 failed · 7 refused · since 11:27:03 (10s ago)",
            "<span class=\"chip bad\">0 of 30</span>", "per 10s",
        ] {
            #expect(html.contains(cell), "\(cell)")
        }
        // The idle upstream: no rate yet, no give-ups, no quantiles, breaker and budget off.
        #expect(html.contains("<b>assets</b>"))
        #expect(html.contains("<td class=\"num\">–</td><td class=\"num\">0</td><td class=\"num\">0</td>"))
        #expect(html.contains("<span class=\"chip idle\">off</span>"))
        #expect(Self.rows(in: html, section: "Give-ups by reason") == 2)
        #expect(html.contains("<td>encoding</td><td><code>attempts_exhausted</code></td><td class=\"num\">4</td>"))
        #expect(Self.rows(in: html, section: "Breaker transitions") == 1)
        // What needs a look is in the title, for a background tab, and beside the readiness.
        #expect(html.contains("<title>retryd status · 1 breaker open · 1 retry budget spent</title>"))
        #expect(html.contains("<span class=\"chip bad\">1 breaker open</span>"))
        #expect(Self.page().contains("<title>retryd status</title>"))
        #expect(html.contains("<td>11:27:03</td><td><span class=\"chip bad\">open</span></td>"))
    }

    @Test("breaker and gate states have their colors")
    func stateColors() {
        let states = ["closed": "good", "half_open": "warn", "open": "bad"]
        for (state, tone) in states {
            let upstream = StatusPage.Upstream(
                name: "api",
                breaker: .init(
                    state: state, since: "2026-11-23T11:00:00.000Z", failureRatio: 0, outcomes: 0, failures: 0))
            let label = state.replacing("_", with: "-")
            #expect(Self.page(upstreams: [upstream]).contains("<span class=\"chip \(tone)\">\(label)</span>"))
        }
        let closed = BucketStatus(
            bucket: "default", gate: "closed", closedUntil: "2026-11-23T11:27:55.000Z",
            closedBy: "429 with Retry-After",
            waiting: 4, inFlight: 0, pace: "on")
        let html = Self.page(upstreams: [StatusPage.Upstream(name: "api", quota: [closed])])
        #expect(html.contains("<span class=\"chip bad\">closed</span>"))
        #expect(html.contains("until 11:27:55 (in 42s) · 429 with Retry-After"))
        #expect(html.contains("<title>retryd status · 1 gate closed</title>"))
    }

    @Test("the quota window: limit, remaining, reset, pace and who waits")
    func quota() {
        let bucket = BucketStatus(
            bucket: "default", gate: "open", quotaLeft: 80, windowEnds: "2026-11-23T11:27:53.000Z", windowLimit: 100,
            waiting: 2, inFlight: 1, pace: "on")
        let learning = BucketStatus(bucket: "uploads", gate: "trial", waiting: 0, inFlight: 1, pace: "no_headers")
        let html = Self.page(upstreams: [StatusPage.Upstream(name: "api", quota: [bucket, learning])])
        #expect(Self.rows(in: html, section: "Quota windows") == 2)
        #expect(
            html.contains(
                "<td>api</td><td>default</td><td><span class=\"chip good\">open</span></td><td class=\"num\">100</td>"
                    + "<td class=\"num\">80</td><td>11:27:53 (in 40s)</td>"
                    + "<td>on<div class=\"sub\">≤ 2 req/s</div></td>"
                    + "<td class=\"num\">2</td><td class=\"num\">1</td>"))
        #expect(html.contains("<span class=\"chip warn\">trial</span>"))
        #expect(html.contains("<td>no quota headers</td>"))
    }

    @Test("the last 20 give-ups with their request ids, newest first")
    func lastTwentyGiveUps() {
        let html = Self.page(giveUps: .rows((0..<25).map { Self.giveUp($0) }))
        #expect(Self.rows(in: html, section: "Last 20 give-ups") == 20)
        #expect(html.contains("<code>X-Request-Id: req-0</code>"))
        #expect(html.contains("<code>X-Request-Id: req-19</code>"))
        #expect(!html.contains("req-20"))
        #expect(html.contains("title=\"POST /v1/jobs/0\">POST /v1/jobs/0</td><td class=\"num\">503</td>"))
        let first = html.firstRange(of: "req-0<")?.lowerBound
        let later = html.firstRange(of: "req-1<")?.lowerBound
        #expect(first != nil && later != nil && first! < later!)
    }

    @Test("without a journal, or with an unreadable one, the list says why")
    func giveUpsMissing() {
        #expect(Self.page(giveUps: .noJournal).contains("no journal (no state_dir)"))
        #expect(Self.page(giveUps: .unreadable("disk <gone>")).contains("could not be read: disk &lt;gone&gt;"))
        #expect(Self.page(giveUps: .rows([])).contains("no give-ups in the journal"))
    }

    @Test("every dynamic string is escaped: upstream names, URLs, reasons, request ids, paths, states")
    func escaping() {
        let hostile = "<script>alert('x')</script>&\""
        let upstream = StatusPage.Upstream(
            name: hostile, url: hostile, giveUps: [.init(reason: hostile, count: 1)],
            breaker: .init(state: hostile, since: hostile, failureRatio: 0, outcomes: 0, failures: 0),
            transitions: [.init(time: Self.now, state: hostile, detail: hostile)],
            budget: .init(spent: 0, left: 1, window: hostile),
            quota: [
                BucketStatus(
                    bucket: hostile, gate: hostile, closedUntil: hostile, closedBy: hostile, windowEnds: hostile,
                    waiting: 0, inFlight: 0, pace: hostile)
            ])
        var giveUp = Self.giveUp(1, upstream: hostile, requestID: hostile)
        giveUp.method = hostile
        giveUp.path = hostile
        giveUp.reason = hostile
        giveUp.requestIDs.append((name: hostile, value: hostile))
        let page = StatusPage(
            version: hostile, uptimeSeconds: 0, ready: false, now: Self.now, windowSeconds: 0, upstreams: [upstream],
            shared: SharedStatus(redis: hostile, instance: hostile, connected: false), recentGiveUps: .rows([giveUp]))
        let html = page.html
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("alert('x')"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
        #expect(html.contains("<span class=\"chip bad\">not ready</span>"))
        #expect(html.contains("<span class=\"chip bad\">unreachable</span>"))
    }

    @Test("the response is UTF-8 HTML that no cache keeps")
    func response() {
        let response = StatusPage(version: "x", uptimeSeconds: 0, ready: true, now: 0, windowSeconds: 0, upstreams: [])
            .response
        #expect(response.status == 200)
        #expect(response.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
        #expect(response.headers.first(name: "Cache-Control") == "no-store")
    }
}
