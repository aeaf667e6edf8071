import Events
import Foundation
import Retry
import Testing

@testable import Admin

/// The Grafana dashboard and the alert rules name only series retryd's `/metrics` exports, with labels they carry.
///
/// A misspelt or renamed metric makes no error anywhere else: Prometheus answers an empty result, so the panel stays
/// blank and the alert never fires. These tests are where such a name fails.
@Suite("Dashboard and alert rules")
struct DashboardTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let dashboardPath = repository.appendingPathComponent("config/grafana/retryd.json").path
    static let rulesPath = repository.appendingPathComponent("config/prometheus/retryd-alerts.yml").path

    /// `/metrics` with every family present: one upstream that has seen one of each event, a journal, a webhook,
    /// a quota the vendor reported and a budget, through the same calls the running proxy makes.
    static func exposition() -> String {
        let metrics = RetrydMetrics()
        metrics.prepare(upstreams: ["pay"])
        metrics.exchangeStarted(upstream: "pay")
        metrics.attemptFinished(upstream: "pay", status: 503, duration: .milliseconds(20))
        metrics.retryScheduled(upstream: "pay", reason: .status(503), wait: .seconds(1))
        metrics.retryScheduled(upstream: "pay", reason: .rateLimited(429), wait: .seconds(1))
        metrics.exchangeFinished(upstream: "pay", status: 503, attempts: 2, duration: .seconds(1))
        metrics.gaveUp(
            GiveUpReport(
                upstream: "pay", method: "GET", path: "/x", attempts: [], reason: .waitTooLong(.seconds(90)), time: 0,
                finalStatus: 503))
        metrics.gateEvent(
            upstream: "pay", bucket: "default",
            .closed(until: 0, status: 429, header: "Retry-After", instance: nil, waiting: 0))
        metrics.gateEvent(upstream: "pay", bucket: "default", .held(reason: "gate"))
        metrics.gateEvent(upstream: "pay", bucket: "default", .released(waited: .seconds(1)))
        metrics.gateEvent(upstream: "pay", bucket: "default", .refused)
        metrics.healthEvent(upstream: "pay", .breakerOpened(failures: 8, outcomes: 10, openFor: .seconds(5)))
        metrics.healthEvent(upstream: "pay", .breakerRefused)
        metrics.sharedStateChanged(connected: true)
        metrics.verified(upstream: "pay", verdict: .applied("QUEUED"))
        metrics.connectionRefused(upstream: "pay")
        _ = metrics.makeJournalSeries()
        metrics.showWebhook { WebhookTotals(delivered: 1, failed: 0, dropped: 0, queued: 0) }
        StateGauges(registry: metrics.registry).update(
            buckets: [
                "pay": [
                    BucketStatus(
                        bucket: "default", gate: "closed", quotaLeft: 0, windowLimit: 600, waiting: 1, inFlight: 0)
                ]
            ],
            health: ["pay": HealthStatus(budget: .init(spent: 3, left: 27, window: "10s"), breaker: nil)])
        return String(decoding: metrics.exposition(), as: UTF8.self)
    }

    /// Every `expr` in the dashboard's panels and every query of its template variables.
    static func dashboardExpressions() throws -> [String] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dashboardPath)))
        var found: [String] = []
        func walk(_ value: Any, key: String?) {
            if let object = value as? [String: Any] {
                for (key, value) in object { walk(value, key: key) }
            } else if let array = value as? [Any] {
                for element in array { walk(element, key: key) }
            } else if let text = value as? String, key == "expr" || key == "definition" {
                found.append(text)
            }
        }
        walk(json, key: nil)
        return found
    }

    /// Every `expr:` of the rules file, block scalars (`expr: |`) included.
    static func ruleExpressions() throws -> [String] {
        let lines = try String(contentsOfFile: rulesPath, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        var found: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard let range = line.range(of: "expr: ") else { continue }
            let value = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            guard ["|", "|-", ">", ">-"].contains(value) else {
                found.append(value)
                continue
            }
            let indent = line.prefix { $0 == " " }.count
            var block: [Substring] = []
            while index < lines.count, lines[index].prefix(while: { $0 == " " }).count > indent || lines[index].isEmpty
            {
                block.append(lines[index])
                index += 1
            }
            found.append(block.joined(separator: "\n"))
        }
        return found
    }

    static func problems(in expressions: [String], index: ExpositionIndex) -> [String] {
        expressions.flatMap { expression in
            PromQLSelector.all(in: expression).compactMap { selector in
                index.problem(with: selector).map { "\($0), in: \(expression)" }
            }
        }
    }

    @Test("the exposition these tests check against has every family retryd defines")
    func expositionIsComplete() {
        let index = ExpositionIndex(Self.exposition())
        let defined =
            MetricFamily.allCases.map(\.name) + JournalSeries.Name.allCases.map { "retryd_journal_\($0)_total" }
        for name in defined + StateGauges.Family.allCases.map(\.descriptor.name) {
            #expect(index.types[name] != nil, "\(name) missing")
        }
        #expect(index.types["retryd_webhook_failed_total"] == "counter")
    }

    @Test("every metric and label the dashboard's expressions name is one /metrics exports")
    func dashboardNamesExportedMetrics() throws {
        let expressions = try Self.dashboardExpressions()
        let named = Set(expressions.flatMap { PromQLSelector.all(in: $0).map(\.metric) })
        // What the dashboard is for; also proves the extraction found the names, so an empty pass is not possible.
        for metric in [
            "retryd_requests_total", "retryd_retries_total", "retryd_giveups_total",
            "retryd_upstream_latency_seconds_bucket", "retryd_breaker_state", "retryd_retry_budget_left",
            "retryd_quota_remaining", "retryd_quota_limit", "retryd_gate_state", "retryd_inflight_exchanges",
            "retryd_journal_errors_total", "retryd_webhook_failed_total",
        ] {
            #expect(named.contains(metric), "no panel shows \(metric)")
        }
        let problems = Self.problems(in: expressions, index: ExpositionIndex(Self.exposition()))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("every metric and label the alert rules name is one /metrics exports")
    func rulesNameExportedMetrics() throws {
        let expressions = try Self.ruleExpressions()
        let rules = try String(contentsOfFile: Self.rulesPath, encoding: .utf8).components(separatedBy: "- alert: ")
        #expect(expressions.count == rules.count - 1, "one expression per alert")
        #expect(expressions.allSatisfy { !PromQLSelector.all(in: $0).isEmpty }, "\(expressions)")
        let problems = Self.problems(in: expressions, index: ExpositionIndex(Self.exposition()))
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The two checks above pass when nothing is wrong, and so would a checker that finds nothing: here it must find
    /// each mistake, one problem per expression.
    @Test("a misspelt metric, a bare histogram, a histogram suffix on a gauge and a missing label are caught")
    func checkCatchesMistakes() {
        let index = ExpositionIndex(Self.exposition())
        let wrong = [
            #"sum(rate(retryd_request_total{upstream="pay"}[5m]))"#,
            #"histogram_quantile(0.99, rate(retryd_upstream_latency_seconds[5m]))"#,
            "retryd_inflight_exchanges_bucket",
            #"sum by (status_class) (rate(retryd_requests_total{upstream="pay", status="2xx"}[5m]))"#,
        ]
        for expression in wrong {
            #expect(Self.problems(in: [expression], index: index).count == 1, "\(expression)")
        }
        let right = [
            #"histogram_quantile(0.99, sum by (le) (rate(retryd_upstream_latency_seconds_bucket{le="+Inf"}[5m])))"#,
            #"retryd_breaker_state{job="retryd", instance="a:9901", upstream="pay"} > 0 and up{job="retryd"} == 1"#,
        ]
        #expect(Self.problems(in: right, index: index).isEmpty)
    }

    @Test("selectors are told from functions, aggregations, label lists, durations, strings and Grafana variables")
    func extraction() {
        let expression = """
            sum by (upstream, le) (rate(retryd_a_total{upstream=~"$upstream", reason!="x{y}"}[$__rate_interval]))
              / on (upstream) group_left(bucket) max without (instance) (retryd_b offset 5m) > 0.05
              and absent(retryd_c) or vector(1e3) unless count(retryd_d[1h:5m]) > bool 2
            """
        let selectors = PromQLSelector.all(in: expression)
        #expect(
            selectors == [
                PromQLSelector(metric: "retryd_a_total", labels: ["upstream", "reason"]),
                PromQLSelector(metric: "retryd_b", labels: []), PromQLSelector(metric: "retryd_c", labels: []),
                PromQLSelector(metric: "retryd_d", labels: []),
            ])
        #expect(
            PromQLSelector.all(in: #"label_values(retryd_e{instance=~"$instance"}, upstream)"#).map(\.metric) == [
                "retryd_e"
            ])
        #expect(PromQLSelector.all(in: "label_values(upstream)").isEmpty)
    }

    static let promtool = "/usr/bin/promtool"

    @Test(
        "every panel's expression parses as PromQL, Grafana's interval variables given values",
        .enabled(if: FileManager.default.isExecutableFile(atPath: promtool), "promtool is not installed"))
    func dashboardExpressionsParse() throws {
        let expressions = try Self.dashboardExpressions().filter { !$0.hasPrefix("label_values(") }
        #expect(expressions.count > 30)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        var rules = "groups:\n  - name: dashboard\n    rules:\n"
        for (number, expression) in expressions.enumerated() {
            var promQL = expression
            for variable in ["$__rate_interval", "$__interval", "$__range"] {
                promQL = promQL.replacingOccurrences(of: variable, with: "5m")
            }
            // JSON's string syntax is YAML's double-quoted scalar.
            let quoted = String(decoding: try encoder.encode(promQL), as: UTF8.self)
            rules += "      - record: dashboard:expression\(number)\n        expr: \(quoted)\n"
        }
        let path = NSTemporaryDirectory() + "retryd-dashboard-\(UUID().uuidString.prefix(8)).yml"
        try rules.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.promtool)
        process.arguments = ["check", "rules", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("SUCCESS: \(expressions.count) rules found"), "\(text)")
    }

    @Test("the dashboard picks its Prometheus data source and lists upstreams from an exported metric")
    func dashboardShape() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.dashboardPath))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((dashboard["schemaVersion"] as? Int).map { (36...41).contains($0) } == true)
        let variables = try #require((dashboard["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: variables.map { ($0["name"] as? String ?? "", $0) })
        #expect(byName["datasource"]?["type"] as? String == "datasource")
        #expect(byName["datasource"]?["query"] as? String == "prometheus")
        let upstream = try #require(byName["upstream"])
        #expect(upstream["type"] as? String == "query")
        #expect((upstream["definition"] as? String)?.hasPrefix("label_values(retryd_") == true)
        #expect((upstream["definition"] as? String)?.hasSuffix(", upstream)") == true)
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.contains { $0["repeat"] as? String == "upstream" }, "a row per upstream")
        for panel in panels where panel["type"] as? String != "row" {
            let source = panel["datasource"] as? [String: Any]
            #expect(source?["uid"] as? String == "${datasource}", "\(panel["title"] ?? "")")
        }
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(Set(ids).count == panels.count, "panel ids are unique")
    }
}
