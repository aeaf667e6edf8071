import Retry

extension GiveUpNotifier {
    /// Logs what became of an attempt. Header values never appear: they are the webhook's credentials.
    func report(_ verdict: DeliveryQueue.Verdict) {
        switch verdict {
        case .delivered(let attempts):
            logger.debug("give-up event delivered after \(Self.attempts(attempts))")
        case .retry(let wait, let reason, let attempt):
            let text =
                "give-up event delivery attempt \(attempt) of \(settings.maxAttempts) failed (\(reason)),"
                + " retrying in \(Durations.format(wait))"
            logger.info("\(text)")
        case .rejected(let status, let attempts):
            let text =
                "webhook rejected a give-up event with status \(status) after \(Self.attempts(attempts));"
                + " not retrying, event dropped"
            logger.warning("\(text)")
        case .failed(let reason, let history):
            let outcomes = history.map(\.outcome).joined(separator: ", ")
            let text =
                "gave up delivering a give-up event after \(Self.attempts(history.count)) (\(reason)): \(outcomes)"
            logger.warning("\(text)")
        }
    }

    /// Logs that the queue dropped its oldest event.
    func reportDrop() {
        if journal != nil {
            // Not lost: the event stays pending in the journal and is loaded once the queue has room.
            logger.notice(
                "notification queue full (max_queue \(settings.maxQueue)): the oldest give-up event waits in the journal"
            )
            return
        }
        let text =
            "notification queue full (max_queue \(settings.maxQueue)): dropped the oldest give-up event,"
            + " \(queue.dropped) dropped so far"
        logger.warning("\(text)")
    }

    private static func attempts(_ count: Int) -> String {
        count == 1 ? "1 attempt" : "\(count) attempts"
    }
}
