/// Reads one `chunk-size [ chunk-ext ] CRLF` line byte by byte, so chunk framing never needs buffering.
struct ChunkLineScanner {
    private enum Phase {
        case digits
        case whitespace
        case extensions
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
            try endOfDigits(byte, limits: limits)
        case .whitespace:
            // BWS is only allowed before ";" (RFC 9112 §7.1.1); "5 \r\n" is a known parser-differential.
            try countExtensionByte(limits: limits)
            if ASCII.isWhitespace(byte) { return false }
            guard byte == ASCII.semicolon else { throw .badChunkSize }
            phase = .extensions
        case .extensions:
            if byte == ASCII.carriageReturn {
                phase = .lineFeed
                return false
            }
            try countExtensionByte(limits: limits)
            if byte == ASCII.lineFeed {
                throw .bareLF
            } else if ASCII.isForbiddenInValue(byte) {
                throw .badChunkExtension
            }
        case .lineFeed:
            guard byte == ASCII.lineFeed else { throw .bareCR }
            return true
        }
        return false
    }

    /// Everything between the digits and the CR counts, whitespace included, so no byte of framing is free.
    private mutating func countExtensionByte(limits: HTTP1Limits) throws(HTTP1Error) {
        extensionBytes += 1
        guard extensionBytes <= limits.maxChunkExtensionBytes else { throw .chunkExtensionTooLong }
    }

    private mutating func endOfDigits(_ byte: UInt8, limits: HTTP1Limits) throws(HTTP1Error) {
        switch byte {
        case ASCII.semicolon, ASCII.space, ASCII.tab:
            try countExtensionByte(limits: limits)
            phase = byte == ASCII.semicolon ? .extensions : .whitespace
        case ASCII.carriageReturn: phase = .lineFeed
        case ASCII.lineFeed: throw .bareLF
        default: throw .badChunkSize
        }
    }
}
