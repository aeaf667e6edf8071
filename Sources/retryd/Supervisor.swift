import Config
import Logging
import Proxy
import Service

#if canImport(Glibc)
    import Glibc
    import Loop
#endif

/// Turns signals into reloads and graceful stops, and keeps systemd informed; runs on the loop thread.
final class Supervisor {
    let runtime: ProxyRuntime
    /// The configuration in force: the runtime's settings and what is fixed until a restart.
    private(set) var config: RetrydConfig
    let notifier: SystemdNotifier?
    let logger: Logger
    let source: ConfigOptions
    let environment: [String: String]
    let logLevelOverride: String?
    private var watchdogTimer: LoopTimer?

    init(
        runtime: ProxyRuntime, config: RetrydConfig, notifier: SystemdNotifier?, logger: Logger, source: ConfigOptions,
        environment: [String: String], logLevelOverride: String?
    ) {
        self.runtime = runtime
        self.config = config
        self.notifier = notifier
        self.logger = logger
        self.source = source
        self.environment = environment
        self.logLevelOverride = logLevelOverride
    }

    func handle(signal: Int32) {
        switch signal {
        case SIGHUP:
            reload()
        default:
            if runtime.isShuttingDown {
                logger.warning("second stop signal: exiting without waiting")
                runtime.stop()
                return
            }
            notifier?.stopping()
            runtime.beginShutdown()
        }
    }

    /// Re-reads the file; a broken one is reported (file, line, key) and the running configuration stays.
    func reload() {
        guard let path = source.file(environment: environment) else {
            logger.warning("SIGHUP ignored: the configuration came from flags, not a file")
            return
        }
        notifier?.reloading()
        defer { notifier?.ready(status: "serving \(runtime.servingDescription)") }
        let loaded: RetrydConfig
        let result = Result { () throws(ConfigError) in try ConfigLoader.load(path: path, environment: environment) }
        switch result {
        case .success(let config):
            loaded = config
        case .failure(let error):
            logger.error("reload failed, keeping the running configuration: \(error)")
            return
        }
        if loaded.admin != config.admin || loaded.notify != config.notify || loaded.shared != config.shared {
            logger.warning(
                "[admin], [notify] and [shared] changes take effect at the next restart; the rest is reloaded now")
        }
        if loaded.stateDir != config.stateDir || loaded.journal != config.journal {
            // The journal's writer thread and file are set up once, at start.
            logger.warning("state_dir and [journal] changes take effect at the next restart")
        }
        if loaded.workers != config.workers {
            // The loops' threads, listening sockets and curl handles are made once, at start.
            logger.warning("a workers change takes effect at the next restart; \(runtime.loopCount) loops keep serving")
        }
        do {
            try runtime.reload(loaded.proxy)
            config = loaded
            let settings = LogSettings(loaded, override: logLevelOverride, environment: environment)
            RetrydLogHandler.reconfigure(format: settings.format, level: settings.level, redactor: settings.redactor)
        } catch {
            logger.error("reload failed, keeping the running configuration: \(error)")
        }
    }

    /// Pings systemd's watchdog at half its interval while the loop turns (a stuck loop stops the pings).
    func startWatchdog(interval: Duration?) {
        guard let interval, let notifier else { return }
        let timer = LoopTimer { [unowned self] in
            notifier.watchdog()
            if let watchdogTimer { runtime.loop.schedule(watchdogTimer, after: interval) }
        }
        watchdogTimer = timer
        runtime.loop.schedule(timer, after: interval)
    }
}
