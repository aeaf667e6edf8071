import Loop

/// The TLS contexts of the intercepted hosts, each with a leaf certificate minted on first use and kept in memory
/// (never written to disk); shared by every event loop.
package final class LeafContexts: Sendable {
    private struct Entry {
        var context: TLSServerContext
        /// When a fresh leaf replaces this one: halfway through its validity.
        var renewAt: Int64
    }

    /// The CA that signs the leaves.
    package let authority: CertificateAuthority
    /// One key for every leaf: generated at start-up, held in memory only.
    private let leafKey: PrivateKey
    private let validity: Int64
    private let entries = LockedValue<[String: Entry]>([:])

    /// Contexts signed by `authority`, each leaf valid for `validity` seconds (at most the CA's own end).
    package init(authority: CertificateAuthority, validity: Int64 = 7 * 86400) throws(TLSError) {
        self.authority = authority
        self.validity = validity
        leafKey = try PrivateKey.generate()
    }

    /// The context for `host`, minting its leaf now if there is none or the old one is halfway to expiry.
    /// - Parameter now: seconds since the epoch.
    package func context(for host: String, now: Int64) throws(TLSError) -> TLSServerContext {
        if let entry = entries.withLock({ $0[host] }), entry.renewAt > now { return entry.context }
        // Minted outside the lock (a signature takes ~100 µs); two loops racing for a new host both mint, one wins.
        let leaf = try authority.mintLeaf(for: host, key: leafKey, now: now, validity: validity)
        let context = try TLSServerContext(certificate: leaf, key: leafKey)
        let renewAt = now + max((leaf.notAfter - now) / 2, 60)
        entries.withLock { $0[host] = Entry(context: context, renewAt: renewAt) }
        return context
    }
}
