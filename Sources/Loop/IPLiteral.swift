import Glibc

/// Checks for address literals and port numbers, shared by listen addresses and upstream URLs.
package enum IPLiteral {
    /// Whether `text` is a dotted-quad IPv4 address.
    package static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                (1...3).contains(part.count) && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255
            }
    }

    /// Whether `text` (without brackets) is an IPv6 address.
    package static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return text.contains(":") && inet_pton(AF_INET6, text, &address) == 1
    }

    /// A decimal port number, or `nil` when not a number in range.
    package static func port(_ text: Substring, allowingZero: Bool) -> UInt16? {
        guard (1...5).contains(text.count), text.allSatisfy(\.isASCIIDigit), let value = UInt16(text) else {
            return nil
        }
        return value == 0 && !allowingZero ? nil : value
    }
}

extension Character {
    /// Whether this is one of `0`–`9` (not any Unicode digit).
    fileprivate var isASCIIDigit: Bool {
        ("0"..."9").contains(self)
    }
}
