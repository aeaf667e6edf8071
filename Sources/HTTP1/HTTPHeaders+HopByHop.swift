extension HTTPHeaders {
    /// Fields that describe one connection rather than the message (RFC 9110 §7.6.1), always dropped by a proxy.
    static let hopByHopNames = [
        "connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "proxy-authorization",
    ]

    /// The end-to-end headers: drops Connection and every header it names (comma list, case-insensitive), Keep-Alive,
    /// Proxy-Connection, TE, Transfer-Encoding, Upgrade, Proxy-Authorization.
    package func removingHopByHop() -> HTTPHeaders {
        var result = HTTPHeaders()
        result.fields.reserveCapacity(fields.count)
        forEachEndToEnd { result.fields.append($0) }
        return result
    }

    /// The end-to-end headers as `removingHopByHop()` keeps them, then `replaceOrAdd(name:value:)` applied, in one
    /// pass and one allocation: every proxied response head is relayed this way with the attempts header.
    package func removingHopByHop(setting replacedName: String, to replacement: String) -> HTTPHeaders {
        var result = HTTPHeaders()
        // Room for the replacement too: appending it past an exact reservation would allocate a second time.
        result.fields.reserveCapacity(fields.count + 1)
        var replaced = false
        // Compared by length first without a call: most names differ in length from the replaced one.
        let replacedCount = replacedName.utf8.count
        forEachEndToEnd { field in
            if field.name.utf8.count == replacedCount && ASCII.equalsIgnoringCase(field.name, replacedName) {
                // The first keeps its place and its spelling, as replaceOrAdd does; later ones go.
                if !replaced { result.fields.append((name: field.name, value: replacement)) }
                replaced = true
                return
            }
            result.fields.append(field)
        }
        if !replaced { result.fields.append((name: replacedName, value: replacement)) }
        return result
    }

    /// Calls `body` with each end-to-end field in order: the fields ``removingHopByHop()`` keeps, without a copy.
    func forEachEndToEnd(_ body: (Element) -> Void) {
        // Runs on every request and every response head. Almost every Connection header says only "keep-alive" or
        // "close", which nominate nothing beyond the fixed list: only another option makes each field be checked
        // against the Connection values (callgrind: 64 name comparisons per proxied response before).
        var nominatesOthers = false
        var nominatesClose = false
        for field in fields where Self.isConnection(field.name) {
            ASCII.forEachListElement(field.value) { token in
                if ASCII.equalsIgnoringCase(token, "close") {
                    nominatesClose = true
                } else if !ASCII.equalsIgnoringCase(token, "keep-alive") {
                    nominatesOthers = true
                }
            }
        }
        for field in fields {
            if Self.isHopByHop(field.name) { continue }
            if nominatesOthers && isNominatedByConnection(field.name) { continue }
            if nominatesClose && field.name.utf8.count == 5 && ASCII.equalsIgnoringCase(field.name, "close") {
                continue
            }
            body(field)
        }
    }

    private static func isConnection(_ name: String) -> Bool {
        name.utf8.count == 10 && ASCII.equalsIgnoringCase(name, "connection")
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
        for field in fields where Self.isConnection(field.name) {
            var nominated = false
            ASCII.forEachListElement(field.value) { token in
                if !nominated && ASCII.equalsIgnoringCase(token, name) { nominated = true }
            }
            if nominated { return true }
        }
        return false
    }
}
