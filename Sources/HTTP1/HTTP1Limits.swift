/// Bounds on what one client may make the parser hold or accept; defaults in one place.
package struct HTTP1Limits: Sendable, Equatable {
    /// Request line plus header section, final CRLF included (431); also bounds chunked trailers.
    package var maxHeaderBytes = 64 * 1024
    /// Method length (501, RFC 9112 §3): retryd forwards any token, so this is what it "implements". The longest
    /// method in the IANA registry, UPDATEREDIRECTREF, has 17 bytes.
    package var maxMethodBytes = 32
    /// Request-target length (414).
    package var maxRequestTargetBytes = 8 * 1024
    /// Field lines in the header section (431); also bounds chunked trailers.
    package var maxHeaderCount = 100
    /// Declared Content-Length or running chunked total (413).
    package var maxBodyBytes = 128 * 1024 * 1024
    /// Empty lines tolerated before a request line (RFC 9112 §2.2 asks for at least one).
    package var maxEmptyLinesBeforeRequest = 4
    /// Bytes between the chunk-size digits and CR (BWS and extensions), so a client cannot stream framing without data.
    package var maxChunkExtensionBytes = 4 * 1024

    /// Creates the default limits.
    package init() {}
}
