import HTTP1

/// Removes secrets from log text: every configured secret value (e.g. an API key from `${VENDOR_KEY}`) is replaced
/// by "[redacted]", and so is the value of any Authorization / Proxy-Authorization / X-Api-Key / Cookie / Set-Cookie
/// header rendered as "Name: value".
package struct Redactor: Sendable {
    /// What replaces a secret.
    package static let placeholder = SensitiveFields.placeholder

    /// Header names whose values are credentials whatever they contain, lowercased.
    package static let sensitiveHeaderNames = SensitiveFields.credentialNames

    // Longest first, so a secret that contains a shorter one is removed whole.
    private let secrets: [[UInt8]]
    private let headerNames: [[UInt8]] = sensitiveHeaderNames.map { Array($0.utf8) }

    /// - Parameter secrets: Values to hide wherever they appear; empty strings are ignored.
    package init(secrets: [String] = []) {
        self.secrets = Set(secrets.filter { !$0.isEmpty }).map { Array($0.utf8) }.sorted { $0.count > $1.count }
    }

    /// Whether any secret value is configured.
    package var hasSecrets: Bool { !secrets.isEmpty }

    /// Whether a metadata key or header name carries a credential, so its whole value is hidden.
    package func isSensitive(name: String) -> Bool {
        SensitiveFields.isCredential(name)
    }

    /// `text` with every secret and every sensitive header value replaced by "[redacted]".
    package func redact(_ text: String) -> String {
        // A sensitive header value needs a colon; with no secrets configured a line without one has nothing to hide.
        if secrets.isEmpty && !text.utf8.contains(UInt8(ascii: ":")) { return text }
        let input = Array(text.utf8)
        // Most lines hold no secret: copy only once something has to be replaced.
        var output: [UInt8]? = nil
        var copied = 0
        var index = 0
        while index < input.count {
            let hidden: Range<Int>?
            if let secret = secrets.first(where: { input.hasPrefix($0, at: index) }) {
                hidden = index..<index + secret.count
            } else {
                hidden = headerValue(in: input, at: index)
            }
            guard let hidden else {
                index += 1
                continue
            }
            output = (output ?? []) + input[copied..<hidden.lowerBound] + Self.placeholderBytes
            copied = hidden.upperBound
            index = hidden.upperBound
        }
        guard let output else { return text }
        return String(decoding: output + input[copied...], as: UTF8.self)
    }

    private static let placeholderBytes = Array(placeholder.utf8)

    /// The value of a sensitive "Name: value" starting at `start`: everything after the colon and blanks up to the
    /// end of the line. The name must start at a word boundary so "Set-Cookie" is not cut in half.
    private func headerValue(in input: [UInt8], at start: Int) -> Range<Int>? {
        if start > 0, input[start - 1].isTokenCharacter { return nil }
        guard let name = headerNames.first(where: { input.hasPrefix($0, at: start, caseInsensitive: true) }) else {
            return nil
        }
        var index = start + name.count
        while index < input.count, input[index].isBlank { index += 1 }
        guard index < input.count, input[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        while index < input.count, input[index].isBlank { index += 1 }
        let valueStart = index
        while index < input.count, input[index] != UInt8(ascii: "\r"), input[index] != UInt8(ascii: "\n") {
            index += 1
        }
        return valueStart < index ? valueStart..<index : nil
    }
}

extension [UInt8] {
    fileprivate func hasPrefix(_ prefix: [UInt8], at start: Int, caseInsensitive: Bool = false) -> Bool {
        guard count - start >= prefix.count else { return false }
        for offset in 0..<prefix.count {
            let byte = self[start + offset]
            let folded = caseInsensitive && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            if folded != prefix[offset] { return false }
        }
        return true
    }
}

extension UInt8 {
    fileprivate var isBlank: Bool { self == 0x20 || self == 0x09 }

    fileprivate var isTokenCharacter: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self)
            || self == UInt8(ascii: "-") || self == UInt8(ascii: "_")
    }
}
