import Loop

#if canImport(Glibc)
    import Glibc
#endif

/// The CA's name constraints, worked out from the configured vendor hosts: pure, so tests compare them exactly.
package enum NameConstraints {
    /// The permitted entry for `host`: a DNS name, or an IP literal as a single-address range.
    package static func entry(for host: String) -> String {
        if IPLiteral.isIPv4(host) { return "IP:\(host)/255.255.255.255" }
        if IPLiteral.isIPv6(host) {
            return "IP:\(canonicalIPv6(host))/" + Array(repeating: "FFFF", count: 8).joined(separator: ":")
        }
        return "DNS:\(host.lowercased())"
    }

    /// The permitted entries for `hosts`, sorted and without duplicates.
    package static func entries(for hosts: [String]) -> [String] {
        Array(Set(hosts.map(entry(for:)))).sorted()
    }

    /// The extension's configuration value for OpenSSL: "critical,permitted;DNS:a.example,permitted;IP:...".
    static func extensionValue(for hosts: [String]) -> String {
        (["critical"] + entries(for: hosts).map { "permitted;\($0)" }).joined(separator: ",")
    }

    /// The permitted entries in the text OpenSSL prints for a name constraints extension, normalized like
    /// ``entries(for:)`` (OpenSSL prints an IPv6 mask in its own spelling).
    static func permitted(inPrinted text: String) -> [String] {
        var result: [String] = []
        var inPermitted = false
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.drop { $0 == " " }
            if line.hasPrefix("Permitted:") {
                inPermitted = true
            } else if line.hasPrefix("Excluded:") {
                inPermitted = false
            } else if inPermitted {
                if line.hasPrefix("DNS:") {
                    result.append("DNS:" + line.dropFirst(4).lowercased())
                } else if line.hasPrefix("IP:") {
                    result.append(normalizedIP(String(line.dropFirst(3))))
                } else {
                    result.append(String(line))
                }
            }
        }
        return result.sorted()
    }

    /// One spelling per IPv6 address (inet_ntop's), so "0:0::1" and "::1" compare equal.
    private static func canonicalIPv6(_ text: String) -> String {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return text }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return text }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func normalizedIP(_ range: String) -> String {
        guard let slash = range.firstIndex(of: "/") else { return "IP:\(range)" }
        let address = String(range[..<slash])
        return entry(for: address)
    }
}
