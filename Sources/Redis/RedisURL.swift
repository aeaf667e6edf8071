import Loop

/// Where a Redis server is and how to log in: parsed from `redis://[[user]:password@]host[:port][/db]` or
/// `unix://[[user]:password@]/path/to.sock[?db=N]`.
package struct RedisURL: Sendable, Equatable, CustomStringConvertible {
    /// How to reach the server.
    package enum Endpoint: Sendable, Equatable {
        /// A TCP host (name, IPv4, or IPv6 without brackets) and port.
        case tcp(host: String, port: UInt16)
        /// A Unix domain socket path.
        case unix(path: String)
    }

    /// The port Redis listens on unless told otherwise.
    package static let defaultPort: UInt16 = 6379

    /// How to reach the server.
    package var endpoint: Endpoint
    /// The ACL user for `AUTH user password` (Redis 6+); nil means the default user.
    package var username: String?
    /// The password for `AUTH`; nil means no `AUTH` at all.
    package var password: String?
    /// The logical database to `SELECT`; 0 needs no `SELECT`.
    package var database: Int

    /// Creates a URL from its parts.
    package init(endpoint: Endpoint, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses a `redis://` or `unix://` URL.
    /// - Throws: ``RedisURLError`` naming the part that is wrong.
    package init(parsing text: String) throws(RedisURLError) {
        let scheme = text.prefix { $0 != ":" }.lowercased()
        guard text.dropFirst(scheme.count).hasPrefix("://") else { throw .unsupportedScheme(String(scheme.prefix(16))) }
        var rest = text.dropFirst(scheme.count + 3)
        guard scheme == "redis" || scheme == "unix" else { throw .unsupportedScheme(scheme) }
        if rest.contains("#") { throw .invalidCharacter(part: "fragment") }

        var queryDatabase: Int?
        if let question = rest.firstIndex(of: "?") {
            queryDatabase = try Self.parseQuery(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]

        (username, password) = (nil, nil)
        if let at = authority.lastIndex(of: "@") {
            (username, password) = try Self.parseUserInfo(authority[..<at])
            authority = authority[authority.index(after: at)...]
        }

        if scheme == "unix" {
            guard authority.isEmpty else { throw .invalidCharacter(part: "socket path (it must start with /)") }
            guard path.count > 1 else { throw .missingSocketPath }
            endpoint = .unix(path: String(path))
            database = queryDatabase ?? 0
            return
        }

        endpoint = try Self.parseHostAndPort(authority)
        var pathDatabase: Int?
        if path.count > 1 {
            pathDatabase = try Self.parseDatabase(path.dropFirst())
        }
        if pathDatabase != nil && queryDatabase != nil { throw .conflictingDatabase }
        database = pathDatabase ?? queryDatabase ?? 0
    }

    /// The URL with the password shown as `***`, safe for logs: `redis://:***@host:6379/0`.
    package var description: String {
        var userInfo = ""
        if password != nil || username != nil {
            userInfo = (username.map(Self.escape) ?? "") + ":" + (password == nil ? "" : "***") + "@"
        }
        switch endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : host
            return "redis://\(userInfo)\(shownHost):\(port)/\(database)"
        case .unix(let path):
            return "unix://\(userInfo)\(path)?db=\(database)"
        }
    }

    private static func parseQuery(_ query: Substring) throws(RedisURLError) -> Int? {
        var database: Int?
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == "db" else { throw .unknownParameter(String(parts[0])) }
            database = try parseDatabase(parts.count > 1 ? parts[1] : "")
        }
        return database
    }

    private static func parseDatabase(_ text: Substring) throws(RedisURLError) -> Int {
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let value = Int(text), value <= Int32.max else {
            throw .invalidDatabase(String(text.prefix(32)))
        }
        return value
    }

    private static func parseUserInfo(_ info: Substring) throws(RedisURLError) -> (String?, String?) {
        guard let colon = info.firstIndex(of: ":") else { throw .missingPasswordSeparator }
        let user = try percentDecode(info[..<colon], part: "user name")
        let password = try percentDecode(info[info.index(after: colon)...], part: "password")
        return (user.isEmpty ? nil : user, password.isEmpty ? nil : password)
    }

    private static func parseHostAndPort(_ authority: Substring) throws(RedisURLError) -> Endpoint {
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidCharacter(part: "IPv6 host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidCharacter(part: "IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .missingHost }
        guard host.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"/?#@[]".contains($0) }) else {
            throw .invalidCharacter(part: "host")
        }
        var port = defaultPort
        if let portText {
            guard !portText.isEmpty, portText.allSatisfy(\.isASCIIDigit), let value = UInt16(portText), value > 0
            else { throw .invalidPort(String(portText.prefix(16))) }
            port = value
        }
        return .tcp(host: String(host), port: port)
    }

    private static func percentDecode(_ text: Substring, part: String) throws(RedisURLError) -> String {
        guard let bytes = PercentEncoding.decode(text.utf8) else { throw .invalidPercentEncoding(part: part) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func escape(_ text: String) -> String {
        var escaped = ""
        for byte in text.utf8 {
            if byte.isURLUnreserved {
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return escaped
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension UInt8 {
    fileprivate var isURLUnreserved: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
