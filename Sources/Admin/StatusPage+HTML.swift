import Events

extension StatusPage {
    /// The page as one self-contained document: inline style, no script, no external asset, every dynamic string
    /// escaped; it reloads itself every ``refreshSeconds`` through `<meta http-equiv="refresh">`.
    package var html: String {
        var page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        if refreshSeconds > 0 { page += "<meta http-equiv=\"refresh\" content=\"\(refreshSeconds)\">\n" }
        page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        let title = (["retryd status"] + problems).joined(separator: " · ")
        page += "<title>\(PageText.escape(title))</title>\n<style>\(Self.style)</style>\n</head>\n<body>\n"
        page += header
        page += "<main>\n"
        page += upstreamSection
        page += "<div class=\"pair\">\n\(reasonSection)\(breakerSection)</div>\n"
        page += quotaSection
        page += giveUpSection
        page += "</main>\n</body>\n</html>\n"
        return page
    }

    /// The response `/` sends.
    package var response: AdminResponse {
        AdminResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(html.utf8))
    }

    /// What needs a look, for the title (a background tab shows it) and the header: open breakers, closed gates,
    /// spent budgets.
    var problems: [String] {
        func count(_ number: Int, _ what: String) -> [String] {
            number == 0 ? [] : ["\(number) \(what)"]
        }
        let breakers = upstreams.filter { $0.breaker?.state == "open" }.count
        let gates = upstreams.reduce(0) { $0 + $1.quota.filter { $0.gate == "closed" }.count }
        let budgets = upstreams.filter { $0.budget?.left == 0 }.count
        return count(breakers, breakers == 1 ? "breaker open" : "breakers open")
            + count(gates, gates == 1 ? "gate closed" : "gates closed")
            + count(budgets, budgets == 1 ? "retry budget spent" : "retry budgets spent")
    }

    private var header: String {
        var readiness =
            ready ? "<span class=\"chip good\">ready</span>" : "<span class=\"chip bad\">not ready</span>"
        for problem in problems { readiness += "<span class=\"chip bad\">\(PageText.escape(problem))</span>" }
        var meta = "version \(PageText.escape(version)) · up \(PageText.span(uptimeSeconds))"
        meta += " · \(PageText.clock(now, now: now)) UTC"
        meta += refreshSeconds > 0 ? " · reloads every \(refreshSeconds)s" : " · not reloading"
        if let shared {
            let state = shared.connected ? "chip good\">connected" : "chip bad\">unreachable"
            meta += " · shared state \(PageText.escape(shared.redis)) as \(PageText.escape(shared.instance))"
            meta += " <span class=\"\(state)</span>"
        }
        return """
            <header><h1>retryd</h1>\(readiness)<span class="meta">\(meta)</span>
            <nav><a href="/metrics">/metrics</a><a href="/status">/status</a><a href="/giveups">/giveups</a></nav>\
            </header>

            """
    }

    private var upstreamSection: String {
        let window = "Rates and latency over the last \(PageText.span(windowSeconds)); counts since start."
        var rows = ""
        for upstream in upstreams {
            let rate = upstream.requestsPerSecond.map(PageText.rate) ?? "–"
            let giveUps = upstream.giveUpTotal
            rows += "<tr><td><b>\(PageText.escape(upstream.name))</b>"
            rows += "<div class=\"sub\">\(PageText.escape(upstream.url))</div></td>"
            rows += Self.number(PageText.count(upstream.inFlight)) + Self.number(rate)
            rows += Self.number(PageText.count(upstream.requests)) + Self.number(PageText.count(upstream.retries))
            let total = PageText.count(giveUps)
            rows += Self.number(giveUps > 0 ? "<span class=\"alert\">\(total)</span>" : total)
            rows += Self.number(upstream.latencyP50.map(PageText.latency) ?? "–")
            rows += Self.number(upstream.latencyP99.map(PageText.latency) ?? "–")
            rows += "<td>\(breakerCell(upstream.breaker, refusals: upstream.breakerRefusals))</td>"
            rows += "<td>\(Self.budgetCell(upstream.budget))</td></tr>\n"
        }
        return """
            <section><h2>Upstreams</h2><p class="note">\(window)</p>
            <table><thead><tr><th>Upstream</th><th class="num">In flight</th><th class="num">Req/s</th>\
            <th class="num">Requests</th><th class="num">Retries</th><th class="num">Give-ups</th>\
            <th class="num">p50</th><th class="num">p99</th><th>Breaker</th><th>Retry budget left</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></section>

            """
    }

    private func breakerCell(_ breaker: HealthStatus.Breaker?, refusals: Int) -> String {
        guard let breaker else { return "<span class=\"chip idle\">off</span>" }
        var cell = Self.chip(breaker.state, tone: Self.tone(breaker: breaker.state))
        var detail = "\(breaker.failures) of \(breaker.outcomes) failed"
        if let retryAfter = breaker.retryAfter { detail = "trials in \(retryAfter)s · " + detail }
        if refusals > 0 { detail += " · \(PageText.count(refusals)) refused" }
        cell += "<div class=\"sub\">\(detail) · since \(PageText.clock(iso8601: breaker.since, now: now))</div>"
        return cell
    }

    private static func budgetCell(_ budget: HealthStatus.Budget?) -> String {
        guard let budget else { return "<span class=\"chip idle\">off</span>" }
        let tone = budget.left == 0 ? "bad" : "good"
        let allowed = PageText.count(budget.left + budget.spent)
        return "<span class=\"chip \(tone)\">\(PageText.count(budget.left)) of \(allowed)</span>"
            + "<div class=\"sub\">per \(PageText.escape(budget.window))</div>"
    }

    private var reasonSection: String {
        var rows = ""
        for upstream in upstreams {
            for reason in upstream.giveUps {
                rows += "<tr><td>\(PageText.escape(upstream.name))</td>"
                rows += "<td><code>\(PageText.escape(reason.reason))</code></td>"
                rows += "\(Self.number(PageText.count(reason.count)))</tr>\n"
            }
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"3\" class=\"empty\">no give-ups since start</td></tr>\n" }
        return """
            <section><h2>Give-ups by reason</h2><table><thead><tr><th>Upstream</th><th>Reason</th>\
            <th class="num">Count</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></section>

            """
    }

    private var breakerSection: String {
        var rows = ""
        for upstream in upstreams {
            for transition in upstream.transitions {
                rows += "<tr><td>\(PageText.escape(upstream.name))</td>"
                rows += "<td>\(PageText.clock(transition.time, now: now))</td>"
                rows += "<td>\(Self.chip(transition.state, tone: Self.tone(breaker: transition.state)))</td>"
                rows += "<td>\(PageText.escape(transition.detail))</td></tr>\n"
            }
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"4\" class=\"empty\">no transitions since start</td></tr>\n" }
        return """
            <section><h2>Breaker transitions</h2><table><thead><tr><th>Upstream</th><th>Time (UTC)</th>\
            <th>Entered</th><th>Why</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></section>

            """
    }

    /// A number cell.
    static func number(_ text: String) -> String {
        "<td class=\"num\">\(text)</td>"
    }

    /// A colored state label; `state` is escaped.
    static func chip(_ state: String, tone: String) -> String {
        "<span class=\"chip \(tone)\">\(PageText.escape(state.replacing("_", with: "-")))</span>"
    }

    /// Green closed, amber half-open, red open.
    static func tone(breaker state: String) -> String {
        switch state {
        case "closed": "good"
        case "half_open": "warn"
        case "open": "bad"
        default: "idle"
        }
    }
}
