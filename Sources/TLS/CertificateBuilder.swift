import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// An X.509 v3 certificate being put together: subject, key, validity and extensions, then signed.
final class CertificateBuilder {
    private let certificate: OpaquePointer
    private var signed = false

    init(commonName: String, publicKey: PrivateKey, notBefore: Int64, notAfter: Int64) throws(TLSError) {
        guard let certificate = X509_new() else { throw TLSError("create a certificate") }
        self.certificate = certificate
        guard X509_set_version(certificate, 2) == 1 else { throw TLSError("set the certificate version") }
        try Self.setRandomSerial(certificate)
        guard ASN1_TIME_set(X509_getm_notBefore(certificate), time_t(notBefore)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(certificate), time_t(notAfter)) != nil
        else { throw TLSError("set the validity") }
        guard X509_set_pubkey(certificate, publicKey.pointer) == 1 else { throw TLSError("set the public key") }
        let name = X509_get_subject_name(certificate)
        // Certificate names are at most 64 characters in CN; longer hosts still get their SAN, which is what counts.
        guard
            X509_NAME_add_entry_by_txt(
                name, "CN", MBSTRING_ASC, Array(commonName.utf8.prefix(64)), Int32(min(commonName.utf8.count, 64)), -1,
                0) == 1
        else { throw TLSError("set the subject") }
    }

    deinit {
        if !signed { X509_free(certificate) }
    }

    /// Adds the extension `nid` written in OpenSSL's configuration syntax ("critical,CA:TRUE,pathlen:0").
    /// - Parameter issuer: the issuing certificate, for the authority key identifier; nil while self-signing.
    func add(_ nid: Int32, _ value: String, issuer: Certificate? = nil) throws(TLSError) {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer?.pointer ?? certificate, certificate, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
            throw TLSError("make the \(String(cString: OBJ_nid2sn(nid))) extension")
        }
        defer { X509_EXTENSION_free(ext) }
        guard X509_add_ext(certificate, ext, -1) == 1 else { throw TLSError("add an extension") }
    }

    /// Signs with `key` (SHA-256) under `issuer`'s subject, or self-signed when `issuer` is nil.
    func sign(issuer: Certificate?, key: PrivateKey) throws(TLSError) -> Certificate {
        let issuerName = X509_get_subject_name(issuer?.pointer ?? certificate)
        guard X509_set_issuer_name(certificate, issuerName) == 1 else { throw TLSError("set the issuer") }
        if issuer == nil {
            // The self-signed CA identifies itself by its own key.
            try add(NID_authority_key_identifier, "keyid:always")
        }
        guard X509_sign(certificate, key.pointer, EVP_sha256()) > 0 else { throw TLSError("sign the certificate") }
        signed = true
        return Certificate(pointer: certificate)
    }

    private static func setRandomSerial(_ certificate: OpaquePointer) throws(TLSError) {
        // 127 random bits, top bit clear: positive and unique without a serial file to keep.
        guard let number = BN_new() else { throw TLSError("make a serial number") }
        defer { BN_free(number) }
        guard BN_rand(number, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1,
            BN_to_ASN1_INTEGER(number, X509_get_serialNumber(certificate)) != nil
        else { throw TLSError("make a serial number") }
    }
}
