import COpenSSL

#if canImport(Glibc)
    import Glibc
#endif

/// An X.509 certificate owned by Swift (freed with it).
package final class Certificate: @unchecked Sendable {
    // Read-only after init; OpenSSL allows concurrent reads and handshakes with it.
    let pointer: OpaquePointer

    init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }

    /// Parses the first certificate of a PEM file.
    package convenience init(pem: [UInt8]) throws(TLSError) {
        let certificate = pem.withUnsafeBytes { bytes -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_X509(bio, nil, nil, nil)
        }
        guard let certificate else { throw TLSError("read the certificate") }
        self.init(pointer: certificate)
    }

    /// The certificate in PEM.
    package func pem() throws(TLSError) -> [UInt8] {
        try MemoryBIO.collect("write the certificate") { PEM_write_bio_X509($0, pointer) }
    }

    /// The SHA-256 fingerprint as colon-separated upper-case hex, as `openssl x509 -fingerprint -sha256` prints it.
    package var sha256Fingerprint: String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(pointer, EVP_sha256(), &digest, &length) == 1 else { return "" }
        let hex = Array("0123456789ABCDEF")
        return digest.prefix(Int(length)).map { String([hex[Int($0 >> 4)], hex[Int($0 & 15)]]) }
            .joined(separator: ":")
    }

    /// The end of the validity period, in seconds since the epoch.
    package var notAfter: Int64 {
        Self.epochSeconds(X509_get0_notAfter(pointer))
    }

    /// Whether `key` is this certificate's private key.
    package func matches(_ key: PrivateKey) -> Bool {
        X509_check_private_key(pointer, key.pointer) == 1
    }

    /// The permitted subtrees of the critical name constraints ("DNS:api.vendor.example", "IP:10.0.0.1/255.255.255.255"),
    /// or nil when the certificate has no name constraints or they are not critical.
    package var permittedNames: [String]? {
        let index = X509_get_ext_by_NID(pointer, NID_name_constraints, -1)
        guard index >= 0, let ext = X509_get_ext(pointer, index), X509_EXTENSION_get_critical(ext) == 1 else {
            return nil
        }
        // The printed form is what operators compare with `openssl x509 -text`; parsing it avoids the sk_* macros.
        guard
            let text = try? MemoryBIO.collect("print the name constraints", { X509V3_EXT_print($0, ext, 0, 0) })
        else { return nil }
        return NameConstraints.permitted(inPrinted: String(decoding: text, as: UTF8.self))
    }

    static func epochSeconds(_ time: UnsafePointer<ASN1_TIME>?) -> Int64 {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return 0 }
        return Int64(timegm(&parts))
    }
}
