extension HTTPHeaders {
    /// Fields that describe one connection rather than the message (RFC 9110 §7.6.1), always dropped by a proxy.
    static let hopByHopNames = [
        "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "proxy-authorization",
    ]

    /// The end-to-end headers: drops Connection and every header it names (comma list, case-insensitive), Keep-Alive,
    /// Proxy-Connection, TE, Transfer-Encoding, Upgrade, Proxy-Authorization.
    package func removingHopByHop() -> HTTPHeaders {
        // Runs on every request and every response head: the names a Connection header nominates are matched in
        // place rather than collected into a list of new strings.
        let hasConnection = fields.contains { ASCII.equalsIgnoringCase($0.name, "connection") }
        var result = HTTPHeaders()
        result.fields.reserveCapacity(fields.count)
        for field in fields {
            if Self.isHopByHop(field.name) { continue }
            if hasConnection && isNominatedByConnection(field.name) { continue }
            result.fields.append(field)
        }
        return result
    }

    /// Whether `name` is one of `hopByHopNames`; the length picks the one or two candidates, so most names are
    /// turned away without comparing a byte.
    static func isHopByHop(_ name: String) -> Bool {
        switch name.utf8.count {
        case 2: ASCII.equalsIgnoringCase(name, "te")
        case 7: ASCII.equalsIgnoringCase(name, "upgrade")
        case 10: ASCII.equalsIgnoringCase(name, "connection") || ASCII.equalsIgnoringCase(name, "keep-alive")
        case 16: ASCII.equalsIgnoringCase(name, "proxy-connection")
        case 17: ASCII.equalsIgnoringCase(name, "transfer-encoding")
        case 19: ASCII.equalsIgnoringCase(name, "proxy-authorization")
        default: false
        }
    }

    /// Whether a Connection header lists `name` as one of its options.
    private func isNominatedByConnection(_ name: String) -> Bool {
        for field in fields where ASCII.equalsIgnoringCase(field.name, "connection") {
            var nominated = false
            ASCII.forEachListElement(field.value) { token in
                if !nominated && ASCII.equalsIgnoringCase(token, name) { nominated = true }
            }
            if nominated { return true }
        }
        return false
    }
}
