import Logging

extension Logger.Level {
    /// The sd-daemon.h priority journald reads from a `<N>` line prefix (syslog has no trace, so it shares debug's).
    var syslogPriority: Int {
        switch self {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
