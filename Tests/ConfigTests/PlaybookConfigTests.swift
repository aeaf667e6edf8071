import Config
import Proxy
import Retry
import Testing

/// Verify rules, idempotency keys, request-id fields, status ranges and vendor presets in the configuration.
@Suite struct PlaybookConfigTests {
    static let verifyRule = """

        [[upstream.rule]]
        methods = ["POST"]
        path = "/v1/encoding/encodings/*/start"
        verify = { method = "GET", path = "/v1/encoding/encodings/{1}/status", field = "data.status", not_applied = ["CREATED"] }
        """

    @Test func theIssuesVerifyRuleIsRead() throws {
        let config = try parseConfig(
            minimalUpstream + Self.verifyRule + "\nverify_on = [\"5xx\"]\non_applied = \"original\"")
        let verify = try #require(config.upstreams.first?.rules.first?.verify)
        #expect(verify.method == "GET")
        #expect(verify.path == "/v1/encoding/encodings/{1}/status")
        #expect(verify.judge == .field(JSONField("data.status")!, notApplied: ["CREATED"]))
        #expect(verify.verifyOn == Set(500...599))
        #expect(verify.onApplied == .original)
        let summary = config.summary
        #expect(summary.contains("verify on 500-599 or no response: GET /v1/encoding/encodings/{1}/status;"))
    }

    @Test func aStatusProbeListsStatuses() throws {
        let config = try parseConfig(
            minimalUpstream + """

                [[upstream.rule]]
                methods = ["POST"]
                path = "/v1/jobs/*"
                verify = { path = "/v1/jobs/{1}", field = "status", not_applied = [404, "410-411"] }
                """)
        let verify = try #require(config.upstreams.first?.rules.first?.verify)
        #expect(verify.judge == .status(notApplied: [404, 410, 411]))
        #expect(verify.verifyOn == [500, 502, 503, 504])
        #expect(verify.onApplied == .accepted)
    }

    @Test(arguments: [
        ErrorCase(
            text: minimalUpstream + PlaybookConfigTests.verifyRule.replacingOccurrences(of: "{1}", with: "{2}"),
            line: 8, key: "upstream[0].rule[0].verify.path", message: "uses {2} but the rule path has only 1 star"),
        ErrorCase(
            text: minimalUpstream + PlaybookConfigTests.verifyRule.replacingOccurrences(of: "GET", with: "POST"),
            line: 8, key: "upstream[0].rule[0].verify.method", message: "a probe must be safe to repeat"),
        ErrorCase(
            text: minimalUpstream
                + PlaybookConfigTests.verifyRule.replacingOccurrences(of: "[\"CREATED\"]", with: "[]"),
            line: 8, key: "upstream[0].rule[0].verify.not_applied", message: "must list at least one value"),
        ErrorCase(
            text: minimalUpstream
                + PlaybookConfigTests.verifyRule.replacingOccurrences(of: "data.status", with: "data..status"),
            line: 8, key: "upstream[0].rule[0].verify.field", message: "is not a field"),
        ErrorCase(
            text: minimalUpstream + "\n[[upstream.rule]]\npath = \"/v1/x\"\nverify_on = [504]", line: 7,
            key: "upstream[0].rule[0].verify_on", message: "has no effect without verify"),
        ErrorCase(
            text: minimalUpstream + PlaybookConfigTests.verifyRule + "\non_applied = \"yes\"", line: 9,
            key: "upstream[0].rule[0].on_applied", message: "use \"accepted\" or \"original\""),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nretry_statuses = [\"600-700\"]", line: 6,
            key: "upstream[0].retry.retry_statuses[0]", message: "\"600-700\" is not a status range"),
        ErrorCase(
            text: minimalUpstream + "\n[upstream.retry]\nretry_statuses = [\"5xy\"]", line: 6,
            key: "upstream[0].retry.retry_statuses[0]", message: "\"5xy\" is not a status range"),
        ErrorCase(
            text: minimalUpstream + "\npreset = \"bitmoving\"", line: 5, key: "upstream[0].preset",
            message: "\"bitmoving\" is not a preset; use one of \"bitmovin\""),
        ErrorCase(
            text: minimalUpstream + "\nrequest_id_fields = [\"a.\"]", line: 5, key: "upstream[0].request_id_fields[0]",
            message: "is not a field"),
        ErrorCase(
            text: minimalUpstream + "\nidempotency_key = \"Bad Name\"", line: 5, key: "upstream[0].idempotency_key",
            message: "is not a valid header name"),
    ])
    func mistakesNameTheirLineAndKey(_ errorCase: ErrorCase) {
        check(errorCase)
    }

    @Test func rangesExpand() throws {
        let config = try parseConfig(
            minimalUpstream
                + "\n[upstream.retry]\nretry_statuses = [429, \"5xx\"]\nnon_idempotent_statuses = [\"500-502\", 429]")
        let retry = try #require(config.upstreams.first?.retry)
        #expect(retry.retryStatuses == Set([429] + Array(500...599)))
        #expect(retry.nonIdempotentStatuses == [429, 500, 501, 502])
        #expect(config.summary.contains("retry 429, 500-599 with backoff"))
        #expect(config.summary.contains("non-idempotent requests retried on 429, 500, 501, 502"))
    }

    @Test func keysAndFieldsAreRead() throws {
        let config = try parseConfig(
            minimalUpstream + """

                idempotency_key = "Idempotency-Key"
                request_id_fields = ["requestId", "error.traceId"]
                [[upstream.rule]]
                path = "/v1/uploads/**"
                idempotency_key = ""
                """)
        let upstream = try #require(config.upstreams.first)
        #expect(upstream.retry.idempotencyKey == "Idempotency-Key")
        #expect(upstream.rules.first?.policy.idempotencyKey == nil, "\"\" turns the key off for the rule")
        #expect(upstream.requestIDFields.map(\.path) == ["requestId", "error.traceId"])
    }

    @Test(arguments: Preset.all.map(\.name))
    func everyPresetLoads(_ name: String) throws {
        let config = try parseConfig(minimalUpstream + "\npreset = \"\(name)\"")
        let upstream = try #require(config.upstreams.first)
        let provenance = try #require(config.provenance[upstream.name])
        #expect(provenance.preset == name)
        #expect(!provenance.origins.isEmpty, "the preset sets something")
        #expect(provenance.origins.values.allSatisfy { $0 == .preset(name) })
        #expect(config.summary.contains("(preset \(name))"))
    }

    @Test func presetsSayWhatTheirVendorsSay() throws {
        func upstream(_ preset: String) throws -> UpstreamSettings {
            try #require(try parseConfig(minimalUpstream + "\npreset = \"\(preset)\"").upstreams.first)
        }
        let bitmovin = try upstream("bitmovin")
        #expect(bitmovin.requestIDFields.map(\.path) == ["requestId"])
        #expect(bitmovin.rules.first?.verify?.path == "/v1/encoding/encodings/{1}/status")
        #expect(bitmovin.rules.first?.methods == ["POST"])
        for atomic in ["mediagenix", "bebanjo"] {
            let vendor = try upstream(atomic)
            #expect(vendor.retry.nonIdempotentStatuses.isSuperset(of: 500...599), "\(atomic): failures are atomic")
            #expect(vendor.requestIDHeaders == ["X-Request-Id"])
        }
        let agora = try upstream("agora")
        #expect(agora.requestIDHeaders == ["X-Request-ID", "X-Resource-ID"])
        #expect(agora.retry.schedule == [.seconds(3), .seconds(6), .seconds(9)])
        let query = try #require(agora.rules.first)
        #expect(query.policy.retryStatuses.contains(404), "a task being created answers 404")
        #expect(query.policy.schedule == [.seconds(5), .seconds(10), .seconds(15)])
        #expect(try upstream("apivideo").retry.retryStatuses.contains(525), "Cloudflare's 525 is transient")
    }

    @Test func theFileOverridesThePresetKeyByKeyAndItsRulesComeFirst() throws {
        let config = try parseConfig(
            minimalUpstream + """

                preset = "agora"
                request_id_headers = ["X-Trace"]
                [upstream.retry]
                max_attempts = 2
                [[upstream.rule]]
                methods = ["GET"]
                path = "/v1/apps/*/cloud_recording/resourceid/*/sid/*/mode/*/query"
                retry_statuses = [503]
                """)
        let upstream = try #require(config.upstreams.first)
        #expect(upstream.retry.maxAttempts == 2)
        #expect(upstream.retry.schedule == [.seconds(3), .seconds(6), .seconds(9)], "kept from the preset")
        #expect(upstream.requestIDHeaders == ["X-Trace"])
        #expect(upstream.rules.count == 2)
        #expect(upstream.rules.first?.policy.retryStatuses == [503], "the file's rule matches first")
        #expect(upstream.rules.first?.policy.maxAttempts == 2, "preset rules inherit the merged policy")
        #expect(upstream.rules.last?.policy.maxAttempts == 2)
        #expect(config.provenance[upstream.name]?.ruleOrigins == [.file, .preset("agora")])
        let lines = config.summary.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains("retry.max_attempts") && $0.hasSuffix("= 2  (file)") })
        #expect(lines.contains { $0.contains("retry.schedule") && $0.hasSuffix("= 3s, 6s, 9s  (preset agora)") })
        #expect(lines.contains { $0.contains("retry.deadline") && $0.hasSuffix("(default)") })
        #expect(lines.contains { $0.contains("request_id_headers") && $0.hasSuffix("(file)") })
        #expect(
            lines.contains { $0.hasPrefix("  rule 2 (GET ") && $0.contains("(preset agora) (shadowed by rule 1):") })
    }
}
