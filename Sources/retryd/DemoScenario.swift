/// One request of the scripted tour, as the legacy application would send it through retryd.
struct DemoScenario: Sendable, Equatable {
    /// The request method.
    var method: String
    /// The request path.
    var path: String
    /// Extra request headers.
    var headers: [DemoHeader] = []
    /// The request body (JSON), empty for none.
    var body: String = ""
    /// A few words appended to the table's "why", for what the log line alone cannot say.
    var note: String? = nil

    /// "GET /v1/jobs/42", plus the headers that change how retryd treats it.
    var label: String {
        let shown = headers.filter { $0.name.lowercased() == "idempotency-key" }.map { " + \($0.name)" }
        return "\(method) \(path)" + shown.joined()
    }

    /// The tour: one request per vendor behaviour, in the order the table shows them.
    static let tour: [DemoScenario] = [
        DemoScenario(method: "GET", path: "/v1/jobs/42"),
        DemoScenario(method: "POST", path: "/v1/transcodes", body: #"{"source":"intro.mp4"}"#),
        DemoScenario(method: "GET", path: "/v1/quota"),
        DemoScenario(method: "POST", path: "/v1/encodings", body: #"{"source":"intro.mp4"}"#),
        DemoScenario(
            method: "POST", path: "/v1/encodings", headers: [DemoHeader(name: "Idempotency-Key", value: "demo-1")],
            body: #"{"source":"intro.mp4"}"#, note: "key makes it safe"),
        DemoScenario(
            method: "POST", path: "/v1/encoding/encodings/enc-started/start", body: "{}",
            note: "the vendor saw one start"),
        DemoScenario(
            method: "POST", path: "/v1/encoding/encodings/enc-lost/start", body: "{}",
            note: "the vendor saw one successful start"),
        DemoScenario(
            method: "POST", path: "/v1/uploads", body: #"{"source":"intro.mp4"}"#,
            note: "retryd added an Idempotency-Key, the same on both"),
        DemoScenario(method: "GET", path: "/v1/assets/7"),
        DemoScenario(
            method: "GET", path: "/v1/projects/p1/cloud-transcoder/tasks/t9", note: "task rule"),
    ]
}
