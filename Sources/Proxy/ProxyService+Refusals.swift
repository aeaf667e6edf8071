import Logging
import Retry

extension ProxyService {
    /// The shortest time between two warnings about requests refused for the same reason.
    static let refusalLogInterval: Duration = .seconds(10)

    /// Logs a request that the breaker, the budget or the gate refused: the whole report at debug level, and a
    /// warning at most once per ``refusalLogInterval`` per reason that says how many were refused since the last.
    /// In an outage most requests are refused, and a warning each would bury everything else in the log.
    func logRefusal(_ report: GiveUpReport) {
        let metadata: Logger.Metadata = ["upstream": .string(upstream.name)]
        logger.debug("\(report.logMessage)", metadata: metadata)
        let code = report.reason.code
        let interval = Self.refusalLogInterval
        guard let count = refusalWarnings[code, default: LogThrottle(interval: interval)].admit(now: loop.now) else {
            return
        }
        let latest =
            "\(report.method) \(TextEscaping.inlineText(report.path)) (\(report.finalStatus.map(String.init) ?? "-") to the client)"
        if count == 1 {
            logger.warning(
                "refused \(latest): \(report.reason); further refusals for this reason are summed here every \(interval.compactDescription), each is in the journal (retryd giveups --reason \(code))",
                metadata: metadata)
        } else {
            logger.warning(
                "refused \(count) requests since the last line (\(report.reason)), the latest \(latest); each is in the journal (retryd giveups --reason \(code))",
                metadata: metadata)
        }
    }
}
