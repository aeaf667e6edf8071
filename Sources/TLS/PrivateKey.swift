import COpenSSL

/// An EC P-256 key pair owned by Swift (freed with it). Its PEM form is a secret: it is never logged.
package final class PrivateKey: @unchecked Sendable {
    // Read-only after init: OpenSSL allows concurrent use of a key for signing and handshakes.
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    /// A fresh P-256 key from OpenSSL's CSPRNG.
    package static func generate() throws(TLSError) -> PrivateKey {
        guard let key = retryd_ec_p256_generate() else { throw TLSError("generate an EC P-256 key") }
        return PrivateKey(pointer: key)
    }

    /// Parses a PEM private key (PKCS#8 or the traditional EC form).
    package convenience init(pem: [UInt8]) throws(TLSError) {
        let key = pem.withUnsafeBytes { bytes -> OpaquePointer? in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, nil, nil)
        }
        guard let key else { throw TLSError("read the private key") }
        self.init(pointer: key)
    }

    /// The key as PKCS#8 PEM, unencrypted (the file's mode protects it).
    package func pem() throws(TLSError) -> [UInt8] {
        try MemoryBIO.collect("write the private key") { bio in
            PEM_write_bio_PrivateKey(bio, pointer, nil, nil, 0, nil, nil)
        }
    }
}

/// A memory BIO's contents, for the PEM and text writers that only write to BIOs.
enum MemoryBIO {
    /// Runs `write` on a fresh memory BIO and returns what it wrote; `write` returns OpenSSL's success flag.
    static func collect(_ operation: String, _ write: (OpaquePointer) -> Int32) throws(TLSError) -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw TLSError(operation) }
        defer { BIO_free(bio) }
        guard write(bio) > 0 else { throw TLSError(operation) }
        var data: UnsafeMutablePointer<CChar>?
        let count = retryd_bio_mem_data(bio, &data)
        guard count > 0, let data else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: count))
    }
}
