#ifndef RETRYD_COPENSSL_SHIM_H
#define RETRYD_COPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

// Swift cannot call OpenSSL's function-like macros or variadic functions: each helper below is one of them, typed.

/// A fresh EC P-256 key pair (EVP_EC_gen is a macro over a variadic function).
static inline EVP_PKEY *retryd_ec_p256_generate(void) {
    return EVP_EC_gen("P-256");
}

/// TLS 1.2 as the lowest version the context accepts (SSL_CTX_set_min_proto_version is a macro).
static inline int retryd_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

/// Partial writes, a buffer that may move between retries, no renegotiation: what a non-blocking writer needs.
static inline void retryd_ssl_ctx_set_nonblocking_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                              | SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
}

/// The bytes a memory BIO holds (BIO_get_mem_data is a macro).
static inline long retryd_bio_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/// Selects "http/1.1" from the client's ALPN list, or lets the handshake go on without ALPN.
static inline int retryd_alpn_select_http11(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                                            const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl;
    (void)arg;
    static const unsigned char http11[] = "\x08http/1.1";
    unsigned char *selected = NULL;
    if (SSL_select_next_proto(&selected, outlen, http11, sizeof(http11) - 1, in, inlen) == OPENSSL_NPN_NEGOTIATED) {
        *out = selected;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

/// Installs ``retryd_alpn_select_http11`` on `ctx` (a C function pointer Swift would have to bridge).
static inline void retryd_ssl_ctx_use_http11_alpn(SSL_CTX *ctx) {
    SSL_CTX_set_alpn_select_cb(ctx, retryd_alpn_select_http11, NULL);
}

/// The ALPN protocol the handshake chose, or an empty string.
static inline void retryd_ssl_alpn_selected(const SSL *ssl, const unsigned char **data, unsigned int *len) {
    SSL_get0_alpn_selected(ssl, data, len);
}

#endif
