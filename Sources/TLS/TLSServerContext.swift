import COpenSSL

/// An OpenSSL server context for one certificate: TLS 1.2 and later, ALPN "http/1.1", non-blocking write modes.
package final class TLSServerContext: @unchecked Sendable {
    // SSL_CTX is safe to share between threads once configured; nothing changes it after init.
    let pointer: OpaquePointer
    /// Kept alive as long as the context uses them.
    private let certificate: Certificate
    private let key: PrivateKey

    /// A context presenting `certificate` alone (clients trust the CA itself) and proving it with `key`.
    package init(certificate: Certificate, key: PrivateKey) throws(TLSError) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSError("create a TLS context") }
        pointer = context
        self.certificate = certificate
        self.key = key
        guard retryd_ssl_ctx_set_min_tls12(context) == 1 else { throw TLSError("require TLS 1.2") }
        retryd_ssl_ctx_set_nonblocking_modes(context)
        retryd_ssl_ctx_use_http11_alpn(context)
        guard SSL_CTX_use_certificate(context, certificate.pointer) == 1,
            SSL_CTX_use_PrivateKey(context, key.pointer) == 1, SSL_CTX_check_private_key(context) == 1
        else { throw TLSError("use the leaf certificate") }
    }

    deinit { SSL_CTX_free(pointer) }
}
