import Events
import Logging
import Loop
import Retry

/// Writes access-log lines straight into the log's batch, in the format, level and redaction of the shared
/// `LogSettingsStore`, exactly as the `RetrydLogHandler` of the same label would (``LogLineFormatter/accessLine``).
///
/// One writer per event loop (`ProxyRuntime.setAccessLog` makes one for each), used on that loop's thread only, so
/// its time cache needs no lock.
package final class AccessLogWriter: AccessLog, @unchecked Sendable {
    private let label: String
    private let store: LogSettingsStore
    private let fd: Int32
    /// The last line's second as text: lines within a second rewrite only the milliseconds.
    private var timeCache = ISO8601SecondCache()
    /// The line being written, kept with its capacity so that a line costs no allocation.
    private var line: [UInt8] = []

    /// A writer for the loggers `RetrydLogHandler.bootstrap` made: `label` "retryd", the shared store, stderr.
    package init(label: String = "retryd", store: LogSettingsStore = .shared, fd: Int32 = 2) {
        self.label = label
        self.store = store
        self.fd = fd
    }

    /// Writes `entry`'s line unless the level is above info; a failed write is dropped, as the handler's are.
    package func record(_ entry: AccessEntry) {
        let settings = store.settings
        guard settings.level <= .info else { return }
        let now = Sys.wallTime()
        let time = WallTime(seconds: now.seconds, milliseconds: now.milliseconds)
        line.removeAll(keepingCapacity: true)
        LogLineFormatter(settings: settings).appendAccessLine(
            entry, label: label, time: time, timeCache: &timeCache, to: &line)
        if fd == LogBatch.standardError.fd {
            LogBatch.standardError.write(line, urgent: false)
        } else {
            _ = Sys.writeAll(fd, line)
        }
    }
}
