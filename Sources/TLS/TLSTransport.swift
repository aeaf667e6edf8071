import COpenSSL
import Listener
import Loop

#if canImport(Glibc)
    import Glibc
#endif

/// A server-side TLS session on a non-blocking client socket, driven by the connection's epoll readiness.
///
/// OpenSSL reads and writes the descriptor itself; WANT_READ and WANT_WRITE become `.wouldBlock`, and the
/// connection, registered edge-triggered for both directions, retries on the next edge. The handshake happens inside
/// the first reads.
package final class TLSTransport: ConnectionTransport {
    private let ssl: OpaquePointer
    /// Keeps the context (and its certificate) alive as long as the session.
    private let context: TLSServerContext
    /// Hears OpenSSL's reason when the handshake fails: most often a client that does not trust retryd's CA.
    private let onHandshakeFailure: ((String) -> Void)?

    /// A session accepting a handshake on `fd`, which stays owned by the connection (OpenSSL never closes it).
    /// - Parameter onHandshakeFailure: called at most once, with OpenSSL's reasons, if the handshake fails.
    package init(fd: Int32, context: TLSServerContext, onHandshakeFailure: ((String) -> Void)? = nil)
        throws(SysError)
    {
        guard let ssl = SSL_new(context.pointer) else { throw SysError(call: "SSL_new", errno: ENOMEM) }
        guard SSL_set_fd(ssl, fd) == 1 else {
            SSL_free(ssl)
            throw SysError(call: "SSL_set_fd", errno: EBADF)
        }
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.context = context
        self.onHandshakeFailure = onHandshakeFailure
    }

    deinit { SSL_free(ssl) }

    /// Reads until `buffer` is full or the socket has nothing more: OpenSSL returns one record per call, and a short
    /// read must mean "drained" to the edge-triggered caller.
    package func read(into buffer: UnsafeMutableRawBufferPointer) throws(SysError) -> IOResult<Int> {
        var total = 0
        while total < buffer.count {
            let count = SSL_read(ssl, buffer.baseAddress! + total, Int32(min(buffer.count - total, Int(Int32.max))))
            if count > 0 {
                total += Int(count)
                continue
            }
            switch try outcome(of: count, call: "SSL_read") {
            case .wouldBlock: return total > 0 ? .done(total) : .wouldBlock
            case .done: return .done(total)  // close_notify or EOF: what was read first, then 0 on the next call
            }
        }
        return .done(total)
    }

    /// Writes what OpenSSL takes now (partial writes are enabled).
    package func write(_ bytes: UnsafeRawBufferPointer) throws(SysError) -> IOResult<Int> {
        guard !bytes.isEmpty else { return .done(0) }
        let count = SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
        if count > 0 { return .done(Int(count)) }
        switch try outcome(of: count, call: "SSL_write") {
        case .wouldBlock: return .wouldBlock
        case .done: throw SysError(call: "SSL_write", errno: EPIPE)
        }
    }

    /// Sends close_notify (once, without waiting for the peer's) and the socket's FIN.
    package func shutdownWrite() {
        if SSL_is_init_finished(ssl) == 1 { _ = SSL_shutdown(ssl) }
        ERR_clear_error()
        Sys.shutdownWrite(SSL_get_fd(ssl))
    }

    /// The ALPN protocol chosen in the handshake ("" without ALPN).
    package var negotiatedProtocol: String {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        retryd_ssl_alpn_selected(ssl, &data, &length)
        guard let data else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// Maps a non-positive SSL_read/SSL_write result: `.wouldBlock` to wait for an edge, `.done(0)` for the end of
    /// the stream; anything else (a handshake failure, a protocol error, a reset) throws, and the connection closes.
    private func outcome(of result: Int32, call: String) throws(SysError) -> IOResult<Int> {
        let savedErrno = Glibc.errno
        let error = SSL_get_error(ssl, result)
        switch error {
        case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE:
            return .wouldBlock
        case SSL_ERROR_ZERO_RETURN:
            return .done(0)
        case SSL_ERROR_SYSCALL:
            ERR_clear_error()
            // errno 0: the peer closed without close_notify; HTTP/1.1 framing tells whether anything was lost.
            if savedErrno == 0 { return .done(0) }
            throw SysError(call: call, errno: savedErrno)
        default:
            let reasons = TLSError.drainErrorQueue()
            if SSL_is_init_finished(ssl) != 1 { onHandshakeFailure?(reasons) }
            throw SysError(call: call, errno: EPROTO)
        }
    }
}
