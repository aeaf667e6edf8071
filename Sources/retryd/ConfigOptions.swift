import ArgumentParser
import Config
import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Where the configuration comes from: `--config`, quick-start flags, or the environment.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Where the application connects, e.g. 127.0.0.1:8080 (quick start, no file).")
    var listen: String?

    @Option(name: .long, help: "The vendor API base URL, e.g. https://api.vendor.example (quick start, no file).")
    var upstream: String?

    @Option(name: .long, help: "A TOML configuration file (default: $RETRYD_CONFIG, then /etc/retryd/retryd.toml).")
    var config: String?

    @Option(
        name: .long,
        help: "Where the give-up journal lives (overrides state_dir; the quick start has no journal without it).")
    var stateDir: String?

    func validate() throws {
        if config != nil && (listen != nil || upstream != nil) {
            throw ValidationError("use either --config or --listen/--upstream, not both")
        }
        if (listen == nil) != (upstream == nil) {
            throw ValidationError("--listen and --upstream go together")
        }
    }

    /// The file a reload reads again, or nil when the configuration came from flags or the environment.
    func file(environment: [String: String]) -> String? {
        if case .file(let path) = resolve(environment: environment) { return path }
        return nil
    }

    func resolve(environment: [String: String]) -> ConfigSource {
        if let listen, let upstream { return .quickStart(listen: listen, upstream: upstream) }
        return ConfigLoader.resolveSource(
            flag: config, environment: environment, fileExists: { FileManager.default.fileExists(atPath: $0) })
    }

    /// Loads the configuration, or exits 78 (EX_CONFIG) with the error naming file, line and key.
    func load(environment: [String: String]) throws -> RetrydConfig {
        let result: Result<RetrydConfig, ConfigError>
        switch resolve(environment: environment) {
        case .file(let path):
            result = Result { () throws(ConfigError) in try ConfigLoader.load(path: path, environment: environment) }
        case .quickStart(let listen, let upstream):
            result = Result { () throws(ConfigError) in try RetrydConfig.quickStart(listen: listen, upstream: upstream)
            }
        case .none(let message):
            Console.write("retryd: \(message)\n", to: STDERR_FILENO)
            throw ExitCode(78)
        }
        switch result {
        case .success(var config):
            if let stateDir { config.stateDir = stateDir.isEmpty ? nil : stateDir }
            return config
        case .failure(let error):
            Console.write("retryd: \(error)\n", to: STDERR_FILENO)
            throw ExitCode(78)
        }
    }
}
