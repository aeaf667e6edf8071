/// How log lines look on stderr: `log_format` in the config.
package enum LogFormat: String, Sendable, CaseIterable {
    /// "2026-11-23T11:27:13.123Z info retryd: message key=value", for people and journald.
    case text
    /// One JSON object per line, for log shippers.
    case json
}
