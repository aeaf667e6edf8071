extension HTTPHeaders {
    /// Fields that describe one connection rather than the message (RFC 9110 §7.6.1), always dropped by a proxy.
    static let hopByHopNames = [
        "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "proxy-authorization",
    ]

    /// The end-to-end headers: drops Connection and every header it names (comma list, case-insensitive), Keep-Alive,
    /// Proxy-Connection, TE, Transfer-Encoding, Upgrade, Proxy-Authorization.
    public func removingHopByHop() -> HTTPHeaders {
        var dropped = Self.hopByHopNames
        for value in self["connection"] {
            ASCII.forEachListElement(value) { token in
                dropped.append(String(decoding: token.lazy.map(ASCII.lowercased), as: UTF8.self))
            }
        }
        var result = HTTPHeaders()
        result.fields.reserveCapacity(fields.count)
        for field in fields where !dropped.contains(where: { ASCII.equalsIgnoringCase(field.name, $0) }) {
            result.fields.append(field)
        }
        return result
    }
}
