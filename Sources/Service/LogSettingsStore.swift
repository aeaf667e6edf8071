import Logging
import Loop

/// A locked box of `LogSettings` that every `RetrydLogHandler` made from it reads on each message, so a SIGHUP
/// reload can change level, format and secrets for loggers that already exist.
package final class LogSettingsStore: Sendable {
    /// The store `RetrydLogHandler.bootstrap` wires the process's loggers to.
    package static let shared = LogSettingsStore()

    private let state: LockedValue<LogSettings>

    /// A store holding `settings`.
    package init(_ settings: LogSettings = LogSettings()) {
        state = LockedValue(settings)
    }

    /// The settings right now.
    package var settings: LogSettings {
        state.withLock { $0 }
    }

    /// The level right now, read without copying the redactor: every `Logger` call asks for it.
    package var level: Logger.Level {
        state.withLock { $0.level }
    }

    /// Replaces all settings at once, so no message sees half of a reload.
    package func replace(with settings: LogSettings) {
        state.withLock { $0 = settings }
    }

    /// Changes some settings in place, e.g. `store.update { $0.level = .debug }`.
    package func update(_ change: (inout LogSettings) -> Void) {
        state.withLock { change(&$0) }
    }
}
