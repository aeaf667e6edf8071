/// Reads one `chunk-size [ chunk-ext ] CRLF` line byte by byte, so chunk framing never needs buffering.
///
/// Extensions follow RFC 9112 §7.1.1 exactly: `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )`,
/// where a name is a token and a value a token or a quoted-string. Extensions are dropped, not forwarded, but a
/// parser that accepts what the grammar does not (`5;`, `5;bad[=x`) reads framing differently from one that refuses
/// it: the raw material of request smuggling.
struct ChunkLineScanner {
    private enum Phase {
        case digits
        /// BWS after the size: only more BWS or ";" may follow.
        case afterSize
        /// After ";": BWS, then the first byte of a name.
        case nameStart
        case name
        /// BWS after a name: "=", ";", more BWS or the CR.
        case afterName
        /// After "=": BWS, then a token or a quoted-string.
        case valueStart
        case tokenValue
        case quotedValue
        /// After a backslash inside a quoted-string.
        case quotedPair
        /// After a complete value: BWS, ";" or the CR.
        case afterValue
        case lineFeed
    }

    private var phase = Phase.digits
    private var digits = 0
    private var extensionBytes = 0
    /// The chunk size read so far.
    private(set) var size = 0

    /// 15 hex digits fit in Int on every 64-bit platform; more would be rejected by any sane peer anyway.
    static let maxDigits = 15

    /// Consumes one byte; returns true once the line's LF has been consumed.
    mutating func consume(_ byte: UInt8, limits: HTTP1Limits) throws(HTTP1Error) -> Bool {
        switch phase {
        case .digits:
            if let value = ASCII.hexValue(byte) {
                digits += 1
                guard digits <= Self.maxDigits else { throw .chunkSizeOverflow }
                size = size << 4 | value
                return false
            }
            guard digits > 0 else { throw .badChunkSize }
            switch byte {
            case ASCII.carriageReturn: phase = .lineFeed
            case ASCII.lineFeed: throw .bareLF
            case ASCII.semicolon: phase = .nameStart
            case ASCII.space, ASCII.tab: phase = .afterSize
            default: throw .badChunkSize
            }
        case .lineFeed:
            guard byte == ASCII.lineFeed else { throw .bareCR }
            return true
        default:
            try consumeExtensionByte(byte)
        }
        if phase != .lineFeed { try countExtensionByte(limits: limits) }
        return false
    }

    /// One byte between the size digits and the CR.
    private mutating func consumeExtensionByte(_ byte: UInt8) throws(HTTP1Error) {
        if byte == ASCII.lineFeed { throw .bareLF }
        let isToken = ASCII.isTokenByte(byte)
        let isSpace = ASCII.isWhitespace(byte)
        switch phase {
        case .afterSize:
            // BWS is only allowed before ";" (RFC 9112 §7.1.1); "5 \r\n" is a known parser differential.
            guard isSpace || byte == ASCII.semicolon else { throw .badChunkSize }
            if !isSpace { phase = .nameStart }
        case .nameStart:
            guard isSpace || isToken else { throw .badChunkExtension }
            if isToken { phase = .name }
        case .name:
            try endOfToken(byte, isToken: isToken, isSpace: isSpace, next: .afterName, allowsEquals: true)
        case .afterName:
            // Trailing BWS before the CR is tolerated here and after a value: it cannot move the end of the line.
            switch byte {
            case ASCII.carriageReturn: phase = .lineFeed
            case ASCII.equals: phase = .valueStart
            case ASCII.semicolon: phase = .nameStart
            default: guard isSpace else { throw .badChunkExtension }
            }
        case .valueStart:
            if byte == ASCII.quote {
                phase = .quotedValue
            } else {
                guard isSpace || isToken else { throw .badChunkExtension }
                if isToken { phase = .tokenValue }
            }
        case .tokenValue:
            try endOfToken(byte, isToken: isToken, isSpace: isSpace, next: .afterValue, allowsEquals: false)
        case .quotedValue:
            // qdtext: HTAB, SP, visible ASCII but DQUOTE and backslash, obs-text.
            switch byte {
            case ASCII.quote: phase = .afterValue
            case ASCII.backslash: phase = .quotedPair
            default: guard !ASCII.isForbiddenInValue(byte) else { throw .badChunkExtension }
            }
        case .quotedPair:
            guard !ASCII.isForbiddenInValue(byte) else { throw .badChunkExtension }
            phase = .quotedValue
        case .afterValue:
            switch byte {
            case ASCII.carriageReturn: phase = .lineFeed
            case ASCII.semicolon: phase = .nameStart
            default: guard isSpace else { throw .badChunkExtension }
            }
        case .digits, .lineFeed:
            preconditionFailure("not an extension phase")
        }
    }

    /// Inside a name or a token value: the token goes on, or BWS, ";", the CR (or "=" after a name) ends it.
    private mutating func endOfToken(
        _ byte: UInt8, isToken: Bool, isSpace: Bool, next: Phase, allowsEquals: Bool
    ) throws(HTTP1Error) {
        if isToken { return }
        if isSpace {
            phase = next
        } else if byte == ASCII.semicolon {
            phase = .nameStart
        } else if byte == ASCII.carriageReturn {
            phase = .lineFeed
        } else if allowsEquals && byte == ASCII.equals {
            phase = .valueStart
        } else {
            throw .badChunkExtension
        }
    }

    /// Everything between the digits and the CR counts, whitespace included, so no byte of framing is free.
    private mutating func countExtensionByte(limits: HTTP1Limits) throws(HTTP1Error) {
        extensionBytes += 1
        guard extensionBytes <= limits.maxChunkExtensionBytes else { throw .chunkExtensionTooLong }
    }
}
