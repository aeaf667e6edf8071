import Admin
import ArgumentParser
import Config
import FoundationEssentials
import Journal
import Logging
import Loop
import Notify
import Proxy
import Service

#if canImport(Glibc)
    import Glibc
#endif

/// `retryd run`: serve until SIGINT or SIGTERM; SIGHUP reloads the configuration file.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the proxy (the default command).")

    @OptionGroup var source: ConfigOptions

    @Option(name: .long, help: "Overrides log_level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    func validate() throws {
        try source.validate()
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    func run() throws {
        // Before any thread starts, so that all of them leave SIGTERM, SIGHUP and SIGINT to the loop's signalfd.
        try SignalWatcher.blockWatchedSignals()
        let environment = ProcessInfo.processInfo.environment
        let loaded = try source.load(environment: environment)
        let settings = LogSettings(loaded, override: logLevel, environment: environment)
        RetrydLogHandler.bootstrap(format: settings.format, level: settings.level, environment: environment)
        RetrydLogHandler.reconfigure(format: settings.format, level: settings.level, redactor: settings.redactor)
        let logger = Logger(label: "retryd")

        let activation = SocketActivation.fromEnvironment(environment, pid: getpid())
        SocketActivation.unsetEnvironment()
        let runtime = try ProxyRuntime(
            settings: loaded.proxy, logger: logger, inherited: Self.inheritedSockets(activation, for: loaded),
            workers: loaded.workerCount(availableCPUs: Sys.availableCPUs()))
        let metrics = RetrydMetrics()
        let journal = Self.startJournal(loaded, logger: logger, metrics: metrics)
        let admin = try loaded.admin.map { adminSettings in
            let server = try AdminServer.start(
                on: runtime, settings: adminSettings, version: RetrydVersion.string, metrics: metrics)
            let bound = server.readiness
            server.readiness = { !runtime.isShuttingDown && bound() }
            server.giveUps = journal.map { Self.giveUpsResponder(directory: $0.directory) }
            server.recentGiveUps = journal.map { Self.recentGiveUpsReader(directory: $0.directory) }
            logger.info("admin endpoints on \(server.localAddress): / /healthz /readyz /metrics /status /giveups")
            return server
        }
        if let notify = loaded.notify {
            let giveUpNotifier = GiveUpNotifier(
                settings: notify, forwarder: runtime.forwarder, loop: runtime.loop, logger: logger, journal: journal)
            runtime.addObserver(giveUpNotifier)
            let counters = giveUpNotifier.counters
            metrics.showWebhook {
                WebhookTotals(
                    delivered: counters.delivered, failed: counters.failed, dropped: counters.dropped,
                    queued: counters.queued)
            }
        } else if let journal {
            runtime.addObserver(JournalRecorder(journal: journal))
        }
        // The access log goes straight to the same stderr batch as the logger's lines, in their format and level.
        runtime.setAccessLog { AccessLogWriter() }
        let notifier = SystemdNotifier(environment: environment)
        let supervisor = Supervisor(
            runtime: runtime, config: loaded, notifier: notifier, logger: logger, source: source,
            environment: environment,
            logLevelOverride: logLevel)
        let signals = try SignalWatcher(loop: runtime.loop) { supervisor.handle(signal: $0) }
        supervisor.startWatchdog(interval: SystemdNotifier.watchdogInterval(environment: environment, pid: getpid()))
        logger.info("\(runtime.loopCount) event \(runtime.loopCount == 1 ? "loop" : "loops") serving the listeners")
        notifier?.ready(status: "serving \(runtime.servingDescription)")
        // The loop's own log lines (one access line per request) go out once per iteration, not once per line.
        LogBatch.standardError.adoptCurrentThread()
        runtime.loop.afterIteration = { LogBatch.standardError.flush() }
        runtime.workerThreadStarted = { loop in
            LogBatch.standardError.adoptCurrentThread()
            loop.afterIteration = { LogBatch.standardError.flush() }
        }
        runtime.workerThreadFinished = { LogBatch.standardError.release() }
        defer { LogBatch.standardError.release() }
        try runtime.run()
        admin?.close()
        // Undelivered events stay pending in the journal for the next start; what the loop handed over is written.
        journal?.close()
        withExtendedLifetime(signals) {}
        logger.notice("stopped")
    }

    /// Matches sockets passed by systemd to upstreams: by FileDescriptorName, else by the listen address.
    static func inheritedSockets(_ activation: SocketActivation?, for config: RetrydConfig) -> [String: Int32] {
        guard let activation else { return [:] }
        var result: [String: Int32] = [:]
        for upstream in config.upstreams {
            if let fd = activation.fd(named: upstream.name)
                ?? activation.fd(forPort: upstream.listen.port, host: upstream.listen.host)
            {
                result[upstream.name] = fd
            }
        }
        return result
    }
}

extension LogSettings {
    /// The log settings a configuration asks for, with the command line's level taking precedence.
    init(_ config: RetrydConfig, override level: String?, environment: [String: String]) {
        self.init(
            format: config.log.format == .json ? .json : .text,
            level: Logger.Level(rawValue: level ?? config.log.level) ?? .info,
            journald: false,
            redactor: Redactor(secrets: config.secrets))
    }
}
