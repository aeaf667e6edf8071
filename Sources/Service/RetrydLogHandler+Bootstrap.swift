import Logging
import Loop

extension RetrydLogHandler {
    /// Makes every `Logger` in the process write to stderr through `LogSettingsStore.shared`; call once at startup.
    ///
    /// journald mode is on when stderr is the stream named by `JOURNAL_STREAM`.
    package static func bootstrap(
        format: LogFormat, level: Logger.Level, environment: [String: String], redactor: Redactor = Redactor()
    ) {
        let journald = isJournalStream(environment: environment, fd: 2)
        let store = LogSettingsStore.shared
        store.replace(with: LogSettings(format: format, level: level, journald: journald, redactor: redactor))
        LoggingSystem.bootstrap { label in RetrydLogHandler(label: label, store: store) }
    }

    /// Applies a reloaded `log_format`, `log_level` and secret list to every logger made by `bootstrap`.
    package static func reconfigure(format: LogFormat, level: Logger.Level, redactor: Redactor) {
        LogSettingsStore.shared.update { settings in
            settings.format = format
            settings.level = level
            settings.redactor = redactor
        }
    }

    /// Whether `fd` is the journald stream systemd connected: `JOURNAL_STREAM` is "device:inode" of that stream, and
    /// checking it keeps a shell run from a service unit (stderr redirected elsewhere) from getting `<N>` prefixes.
    package static func isJournalStream(environment: [String: String], fd: Int32) -> Bool {
        guard let text = environment["JOURNAL_STREAM"] else { return false }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]),
            let actual = Sys.deviceAndInode(of: fd)
        else { return false }
        return actual.device == device && actual.inode == inode
    }
}
