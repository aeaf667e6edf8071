import Loop

/// Where the forward proxy's CA comes from: made and kept under the state directory, or given by the operator.
package enum CASource: Sendable, Equatable {
    /// `state_dir/ca/`: `ca.key` (0600) and `ca.crt` (0644), made on first start.
    case generated(directory: String)
    /// `ca_cert` and `ca_key` from the configuration, used as they are.
    case given(certificate: String, key: String)

    /// The certificate file clients are told to trust.
    package var certificatePath: String {
        switch self {
        case .generated(let directory): return directory + "/ca.crt"
        case .given(let certificate, _): return certificate
        }
    }
}

/// The CA as loaded at start-up, and what loading it did.
package struct LoadedCA: Sendable {
    /// What happened to the files.
    package enum Outcome: Sendable, Equatable {
        /// A generated CA was made now (first start).
        case created
        /// The files were there and cover the configured hosts.
        case loaded
        /// The generated CA's name constraints no longer matched the configured hosts: a new one replaced it, and
        /// clients must trust the new certificate. Carries the old fingerprint for the log.
        case replaced(previousFingerprint: String)
    }

    /// The CA.
    package let authority: CertificateAuthority
    /// Its certificate file.
    package let certificatePath: String
    /// What loading did.
    package let outcome: Outcome
}

/// Loads or makes the forward proxy's CA files.
package enum CAStore {
    /// Loads the CA from `source` for `hosts`.
    ///
    /// A generated CA whose name constraints are not exactly `hosts` is replaced: the constraints are the security
    /// promise (a leaked key mints nothing else), so they follow the configuration rather than keep old hosts or
    /// refuse new ones. A given CA is never changed: start-up fails if it cannot sign for every host.
    /// - Parameter now: seconds since the epoch.
    /// - Throws: `TLSError` naming the file and what is wrong with it.
    package static func load(_ source: CASource, hosts: [String], now: Int64) throws(TLSError) -> LoadedCA {
        switch source {
        case .given(let certificatePath, let keyPath):
            let authority = try read(certificate: certificatePath, key: keyPath)
            for host in hosts where !authority.covers(host, now: now) {
                throw TLSError(
                    "use the CA \(certificatePath)",
                    detail: "it cannot sign a certificate for \(host) that verifies (its name constraints or "
                        + "validity do not allow it); give a CA that covers every upstream host, or drop ca_cert and "
                        + "ca_key to let retryd make one")
            }
            return LoadedCA(authority: authority, certificatePath: certificatePath, outcome: .loaded)
        case .generated(let directory):
            return try loadGenerated(directory: directory, hosts: hosts, now: now)
        }
    }

    private static func loadGenerated(directory: String, hosts: [String], now: Int64) throws(TLSError) -> LoadedCA {
        let certificatePath = directory + "/ca.crt"
        let keyPath = directory + "/ca.key"
        do {
            // The state directory itself may not exist yet on a first start (the journal makes it later).
            if let slash = directory.lastIndex(of: "/"), slash != directory.startIndex {
                try Sys.makeDirectory(String(directory[..<slash]), mode: 0o750)
            }
            // Others may read the certificate; the key file keeps its own 0600.
            try Sys.makeDirectory(directory, mode: 0o755)
        } catch {
            throw TLSError("make the CA directory", detail: error.description)
        }
        var previous: String?
        if Sys.exists(certificatePath) && Sys.exists(keyPath) {
            let existing = try read(certificate: certificatePath, key: keyPath)
            if existing.permittedNames == NameConstraints.entries(for: hosts) && existing.certificate.notAfter > now {
                return LoadedCA(authority: existing, certificatePath: certificatePath, outcome: .loaded)
            }
            previous = existing.certificate.sha256Fingerprint
        }
        let authority = try CertificateAuthority.generate(hosts: hosts, now: now)
        try write(authority, certificate: certificatePath, key: keyPath)
        return LoadedCA(
            authority: authority, certificatePath: certificatePath,
            outcome: previous.map { .replaced(previousFingerprint: $0) } ?? .created)
    }

    /// Reads the CA at `source` as it is, changing nothing (for `retryd ca`); nil when a generated CA was not made
    /// yet.
    package static func existing(_ source: CASource) throws(TLSError) -> CertificateAuthority? {
        switch source {
        case .given(let certificate, let key):
            return try read(certificate: certificate, key: key)
        case .generated(let directory):
            guard Sys.exists(directory + "/ca.crt") || Sys.exists(directory + "/ca.key") else { return nil }
            return try read(certificate: directory + "/ca.crt", key: directory + "/ca.key")
        }
    }

    private static func read(certificate certificatePath: String, key keyPath: String) throws(TLSError)
        -> CertificateAuthority
    {
        if let mode = Sys.permissions(of: keyPath), mode & 0o077 != 0 {
            throw TLSError(
                "use the CA key \(keyPath)",
                detail: "it is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        let certificate: Certificate
        let key: PrivateKey
        do {
            certificate = try Certificate(pem: try Sys.readFile(certificatePath, limit: 1 << 20))
        } catch let error as TLSError {
            throw TLSError("read the CA certificate \(certificatePath)", detail: error.detail)
        } catch {
            throw TLSError("read the CA certificate \(certificatePath)", detail: "\(error)")
        }
        do {
            key = try PrivateKey(pem: try Sys.readFile(keyPath, limit: 1 << 20))
        } catch let error as TLSError {
            throw TLSError("read the CA key \(keyPath)", detail: error.detail)
        } catch {
            throw TLSError("read the CA key \(keyPath)", detail: "\(error)")
        }
        return try CertificateAuthority(certificate: certificate, key: key)
    }

    /// Writes the key (0600 from its creation) and the certificate (0644) beside their final names, then renames
    /// them into place: a crash leaves the old pair or the new one, never a key without its certificate.
    private static func write(
        _ authority: CertificateAuthority, certificate certificatePath: String, key keyPath: String
    )
        throws(TLSError)
    {
        let newKey = keyPath + ".new"
        let newCertificate = certificatePath + ".new"
        do {
            try Sys.removeFile(newKey)
            try Sys.removeFile(newCertificate)
            try Sys.createFile(newKey, mode: 0o600, contents: try authority.key.pem())
            try Sys.createFile(newCertificate, mode: 0o644, contents: try authority.certificate.pem())
            try Sys.rename(newKey, to: keyPath)
            try Sys.rename(newCertificate, to: certificatePath)
        } catch let error as TLSError {
            throw error
        } catch {
            throw TLSError("write the CA", detail: "\(error)")
        }
    }
}
