import Retry

extension UpstreamError {
    /// The failure as the retry planner sees it: sent or not, a timeout or not, a bad response or an unreachable
    /// upstream. The exchange and the webhook delivery both read failures this way.
    package var transportFailure: TransportFailure {
        TransportFailure(
            kind: mayHaveBeenSent ? .maybeProcessed : .unsent, isTimeout: isTimeout, isBadResponse: isBadResponse,
            message: message)
    }
}
