import Config

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
