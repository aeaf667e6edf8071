import Loop

/// Where a listener binds: an IPv4 literal, `localhost` or an IPv6 literal, and a port (0 picks an ephemeral one).
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host without brackets: `127.0.0.1`, `localhost` or `::1`.
    package var host: String
    /// The TCP port; 0 asks the kernel for an ephemeral port.
    package var port: UInt16

    /// Creates an address from its parts.
    package init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:8080`, `localhost:8080` or `[::1]:8080`; `nil` when malformed.
    package static func parse(_ text: String) -> ListenAddress? {
        try? parsed(text).get()
    }

    /// `host:port`, with brackets around an IPv6 host.
    package var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Whether two listeners would collide: same host and same fixed port (ephemeral ports never collide).
    package func conflicts(with other: ListenAddress) -> Bool {
        port != 0 && port == other.port && host.lowercased() == other.host.lowercased()
    }

    /// Why a text is not a listen address, in words an error message can quote.
    package struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong.
        package var description: String

        init(_ description: String) {
            self.description = description
        }
    }

    /// Parses like `parse(_:)` but says what is wrong.
    package static func parsed(_ text: String) -> Result<ListenAddress, Invalid> {
        let expected = "expected host:port with an IPv4 address, \"localhost\" or [IPv6] as host"
        let host: String
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(Invalid(expected)) }
            host = String(text[text.index(after: text.startIndex)..<close])
            guard IPLiteral.isIPv6(host) else { return .failure(Invalid("\"\(host)\" is not an IPv6 address")) }
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return .failure(Invalid(expected)) }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return .failure(Invalid(expected)) }
            host = String(text[..<colon])
            guard host.lowercased() == "localhost" || IPLiteral.isIPv4(host) else {
                return .failure(Invalid(expected + " (host names other than localhost are not resolved)"))
            }
            portText = text[text.index(after: colon)...]
        }
        guard let port = IPLiteral.port(portText, allowingZero: true) else {
            return .failure(Invalid("port must be a number from 0 to 65535"))
        }
        return .success(ListenAddress(host: host.lowercased() == "localhost" ? "localhost" : host, port: port))
    }
}
