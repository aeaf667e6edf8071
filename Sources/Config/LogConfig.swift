/// How retryd logs.
package struct LogConfig: Sendable, Equatable {
    /// How each line is written.
    package enum Format: String, Sendable, CaseIterable {
        /// Human-readable `key=value` lines.
        case text
        /// One JSON object per line.
        case json
    }

    /// The level names `level` accepts, from most to least verbose (swift-log's).
    package static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Line format; `text` by default.
    package var format = Format.text
    /// Minimum level: trace, debug, info, notice, warning, error or critical.
    package var level = "info"

    /// Creates the default log configuration.
    package init() {}
}
