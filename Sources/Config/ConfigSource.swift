/// Where retryd's configuration comes from.
public enum ConfigSource: Sendable, Equatable {
    /// A TOML file.
    case file(String)
    /// The quick-start pair, from flags or `RETRYD_LISTEN` / `RETRYD_UPSTREAM` (containers).
    case quickStart(listen: String, upstream: String)
    /// Nothing configured; the message explains the choices.
    case none(message: String)
}

extension ConfigLoader {
    /// The system-wide default file.
    public static let defaultPath = "/etc/retryd/retryd.toml"

    /// `--config`, else `$RETRYD_CONFIG`, else `/etc/retryd/retryd.toml` if it exists, else `RETRYD_LISTEN` with
    /// `RETRYD_UPSTREAM`, else nothing (with a message explaining the quick-start flags).
    public static func resolveSource(
        flag: String?, environment: [String: String], fileExists: (String) -> Bool
    ) -> ConfigSource {
        if let flag { return .file(flag) }
        if let path = environment["RETRYD_CONFIG"], !path.isEmpty { return .file(path) }
        if fileExists(defaultPath) { return .file(defaultPath) }
        if let listen = environment["RETRYD_LISTEN"], let upstream = environment["RETRYD_UPSTREAM"],
            !listen.isEmpty, !upstream.isEmpty
        {
            return .quickStart(listen: listen, upstream: upstream)
        }
        return .none(
            message: "no configuration: pass --config FILE (or set RETRYD_CONFIG, or create \(defaultPath)), "
                + "or start quickly with --listen 127.0.0.1:8080 --upstream https://api.vendor.example "
                + "(RETRYD_LISTEN and RETRYD_UPSTREAM in a container)")
    }
}
