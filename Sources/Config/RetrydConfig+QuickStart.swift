import Forwarder
import Listener
import Proxy

extension RetrydConfig {
    /// The file name errors use for configuration given as flags.
    static let commandLine = "command line"

    /// Quick-start config from flags: `--listen 127.0.0.1:8080 --upstream https://api.vendor.example` -> one
    /// upstream named "default" with default timeouts, retry policy and limits.
    ///
    /// - Throws: `ConfigError` with file "command line" and key `--listen` or `--upstream`.
    package static func quickStart(listen: String, upstream: String) throws(ConfigError) -> RetrydConfig {
        let address: ListenAddress
        switch ListenAddress.parsed(listen) {
        case .success(let parsed): address = parsed
        case .failure(let problem):
            throw ConfigError(
                file: commandLine, line: nil, key: "--listen", message: "\"\(listen)\": \(problem)")
        }
        let url: UpstreamURL
        switch UpstreamURL.parsed(upstream) {
        case .success(let parsed): url = parsed
        case .failure(let problem):
            throw ConfigError(
                file: commandLine, line: nil, key: "--upstream", message: "\"\(upstream)\": \(problem)"
            )
        }
        return RetrydConfig(upstreams: [UpstreamSettings(name: "default", listen: address, url: url)])
    }
}
