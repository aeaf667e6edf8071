import Config
import Testing

/// The smallest valid upstream table; tests append keys or tables after it (it spans lines 1–4).
let minimalUpstream = """
    [[upstream]]
    name = "a"
    listen = "127.0.0.1:8080"
    url = "https://api.example"
    """

/// Parses `text` as the file "retryd.toml".
func parseConfig(_ text: String, environment: [String: String] = [:]) throws(ConfigError) -> RetrydConfig {
    try ConfigLoader.parse(text, file: "retryd.toml", environment: environment)
}

/// The error parsing `text` produces, or `nil` when it parses.
func configError(_ text: String, environment: [String: String] = [:]) -> ConfigError? {
    do {
        _ = try parseConfig(text, environment: environment)
        return nil
    } catch {
        return error
    }
}

/// A configuration that must fail, and where: the line and key the operator is sent to.
struct ErrorCase: Sendable, CustomTestStringConvertible {
    var text: String
    var line: Int?
    var key: String
    /// A fragment the message must contain.
    var message: String

    var testDescription: String { "\(key.isEmpty ? "<file>" : key): \(message)" }
}

/// Records an issue unless `errorCase.text` fails with its file, line, key and message.
func check(_ errorCase: ErrorCase, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error = configError(errorCase.text) else {
        Issue.record("accepted: \(errorCase.text)", sourceLocation: sourceLocation)
        return
    }
    #expect(error.file == "retryd.toml", sourceLocation: sourceLocation)
    #expect(error.line == errorCase.line, "\(error)", sourceLocation: sourceLocation)
    #expect(error.key == errorCase.key, "\(error)", sourceLocation: sourceLocation)
    #expect(error.message.contains(errorCase.message), "\(error)", sourceLocation: sourceLocation)
}
