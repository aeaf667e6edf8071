/// What a request to a forward proxy asks for, from its method and request-target (RFC 9112 §3.2): a tunnel to an
/// authority, a resource named in absolute-form, or neither.
package enum ProxyTarget: Sendable, Equatable {
    /// `CONNECT host:port`: a tunnel. The host is lower-case, an IPv6 literal without its brackets.
    case connect(host: String, port: UInt16)
    /// `GET http://host[:port]/path`: the host lower-case, the port nil when the scheme's default.
    case absolute(scheme: String, host: String, port: UInt16?)
    /// Origin-form or asterisk-form: a request for the proxy itself, which serves none.
    case notProxied
    /// A CONNECT without a valid `host:port`, or an absolute-form target without a valid authority: 400.
    case malformed

    /// Classifies `target` as sent with `method` (already a token; the request line's syntax was checked).
    package init(method: String, target: String) {
        if method == "CONNECT" {
            guard let (host, port) = Self.authority(Substring(target)), let port else {
                self = .malformed
                return
            }
            self = .connect(host: host, port: port)
            return
        }
        guard let schemeEnd = target.firstRange(of: "://"), !target.hasPrefix("/") else {
            self = .notProxied
            return
        }
        let scheme = target[..<schemeEnd.lowerBound].lowercased()
        let rest = target[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard scheme == "http" || scheme == "https", let (host, port) = Self.authority(rest[..<authorityEnd]) else {
            self = .malformed
            return
        }
        self = .absolute(scheme: scheme, host: host, port: port)
    }

    /// `host[:port]` with a reg-name, an IPv4 address or a bracketed IPv6 literal; no userinfo. The port is nil when
    /// absent; a present one must be 1...65535.
    package static func authority(_ text: Substring) -> (host: String, port: UInt16?)? {
        guard !text.isEmpty else { return nil }
        let host: Substring
        let afterHost: Substring
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            afterHost = text[text.index(after: close)...]
        } else {
            let colon = text.lastIndex(of: ":") ?? text.endIndex
            host = text[..<colon]
            afterHost = text[colon...]
            guard !host.isEmpty, host.utf8.allSatisfy(isRegNameByte) else { return nil }
        }
        var port: UInt16?
        if !afterHost.isEmpty {
            let digits = afterHost.dropFirst()
            guard afterHost.first == ":", (1...5).contains(digits.count), digits.utf8.allSatisfy(ASCII.isDigit),
                let value = UInt16(digits), value > 0
            else { return nil }
            port = value
        }
        return (host.lowercased(), port)
    }

    /// unreserved / sub-delims (RFC 3986 §3.2.2) less the ones no DNS name or address uses ("%", "!", "$", "&"...).
    private static func isRegNameByte(_ byte: UInt8) -> Bool {
        ASCII.isDigit(byte) || ASCII.lowercased(byte) &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
    }
}
