extension ConfigLoader {
    /// The file used when neither `--config` nor `RETRYD_CONFIG` names one.
    package static let defaultPath = "/etc/retryd/retryd.toml"

    /// Decides where the configuration comes from, first match wins: the `--config` flag, `$RETRYD_CONFIG`,
    /// ``defaultPath`` if it exists, then `RETRYD_LISTEN` with `RETRYD_UPSTREAM` (for containers).
    ///
    /// The quick-start flags `--listen`/`--upstream` are the CLI's own business and come before all of this.
    /// Empty variables count as unset, since container runtimes often pass `VAR=` for "not configured".
    /// - Parameters:
    ///   - flag: The value of `--config`, if given.
    ///   - environment: The process environment.
    ///   - fileExists: Whether a path exists (injected so tests need not touch `/etc`).
    package static func resolveSource(
        flag: String?,
        environment: [String: String],
        fileExists: (String) -> Bool
    ) -> ConfigSource {
        if let flag { return .file(flag) }
        func variable(_ name: String) -> String? {
            environment[name].flatMap { $0.isEmpty ? nil : $0 }
        }
        if let path = variable("RETRYD_CONFIG") { return .file(path) }
        if fileExists(defaultPath) { return .file(defaultPath) }
        let listen = variable("RETRYD_LISTEN")
        let upstream = variable("RETRYD_UPSTREAM")
        if let listen, let upstream { return .quickStart(listen: listen, upstream: upstream) }
        let ways =
            "pass --config FILE, set RETRYD_CONFIG, create \(defaultPath), or start quickly with"
            + " --listen 127.0.0.1:8080 --upstream https://api.vendor.example"
            + " (RETRYD_LISTEN and RETRYD_UPSTREAM in a container)"
        switch (listen, upstream) {
        case (.some, nil):
            return .none(message: "RETRYD_LISTEN is set but RETRYD_UPSTREAM is not; set both, or \(ways)")
        case (nil, .some):
            return .none(message: "RETRYD_UPSTREAM is set but RETRYD_LISTEN is not; set both, or \(ways)")
        default: return .none(message: "no configuration: \(ways)")
        }
    }
}
