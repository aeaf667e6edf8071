import Loop

/// The vendor API a listener forwards to: scheme, host, optional port and a base path prefixed to every request.
package struct UpstreamURL: Sendable, Equatable {
    /// `http` or `https`.
    package var scheme: String
    /// The host without brackets (an IPv6 literal stays bare here and gets brackets in `origin`).
    package var host: String
    /// The explicit port, or `nil` for the scheme's default.
    package var port: UInt16?
    /// `""` or a path like `/v2`, never with a trailing slash.
    package var basePath: String

    /// Creates a URL from its parts.
    package init(scheme: String, host: String, port: UInt16? = nil, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses `https://api.vendor.example:8443/v2`; `nil` when malformed.
    package static func parse(_ text: String) -> UpstreamURL? {
        try? parsed(text).get()
    }

    /// `scheme://host[:port]`, the part of every forwarded URL before the path.
    package var origin: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart)" + (port.map { ":\($0)" } ?? "")
    }

    /// The URL to forward a client's request target to: origin + base path + target.
    ///
    /// An origin-form target (`/x?y`) is appended to the base path. An absolute-form target
    /// (`http://host/x?y`, as sent to proxies) keeps only its path and query, because the upstream is fixed by
    /// configuration. The asterisk form (`OPTIONS *`) maps to the base path itself.
    package func url(forTarget target: String) -> String {
        var pathAndQuery = Substring(target)
        if target == "*" {
            return origin + (basePath.isEmpty ? "/" : basePath)
        }
        if let schemeEnd = target.firstRange(of: "://"), !target.hasPrefix("/") {
            let afterAuthority = target[schemeEnd.upperBound...]
            pathAndQuery =
                afterAuthority.firstIndex(where: { $0 == "/" || $0 == "?" }).map { afterAuthority[$0...] } ?? ""
        }
        if !pathAndQuery.hasPrefix("/") {
            pathAndQuery = "/" + pathAndQuery
        }
        return origin + basePath + pathAndQuery
    }

    /// Why a text is not an upstream URL, in words an error message can quote.
    package struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        package var description: String

        init(_ description: String) {
            self.description = description
        }
    }

    /// Parses like `parse(_:)` but says what is wrong.
    package static func parsed(_ text: String) -> Result<UpstreamURL, Invalid> {
        guard let schemeEnd = text.firstRange(of: "://") else {
            return .failure(Invalid("expected an absolute URL like https://api.vendor.example/v2"))
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(Invalid("scheme must be http or https, not \"\(scheme)\""))
        }
        let rest = text[schemeEnd.upperBound...]
        guard !rest.contains("?"), !rest.contains("#") else {
            return .failure(Invalid("a query or fragment is not allowed; the client's request supplies them"))
        }
        guard !rest.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true })
        else {
            return .failure(Invalid("whitespace and control characters are not allowed"))
        }
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<pathStart]
        guard !authority.contains("@") else {
            return .failure(Invalid("credentials in the URL are not supported; use set_headers"))
        }
        let hostAndPort: (host: String, port: Substring?)
        switch splitAuthority(authority) {
        case .success(let value): hostAndPort = value
        case .failure(let problem): return .failure(problem)
        }
        var port: UInt16?
        if let portText = hostAndPort.port {
            guard let value = IPLiteral.port(portText, allowingZero: false) else {
                return .failure(Invalid("port must be a number from 1 to 65535"))
            }
            port = value
        }
        var basePath = String(rest[pathStart...])
        while basePath.hasSuffix("/") { basePath.removeLast() }
        return .success(UpstreamURL(scheme: scheme, host: hostAndPort.host, port: port, basePath: basePath))
    }

    /// Splits `host[:port]` or `[v6][:port]` and checks the host.
    private static func splitAuthority(
        _ authority: Substring
    ) -> Result<(host: String, port: Substring?), Invalid> {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                return .failure(Invalid("unterminated [IPv6] host"))
            }
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            guard IPLiteral.isIPv6(host) else { return .failure(Invalid("\"\(host)\" is not an IPv6 address")) }
            let after = authority[authority.index(after: close)...]
            if after.isEmpty { return .success((host, nil)) }
            guard after.hasPrefix(":") else { return .failure(Invalid("unexpected text after [IPv6] host")) }
            return .success((host, after.dropFirst()))
        }
        let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let host = parts[0].lowercased()
        let isHostName =
            !host.isEmpty && !host.hasPrefix(".") && !host.hasPrefix("-")
            && host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        guard isHostName else { return .failure(Invalid("missing or invalid host name")) }
        return .success((host, parts.count == 2 ? parts[1] : nil))
    }
}
