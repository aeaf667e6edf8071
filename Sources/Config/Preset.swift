/// A vendor's documented retry guidance, written as the upstream keys that express it; the file's own keys override
/// it key by key, and its own rules come before the preset's (first match wins).
///
/// Each text is TOML so that it goes through the same decoder, with the same checks, as a configuration file.
package struct Preset: Sendable, Equatable {
    /// The name used in `preset = "…"`.
    package let name: String
    /// The vendor documentation it follows.
    package let source: String
    /// The keys, as TOML in an `[[upstream]]` table's terms (`[retry]`, `[[rule]]`, `request_id_headers`, …).
    package let toml: String

    /// Keys a preset may set; listener, URL and headers are the operator's.
    static let allowedKeys = UpstreamKeys.table.keys.filter(\.presettable).map(\.name)

    /// Every preset, in the order `retryd check` lists them.
    package static let all: [Preset] = [bitmovin, mediagenix, bebanjo, agora, apivideo]

    /// The preset called `name`, if there is one.
    package static func named(_ name: String) -> Preset? {
        all.first { $0.name == name }
    }

    /// Bitmovin Encoding API: 5xx are worth a retry, but a 504 on the encoding start may mean the encoding did
    /// start; its status tells (still `CREATED`: not started). The request id is the envelope's `requestId`.
    static let bitmovin = Preset(
        name: "bitmovin",
        source: "https://developer.bitmovin.com/encoding/docs/best-practice-guide-rest-api-5xx-errors",
        toml: """
            request_id_fields = ["requestId"]

            [retry]
            retry_statuses = [500, 502, 503, 504]

            [[rule]]
            methods = ["POST"]
            path = "/v1/encoding/encodings/*/start"
            verify = { method = "GET", path = "/v1/encoding/encodings/{1}/status", field = "data.result.status", not_applied = ["CREATED"] }
            """)

    /// Mediagenix (WHATS'ON and On-Demand APIs): a failed call changed nothing, so even a POST may be repeated after
    /// a 5xx; the request id is in `X-Request-Id`.
    static let mediagenix = Preset(
        name: "mediagenix",
        source: "https://docs.bebanjo.com/developer-guides/status-codes-and-errors",
        toml: atomicFailures)

    /// BeBanjo (Mediagenix On-Demand): the same guidance as Mediagenix, under its older name.
    static let bebanjo = Preset(
        name: "bebanjo",
        source: "https://docs.bebanjo.com/developer-guides/status-codes-and-errors",
        toml: atomicFailures)

    private static let atomicFailures = """
        request_id_headers = ["X-Request-Id"]

        [retry]
        retry_statuses = [500, 502, 503, 504]
        non_idempotent_statuses = [429, "5xx"]
        """

    /// Agora Cloud Recording: retry 50x with the same parameters after 3, 6 and 9 seconds; query a task 5, 10 and
    /// 15 seconds on, taking a 404 for "not there yet"; ids in `X-Request-ID` and `X-Resource-ID`.
    static let agora = Preset(
        name: "agora",
        source: "https://docs.agora.io/en/cloud-recording/integration_best_practices",
        toml: """
            request_id_headers = ["X-Request-ID", "X-Resource-ID"]

            [retry]
            max_attempts = 4
            retry_statuses = ["5xx"]
            non_idempotent_statuses = [429, "5xx"]
            schedule = ["3s", "6s", "9s"]

            [[rule]]
            methods = ["GET"]
            path = "/v1/apps/*/cloud_recording/resourceid/*/sid/*/mode/*/query"
            retry_statuses = [404, "5xx"]
            schedule = ["5s", "10s", "15s"]
            """)

    /// api.video: 429 or any 5xx, 525 from its Cloudflare front included, is worth a retry; 429 waits for the
    /// announced reset.
    static let apivideo = Preset(
        name: "apivideo",
        source: "https://docs.api.video/reference/responses",
        toml: """
            [retry]
            retry_statuses = ["500-599"]
            """)
}
