import Forwarder
import HTTP1
import Retry

extension GiveUpNotifier: TransferDelegate {
    /// The most of a webhook's response body read; past it the transfer stops (the head already decided).
    static let maxResponseBodyBytes = 64 * 1024

    /// Parses the webhook's response head; a malformed one aborts the attempt, which then counts as failed.
    package func transfer(_ transfer: Transfer, didReceiveHeaderLine line: UnsafeRawBufferPointer) -> Bool {
        // A transfer abandoned from inside libcurl is cancelled only once libcurl returns; it must not feed the parser.
        guard transfer === self.transfer else { return false }
        do {
            if case .complete(let head, _, _) = try headParser.feed(line: line) { responseHead = head }
            return true
        } catch {
            return false
        }
    }

    /// Reads and discards the body so the connection can be reused.
    package func transfer(_ transfer: Transfer, didReceiveBody bytes: UnsafeRawBufferPointer) -> BodyDisposition {
        transfer.bodyBytesReceived + bytes.count > Self.maxResponseBodyBytes ? .abort : .accepted
    }

    /// Never asked: the event body is buffered.
    package func transfer(_ transfer: Transfer, readBodyInto buffer: UnsafeMutableRawBufferPointer) -> BodyRead {
        .abort
    }

    /// A complete head decides the attempt even when the body was cut short; without one, the failure does.
    package func transfer(_ transfer: Transfer, didCompleteWith result: Result<Void, UpstreamError>) {
        guard attemptActive, self.transfer == nil || self.transfer === transfer else { return }
        if let head = responseHead {
            attemptEnded(.response(status: head.status, headers: head.headers.map { ($0.name, $0.value) }))
            return
        }
        let failure: TransportFailure
        switch result {
        case .success:
            failure = TransportFailure(kind: .maybeProcessed, isBadResponse: true, message: "no complete response head")
        case .failure(let error):
            failure = error.transportFailure
        }
        attemptEnded(.failure(failure))
    }
}
