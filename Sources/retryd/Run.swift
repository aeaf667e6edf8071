import ArgumentParser
import Config
import Foundation
import Logging
import Listener
import Proxy
import Service

/// `retryd run`: serve until SIGINT or SIGTERM.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the proxy (the default command).")

    @Option(name: .long, help: "Where the application connects, e.g. 127.0.0.1:8080 (quick start, no file).")
    var listen: String?

    @Option(name: .long, help: "The vendor API base URL, e.g. https://api.vendor.example (quick start, no file).")
    var upstream: String?

    @Option(name: .long, help: "A TOML configuration file.")
    var config: String?

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        if config != nil && (listen != nil || upstream != nil) {
            throw ValidationError("use either --config or --listen/--upstream, not both")
        }
        if config == nil && (listen == nil) != (upstream == nil) {
            throw ValidationError("--listen and --upstream go together")
        }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        RetrydLogHandler.bootstrap(format: .text, level: level, environment: ProcessInfo.processInfo.environment)
        let logger = Logger(label: "retryd")
        let loaded: RetrydConfig
        switch Result(catching: { () throws(ConfigError) in try loadConfig() }) {
        case .success(let config):
            loaded = config
        case .failure(let error):
            FileHandle.standardError.write(Data("retryd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        let runtime = try ProxyRuntime(config: loaded, logger: logger)
        let signals = try SignalWatcher(loop: runtime.loop) { signal in
            logger.notice("received signal \(signal), stopping")
            runtime.stop()
        }
        try runtime.run()
        withExtendedLifetime(signals) {}
    }

    private func loadConfig() throws(ConfigError) -> RetrydConfig {
        if let config {
            return try ConfigLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
        }
        if let listen, let upstream {
            return try RetrydConfig.quickStart(listen: listen, upstream: upstream)
        }
        throw ConfigError(
            file: "", line: nil, key: "",
            message: "no configuration: pass --config FILE, or --listen 127.0.0.1:8080 --upstream https://api.vendor.example")
    }
}
