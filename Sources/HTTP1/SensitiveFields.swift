/// Which header fields carry credentials, and what replaces them in logs: one list for the configuration (which of
/// its `set_headers` values to treat as secrets) and for the log handler (which values never to print).
package enum SensitiveFields {
    /// What replaces a secret wherever retryd writes text.
    package static let placeholder = "[redacted]"

    /// The standard credential headers, lowercased: their values are hidden wherever "Name: value" appears in text.
    package static let credentialNames = ["authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"]

    /// Words that mark a vendor's own credential header (`X-Vendor-Key`, `X-Client-Secret`, `X-Auth-Token`).
    static let credentialWords = ["key", "token", "secret", "password", "cookie", "authorization"]

    /// Whether `name` is one of the standard credential headers, ignoring case: what the log handler hides.
    package static func isCredential(_ name: String) -> Bool {
        // Every log line asks this of each metadata key: ASCII names are compared without a lowercased copy. Others
        // go through Unicode lowercasing, which can turn a non-ASCII letter (the Kelvin sign) into an ASCII one.
        guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return credentialNames.contains(name.lowercased()) }
        return credentialNames.contains { ASCII.equalsIgnoringCase(name, $0) }
    }

    /// Whether a header named `name` may carry a credential: a standard one, or a name with a credential word in it.
    /// What the configuration treats as a secret value; a false alarm only hides a value from its own summary.
    package static func mayBeCredential(_ name: String) -> Bool {
        if isCredential(name) { return true }
        let lowered = name.lowercased()
        return credentialWords.contains { lowered.contains($0) }
    }
}

extension HTTPHeaders {
    /// Whether `text` is a token (RFC 9110 §5.6.2): what a header name or a method must be.
    package static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(ASCII.isTokenByte)
    }

    /// Fields a proxy manages itself (hop-by-hop ones and the body's framing); a configuration may not set them.
    /// Proxy-Authorization is hop-by-hop from a client, but a configuration may send one on purpose (an upstream
    /// behind an authenticating proxy).
    package static let managedByProxy: Set<String> = Set(
        hopByHopNames.filter { $0 != "proxy-authorization" } + ["content-length", "trailer"])
}
