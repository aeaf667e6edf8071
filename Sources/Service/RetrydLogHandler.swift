import Logging
import Loop
import Retry

/// A swift-log handler writing one line per message to a file descriptor (stderr), whole lines per write(2), so
/// lines from different places never interleave; text or JSON; journald priority prefix when asked. Lines to
/// stderr from the event loop's thread are batched per loop iteration (``LogBatch``).
///
/// Format, level and secrets come from a `LogSettingsStore` read on every message, so a reload reaches loggers that
/// already exist. Setting `logLevel` on one logger overrides the store's level for that logger only.
package struct RetrydLogHandler: LogHandler {
    /// Metadata attached to every message from this handler.
    package var metadata: Logger.Metadata = [:]
    /// Contextual metadata, read for each message.
    package var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let store: LogSettingsStore
    private let fd: Int32
    private let clock: @Sendable () -> WallTime
    private var levelOverride: Logger.Level?

    /// A handler with its own fixed settings.
    /// - Parameters:
    ///   - journald: Start lines with a `<N>` priority and leave timestamps of text lines to journald.
    ///   - fd: Where lines go; the handler never closes it.
    package init(
        label: String, format: LogFormat, level: Logger.Level, journald: Bool, redactor: Redactor = Redactor(),
        fd: Int32 = 2
    ) {
        let settings = LogSettings(format: format, level: level, journald: journald, redactor: redactor)
        self.init(label: label, store: LogSettingsStore(settings), fd: fd)
    }

    /// A handler that follows `store`, e.g. `LogSettingsStore.shared`, which a reload updates.
    package init(label: String, store: LogSettingsStore, fd: Int32 = 2) {
        self.init(
            label: label, store: store, fd: fd,
            clock: {
                let now = Sys.wallTime()
                return WallTime(seconds: now.seconds, milliseconds: now.milliseconds)
            })
    }

    /// A handler with a fixed clock, for exact timestamps in tests.
    init(label: String, store: LogSettingsStore, fd: Int32, clock: @escaping @Sendable () -> WallTime) {
        self.label = label
        self.store = store
        self.fd = fd
        self.clock = clock
    }

    /// The store's level unless this handler was given its own.
    package var logLevel: Logger.Level {
        get { levelOverride ?? store.level }
        set { levelOverride = newValue }
    }

    /// One metadata value of this handler.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Renders `event` and writes it as one line; a failed write is dropped, since there is nowhere left to report it.
    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { $1 }
        }
        if let explicit = event.metadata, !explicit.isEmpty {
            // The access log passes its own metadata and nothing else: take it as is rather than rehash it.
            if merged.isEmpty { merged = explicit } else { merged.merge(explicit) { $1 } }
        }
        let formatter = LogLineFormatter(settings: store.settings)
        let line = formatter.line(
            level: event.level, label: label, message: event.message.description, metadata: merged, time: clock())
        if fd == LogBatch.standardError.fd {
            LogBatch.standardError.write(line, urgent: event.level >= .warning)
        } else {
            _ = Sys.writeAll(fd, line)
        }
    }
}
