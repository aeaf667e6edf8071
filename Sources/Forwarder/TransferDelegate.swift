import HTTP1

/// What the receiver did with a piece of response body.
package enum BodyDisposition: Sendable, Equatable {
    /// Taken; keep going.
    case accepted
    /// Not taken: the client is full. libcurl holds it until ``Forwarder/resume(_:)``.
    case pause
    /// Stop the transfer (the client is gone).
    case abort
}

/// Receives one transfer's events, always on the loop thread.
///
/// The header and body callbacks run inside libcurl: they must not start, cancel or resume transfers.
package protocol TransferDelegate: AnyObject {
    /// One raw header line of the upstream response, CRLF included (status line, fields, final empty line).
    /// Return false to abort the transfer.
    func transfer(_ transfer: Transfer, didReceiveHeaderLine line: UnsafeRawBufferPointer) -> Bool
    /// A piece of the response body, transfer coding removed.
    func transfer(_ transfer: Transfer, didReceiveBody bytes: UnsafeRawBufferPointer) -> BodyDisposition
    /// libcurl wants more of a streamed request body.
    func transfer(_ transfer: Transfer, readBodyInto buffer: UnsafeMutableRawBufferPointer) -> BodyRead
    /// The transfer ended; called from the loop, outside libcurl, exactly once unless cancelled.
    func transfer(_ transfer: Transfer, didCompleteWith result: Result<Void, UpstreamError>)
}
