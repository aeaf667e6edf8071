import Events
import Retry

extension StatusPage {
    /// Each quota bucket: the gate, the vendor's window as estimated (limit, left, reset), pacing and who waits.
    var quotaSection: String {
        var rows = ""
        for upstream in upstreams {
            for bucket in upstream.quota {
                rows += "<tr><td>\(PageText.escape(upstream.name))</td><td>\(PageText.escape(bucket.bucket))</td>"
                rows += "<td>\(gateCell(bucket))</td>"
                rows += Self.number(bucket.windowLimit.map(PageText.count) ?? "–")
                rows += Self.number(bucket.quotaLeft.map(PageText.count) ?? "–")
                rows += "<td>\(bucket.windowEnds.map { PageText.clock(iso8601: $0, now: now) } ?? "–")</td>"
                rows += "<td>\(paceCell(bucket))</td>"
                rows += Self.number(PageText.count(bucket.waiting)) + Self.number(PageText.count(bucket.inFlight))
                rows += "</tr>\n"
            }
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"9\" class=\"empty\">no quota buckets</td></tr>\n" }
        return """
            <section><h2>Quota windows</h2><table><thead><tr><th>Upstream</th><th>Bucket</th><th>Gate</th>\
            <th class="num">Limit</th><th class="num">Remaining</th><th>Reset (UTC)</th><th>Pace</th>\
            <th class="num">Waiting</th><th class="num">Attempts out</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></section>

            """
    }

    private func gateCell(_ bucket: BucketStatus) -> String {
        let tone =
            switch bucket.gate {
            case "open": "good"
            case "trial": "warn"
            case "closed": "bad"
            default: "idle"
            }
        var cell = Self.chip(bucket.gate, tone: tone)
        var detail: [String] = []
        if let until = bucket.closedUntil { detail.append("until \(PageText.clock(iso8601: until, now: now))") }
        if let cause = bucket.closedBy { detail.append(PageText.escape(cause)) }
        if !detail.isEmpty { cell += "<div class=\"sub\">\(detail.joined(separator: " · "))</div>" }
        return cell
    }

    /// The pacing mode, and while it paces, the rate that spreads what is left over the rest of the window.
    private func paceCell(_ bucket: BucketStatus) -> String {
        guard let pace = bucket.pace else { return "–" }
        let label = pace == "no_headers" ? "no quota headers" : pace
        var cell = PageText.escape(label)
        if pace == "on", let left = bucket.quotaLeft, let ends = bucket.windowEnds.flatMap({ WallTime(iso8601: $0) }) {
            let seconds = ends.epochSeconds - now
            if seconds > 0 { cell += "<div class=\"sub\">≤ \(PageText.rate(Double(left) / seconds)) req/s</div>" }
        }
        return cell
    }

    /// The journal's newest give-ups with the vendor's request ids.
    var giveUpSection: String {
        var rows = ""
        switch recentGiveUps {
        case .noJournal:
            rows = "<tr><td colspan=\"7\" class=\"empty\">no journal (no state_dir): give-ups are counted above "
            rows += "but not kept</td></tr>\n"
        case .unreadable(let error):
            rows = "<tr><td colspan=\"7\" class=\"empty\">the journal could not be read: \(PageText.escape(error))"
            rows += "</td></tr>\n"
        case .rows(let giveUps) where giveUps.isEmpty:
            rows = "<tr><td colspan=\"7\" class=\"empty\">no give-ups in the journal</td></tr>\n"
        case .rows(let giveUps):
            for giveUp in giveUps.prefix(Self.giveUpLimit) { rows += giveUpRow(giveUp) }
        }
        return """
            <section><h2>Last \(Self.giveUpLimit) give-ups</h2><table class="giveups"><thead><tr><th>Time (UTC)</th>\
            <th>Upstream</th><th>Request</th><th class="num">Status</th><th>Reason</th><th class="num">Attempts</th>\
            <th>Request ids</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></section>

            """
    }

    private func giveUpRow(_ giveUp: GiveUp) -> String {
        let request = PageText.escape("\(giveUp.method) \(giveUp.path)")
        let ids = giveUp.requestIDs.map {
            "<code>\(PageText.escape($0.name)): \(PageText.escape($0.value))</code>"
        }
        var row = "<tr><td>\(PageText.clock(giveUp.time, now: now))</td><td>\(PageText.escape(giveUp.upstream))</td>"
        row += "<td class=\"request\" title=\"\(request)\">\(request)</td>"
        row += Self.number(giveUp.status.map(String.init) ?? "none")
        row += "<td><code>\(PageText.escape(giveUp.reason))</code></td>"
        row += Self.number(String(giveUp.attempts))
        row += "<td>\(ids.isEmpty ? "<span class=\"empty\">none</span>" : ids.joined(separator: "<br>"))</td></tr>\n"
        return row
    }

    /// Compact tables readable at 1280 px, state colors, nothing fetched.
    static let style = """
        :root{color-scheme:light}
        body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;\
        color:#1d2430;background:#f3f5f8}
        header{display:flex;align-items:center;gap:14px;flex-wrap:wrap;padding:12px 24px;background:#1d2430;color:#fff}
        header h1{font-size:19px;margin:0;letter-spacing:.02em}
        header .meta{color:#b8c1cf;font-size:13px}
        header nav{margin-left:auto}
        header nav a{color:#9ccaff;margin-left:16px;text-decoration:none;font-weight:600}
        header nav a:hover{text-decoration:underline}
        main{padding:16px 24px;max-width:1500px}
        section{background:#fff;border:1px solid #dce1e8;border-radius:6px;padding:12px 16px;margin-bottom:16px}
        .pair{display:grid;grid-template-columns:1fr 1fr;gap:16px;margin-bottom:16px}
        .pair section{margin:0}
        h2{font-size:15px;margin:0 0 8px}
        .note{margin:-4px 0 8px;color:#5b6576;font-size:12px}
        table{border-collapse:collapse;width:100%}
        th{text-align:left;font-weight:600;color:#5b6576;font-size:11px;text-transform:uppercase;\
        letter-spacing:.04em;border-bottom:1px solid #dce1e8;padding:4px 8px;white-space:nowrap}
        td{padding:6px 8px;border-bottom:1px solid #edf0f4;vertical-align:top}
        tbody tr:last-child td{border-bottom:0}
        .num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .sub{color:#687385;font-size:12px;margin-top:2px}
        .chip{display:inline-block;padding:1px 9px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
        .good{background:#daf3e1;color:#14692d}
        .warn{background:#fff0c7;color:#855600}
        .bad{background:#fddede;color:#a0181a}
        .idle{background:#e8ecf1;color:#4b5565}
        .alert{color:#a0181a;font-weight:700}
        .empty{color:#687385;font-style:italic}
        code{font:12px ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
        .giveups .request{max-width:360px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
        header .chip{margin-left:-4px}
        """
}
