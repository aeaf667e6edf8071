import COpenSSL

/// The forward proxy's CA: a certificate whose critical name constraints permit only the configured vendor hosts,
/// and its key, which signs a leaf certificate per intercepted host.
///
/// A leaked key cannot mint a certificate a client would accept for any other host: verifiers reject a chain whose
/// leaf names fall outside the CA's permitted subtrees (RFC 5280 §4.2.1.10).
package final class CertificateAuthority: Sendable {
    /// The CA certificate clients are told to trust.
    package let certificate: Certificate
    /// The CA's private key; never logged.
    let key: PrivateKey

    /// Pairs a certificate with its key.
    /// - Throws: `TLSError` when the key is not the certificate's.
    package init(certificate: Certificate, key: PrivateKey) throws(TLSError) {
        guard certificate.matches(key) else {
            throw TLSError("load the CA", detail: "the key does not belong to the certificate")
        }
        self.certificate = certificate
        self.key = key
    }

    /// A fresh CA for `hosts`, valid from an hour ago (clock skew) for `validity` seconds.
    /// - Parameter now: seconds since the epoch.
    package static func generate(hosts: [String], now: Int64, validity: Int64 = 5 * 365 * 86400) throws(TLSError)
        -> CertificateAuthority
    {
        let key = try PrivateKey.generate()
        let builder = try CertificateBuilder(
            commonName: "retryd forward proxy CA", publicKey: key, notBefore: now - 3600, notAfter: now + validity)
        try builder.add(NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
        try builder.add(NID_key_usage, "critical,keyCertSign,cRLSign")
        try builder.add(NID_subject_key_identifier, "hash")
        try builder.add(NID_name_constraints, NameConstraints.extensionValue(for: hosts))
        let certificate = try builder.sign(issuer: nil, key: key)
        return try CertificateAuthority(certificate: certificate, key: key)
    }

    /// The permitted names of the CA's critical name constraints (nil when it has none).
    package var permittedNames: [String]? { certificate.permittedNames }

    /// A leaf certificate for `host` signed by this CA: SAN = the host, serverAuth, valid from an hour ago for at most
    /// `validity` seconds and never past the CA's own end.
    /// - Parameters:
    ///   - key: the leaf's key (one key serves every leaf; it lives in memory only).
    ///   - now: seconds since the epoch.
    package func mintLeaf(for host: String, key: PrivateKey, now: Int64, validity: Int64 = 7 * 86400)
        throws(TLSError) -> Certificate
    {
        let builder = try CertificateBuilder(
            commonName: host, publicKey: key, notBefore: now - 3600,
            notAfter: min(now + validity, certificate.notAfter))
        let isAddress = NameConstraints.entry(for: host).hasPrefix("IP:")
        try builder.add(NID_basic_constraints, "critical,CA:FALSE")
        try builder.add(NID_key_usage, "critical,digitalSignature")
        try builder.add(NID_ext_key_usage, "serverAuth")
        try builder.add(NID_subject_alt_name, (isAddress ? "IP:" : "DNS:") + host)
        try builder.add(NID_subject_key_identifier, "hash", issuer: certificate)
        try builder.add(NID_authority_key_identifier, "keyid:always", issuer: certificate)
        return try builder.sign(issuer: certificate, key: self.key)
    }

    /// Whether a leaf this CA mints for `host` verifies against it, name constraints included: how a CA given in the
    /// configuration is checked against the configured hosts.
    package func covers(_ host: String, now: Int64) -> Bool {
        guard let leafKey = try? PrivateKey.generate(), let leaf = try? mintLeaf(for: host, key: leafKey, now: now)
        else { return false }
        return (try? verify(leaf, host: host)) != nil
    }

    /// Verifies `leaf` against this CA alone, with `host` as the expected name.
    /// - Throws: `TLSError` with OpenSSL's verification message (e.g. "permitted subtree violation").
    package func verify(_ leaf: Certificate, host: String) throws(TLSError) {
        guard let store = X509_STORE_new(), let context = X509_STORE_CTX_new() else { throw TLSError("verify") }
        defer {
            X509_STORE_CTX_free(context)
            X509_STORE_free(store)
        }
        X509_STORE_add_cert(store, certificate.pointer)
        guard X509_STORE_CTX_init(context, store, leaf.pointer, nil) == 1 else { throw TLSError("verify") }
        let parameters = X509_STORE_CTX_get0_param(context)
        if NameConstraints.entry(for: host).hasPrefix("IP:") {
            X509_VERIFY_PARAM_set1_ip_asc(parameters, host)
        } else {
            X509_VERIFY_PARAM_set1_host(parameters, host, 0)
        }
        guard X509_verify_cert(context) == 1 else {
            let code = X509_STORE_CTX_get_error(context)
            throw TLSError(
                "verify the leaf for \(host)", detail: String(cString: X509_verify_cert_error_string(Int(code))))
        }
    }
}
