import Logging

/// Everything about log output that a config reload may change, with the defaults retryd starts from.
package struct LogSettings: Sendable {
    /// `log_format`.
    package var format: LogFormat
    /// `log_level`: messages below it are dropped.
    package var level: Logger.Level
    /// Whether stderr goes to journald: lines then start with a `<N>` priority and leave the timestamp to journald.
    package var journald: Bool
    /// The secrets to keep out of every line.
    package var redactor: Redactor

    /// Settings with the given values; the defaults are retryd's own (`log_format = "text"`, `log_level = "info"`).
    package init(
        format: LogFormat = .text, level: Logger.Level = .info, journald: Bool = false, redactor: Redactor = Redactor()
    ) {
        self.format = format
        self.level = level
        self.journald = journald
        self.redactor = redactor
    }
}
