import Events
import Loop
import Retry

/// Hands the calls a worker loop makes to an observer that keeps state of its own loop (the notifier, the journal
/// recorder) over to that loop, in order. The per-exchange calls are skipped when the observer does not want them,
/// so a busy worker pays nothing for an observer of give-ups.
final class HandOffObserver: ExchangeObserver {
    private let target: ExchangeObserver
    private let loop: EventLoop

    init(_ target: ExchangeObserver, to loop: EventLoop) {
        self.target = target
        self.loop = loop
    }

    /// `observer` itself when it may be called from any loop, else a hand-off to `loop`.
    static func wrapping(_ observer: ExchangeObserver, for loop: EventLoop) -> ExchangeObserver {
        observer.isThreadSafe ? observer : HandOffObserver(observer, to: loop)
    }

    private func handOff(_ body: @escaping (ExchangeObserver) -> Void) {
        let target = target
        loop.runOnLoop { body(target) }
    }

    func exchangeStarted(upstream: String) {
        guard target.wantsExchangeEvents else { return }
        handOff { $0.exchangeStarted(upstream: upstream) }
    }

    func attemptFinished(upstream: String, status: Int?, duration: Duration) {
        guard target.wantsExchangeEvents else { return }
        handOff { $0.attemptFinished(upstream: upstream, status: status, duration: duration) }
    }

    func retryScheduled(upstream: String, reason: RetryReason, wait: Duration) {
        guard target.wantsExchangeEvents else { return }
        handOff { $0.retryScheduled(upstream: upstream, reason: reason, wait: wait) }
    }

    func exchangeFinished(upstream: String, status: Int, attempts: Int, duration: Duration) {
        guard target.wantsExchangeEvents else { return }
        handOff { $0.exchangeFinished(upstream: upstream, status: status, attempts: attempts, duration: duration) }
    }

    func gaveUp(_ report: GiveUpReport) {
        handOff { $0.gaveUp(report) }
    }

    func connectionRefused(upstream: String) {
        handOff { $0.connectionRefused(upstream: upstream) }
    }

    func gateEvent(upstream: String, bucket: String, _ event: GateEvent) {
        handOff { $0.gateEvent(upstream: upstream, bucket: bucket, event) }
    }

    func sharedStateChanged(connected: Bool) {
        handOff { $0.sharedStateChanged(connected: connected) }
    }

    func verified(upstream: String, verdict: ProbeVerdict) {
        handOff { $0.verified(upstream: upstream, verdict: verdict) }
    }

    func healthEvent(upstream: String, _ event: HealthEvent) {
        handOff { $0.healthEvent(upstream: upstream, event) }
    }
}
