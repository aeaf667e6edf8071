/// Why a request or an upstream response head was rejected; each case maps to one status and one JSON code.
package enum HTTP1Error: Error, Sendable, Equatable {
    // Request line.
    /// The request line is not `method SP request-target SP HTTP-version`.
    case badRequestLine
    /// More empty lines before the request line than `HTTP1Limits.maxEmptyLinesBeforeRequest`.
    case tooManyEmptyLines
    /// The method is not a token.
    case invalidMethod
    /// The method is longer than `HTTP1Limits.maxMethodBytes`, so no method retryd implements (501).
    case methodTooLong
    /// The request-target holds bytes outside visible ASCII or is not in a form the method allows.
    case invalidRequestTarget
    /// The version is not `HTTP/<digit>.<digit>`.
    case invalidVersion
    /// A well-formed version other than HTTP/1.0 or HTTP/1.1 (505).
    case unsupportedVersion
    /// The request-target exceeds `HTTP1Limits.maxRequestTargetBytes` (414).
    case requestTargetTooLong

    // Header section.
    /// The request line and header section exceed `HTTP1Limits.maxHeaderBytes` (431).
    case headerSectionTooLarge
    /// More field lines than `HTTP1Limits.maxHeaderCount` (431).
    case tooManyHeaders
    /// A field name is empty, not a token, or has no colon.
    case invalidHeaderName
    /// A field value holds NUL or another control character, or invalid UTF-8.
    case invalidHeaderValue
    /// Whitespace between a field name and its colon (RFC 9112 §5.1).
    case whitespaceBeforeColon
    /// A line starting with SP or HTAB (obs-fold, RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A CR not followed by LF.
    case bareCR
    /// An LF not preceded by CR.
    case bareLF
    /// An HTTP/1.1 request without Host.
    case missingHost
    /// More than one Host field.
    case duplicateHost
    /// A Host value with bytes no authority can hold.
    case invalidHost
    /// An empty Host value on an origin-form request: an http URI must have a host (RFC 9110 §4.2.1).
    case emptyHost

    // Body framing.
    /// Both Content-Length and Transfer-Encoding.
    case contentLengthWithTransferEncoding
    /// A Content-Length that is not a single `1*DIGIT` fitting in Int.
    case invalidContentLength
    /// A second Content-Length field, even with the same value.
    case duplicateContentLength
    /// Transfer-Encoding on an HTTP/1.0 request (RFC 9112 §6.1).
    case transferEncodingInHTTP10
    /// A Transfer-Encoding with no coding, a coding that is not a token, or parameters on `chunked`.
    case invalidTransferEncoding
    /// A transfer coding other than `chunked` (501).
    case unknownTransferCoding
    /// The final transfer coding is not `chunked`, so the body length cannot be known.
    case chunkedNotFinal
    /// `chunked` applied more than once.
    case chunkedTwice

    // Chunked body.
    /// A chunk-size that is empty or not hexadecimal.
    case badChunkSize
    /// A chunk-size with more than 15 hex digits.
    case chunkSizeOverflow
    /// A chunk extension holding control characters.
    case badChunkExtension
    /// Chunk extensions longer than `HTTP1Limits.maxChunkExtensionBytes`.
    case chunkExtensionTooLong
    /// Chunk data not followed by exactly CRLF.
    case badChunkTerminator
    /// The declared or running body size exceeds `HTTP1Limits.maxBodyBytes` (413).
    case bodyTooLarge

    // Upstream response heads (the proxy answers 502).
    /// The upstream status line is not `HTTP/<version> <3 digits>[ <reason>]`.
    case upstreamBadStatusLine
    /// An upstream field line is malformed.
    case upstreamBadField
    /// The upstream head exceeds its byte limit.
    case upstreamHeadTooLarge
    /// An upstream Content-Length that is not a number.
    case upstreamInvalidContentLength
    /// Upstream Content-Length values that disagree.
    case upstreamConflictingContentLength
}
