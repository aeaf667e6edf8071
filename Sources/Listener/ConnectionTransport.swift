import Loop

/// What a client connection reads and writes through once it is no longer plain TCP: a TLS session after the
/// forward proxy answered a CONNECT. Plain connections have none and call the socket directly.
package protocol ConnectionTransport: AnyObject {
    /// Reads decrypted bytes into `buffer`; `.done(0)` is the end of the stream. It returns fewer bytes than asked
    /// only when the socket has nothing more for now, as a plain read does, so edge-triggered reading stays correct.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int>
    /// Writes some of `bytes`; `.wouldBlock` when nothing could be written now. A retry after `.wouldBlock` passes
    /// the same bytes again (more may follow them).
    func write(_ bytes: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int>
    /// Ends the write side in an orderly way (TLS close_notify, then the socket's FIN).
    func shutdownWrite()
}
