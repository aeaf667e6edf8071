extension HTTP1Error {
    /// The status the proxy answers with: 400, 413, 414, 431, 501, 505, or 502 for upstream heads.
    package var status: Int {
        switch self {
        case .unsupportedVersion: return 505
        case .requestTargetTooLong: return 414
        case .headerSectionTooLarge, .tooManyHeaders: return 431
        case .unknownTransferCoding, .methodTooLong: return 501
        case .bodyTooLarge: return 413
        case .upstreamBadStatusLine, .upstreamBadField, .upstreamHeadTooLarge, .upstreamInvalidContentLength,
            .upstreamConflictingContentLength:
            return 502
        default: return 400
        }
    }

    /// A short snake_case id for the JSON "error" field.
    package var code: String {
        switch self {
        case .badRequestLine: return "bad_request_line"
        case .tooManyEmptyLines: return "too_many_empty_lines"
        case .invalidMethod: return "invalid_method"
        case .methodTooLong: return "method_not_implemented"
        case .invalidRequestTarget: return "invalid_request_target"
        case .invalidVersion: return "invalid_version"
        case .unsupportedVersion: return "http_version_not_supported"
        case .requestTargetTooLong: return "uri_too_long"
        case .headerSectionTooLarge: return "header_too_large"
        case .tooManyHeaders: return "too_many_headers"
        case .invalidHeaderName: return "invalid_header_name"
        case .invalidHeaderValue: return "invalid_header_value"
        case .whitespaceBeforeColon: return "whitespace_before_colon"
        case .obsoleteLineFolding: return "obsolete_line_folding"
        case .bareCR: return "bare_cr"
        case .bareLF: return "bare_lf"
        case .missingHost: return "missing_host"
        case .duplicateHost: return "duplicate_host"
        case .invalidHost: return "invalid_host"
        case .emptyHost: return "empty_host"
        case .contentLengthWithTransferEncoding: return "content_length_with_transfer_encoding"
        case .invalidContentLength: return "invalid_content_length"
        case .duplicateContentLength: return "duplicate_content_length"
        case .transferEncodingInHTTP10: return "transfer_encoding_in_http10"
        case .invalidTransferEncoding: return "invalid_transfer_encoding"
        case .unknownTransferCoding: return "unsupported_transfer_coding"
        case .chunkedNotFinal: return "chunked_not_final"
        case .chunkedTwice: return "chunked_twice"
        case .badChunkSize: return "bad_chunk_size"
        case .chunkSizeOverflow: return "chunk_size_overflow"
        case .badChunkExtension: return "bad_chunk_extension"
        case .chunkExtensionTooLong: return "chunk_extension_too_long"
        case .badChunkTerminator: return "bad_chunk_terminator"
        case .bodyTooLarge: return "body_too_large"
        case .upstreamBadStatusLine: return "upstream_bad_status_line"
        case .upstreamBadField: return "upstream_bad_header"
        case .upstreamHeadTooLarge: return "upstream_header_too_large"
        case .upstreamInvalidContentLength: return "upstream_invalid_content_length"
        case .upstreamConflictingContentLength: return "upstream_conflicting_content_length"
        }
    }

    /// One human sentence for the JSON "detail" field.
    package var detail: String {
        switch self {
        case .badRequestLine:
            return "The request line must be 'METHOD SP request-target SP HTTP-version' followed by CRLF."
        case .tooManyEmptyLines: return "Too many empty lines were sent before the request line."
        case .invalidMethod: return "The request method is not a valid token."
        case .methodTooLong: return "The request method is longer than any method retryd implements."
        case .invalidRequestTarget: return "The request-target is malformed."
        case .invalidVersion: return "The HTTP version is malformed."
        case .unsupportedVersion: return "Only HTTP/1.0 and HTTP/1.1 are supported."
        case .requestTargetTooLong: return "The request-target is longer than the configured limit."
        case .headerSectionTooLarge: return "The request header section is larger than the configured limit."
        case .tooManyHeaders: return "The request has more header fields than the configured limit."
        case .invalidHeaderName: return "A header field name is empty, malformed, or not followed by a colon."
        case .invalidHeaderValue: return "A header field value contains a forbidden character."
        case .whitespaceBeforeColon: return "Whitespace between a header field name and the colon is not allowed."
        case .obsoleteLineFolding: return "Header lines folded with leading whitespace (obs-fold) are not allowed."
        case .bareCR: return "A CR not followed by LF was found."
        case .bareLF: return "Lines must end with CRLF; a bare LF was found."
        case .missingHost: return "An HTTP/1.1 request must carry a Host header."
        case .duplicateHost: return "The request carries more than one Host header."
        case .invalidHost: return "The Host header value is malformed."
        case .emptyHost: return "The Host header value is empty; an http request needs a host."
        case .contentLengthWithTransferEncoding:
            return "A request must not carry both Content-Length and Transfer-Encoding."
        case .invalidContentLength: return "Content-Length must be a single non-negative decimal number."
        case .duplicateContentLength: return "The request carries more than one Content-Length header."
        case .transferEncodingInHTTP10: return "Transfer-Encoding is not allowed on an HTTP/1.0 request."
        case .invalidTransferEncoding: return "The Transfer-Encoding header is malformed."
        case .unknownTransferCoding: return "Only the chunked transfer coding is supported."
        case .chunkedNotFinal: return "The final transfer coding must be chunked."
        case .chunkedTwice: return "The chunked transfer coding must not be applied more than once."
        case .badChunkSize: return "A chunk size is empty or not hexadecimal."
        case .chunkSizeOverflow: return "A chunk size is too large."
        case .badChunkExtension: return "A chunk extension contains a forbidden character."
        case .chunkExtensionTooLong: return "A chunk extension is longer than the configured limit."
        case .badChunkTerminator: return "Chunk data must be followed by CRLF."
        case .bodyTooLarge: return "The request body is larger than the configured limit."
        case .upstreamBadStatusLine: return "The upstream sent a malformed status line."
        case .upstreamBadField: return "The upstream sent a malformed header field."
        case .upstreamHeadTooLarge: return "The upstream response header section is too large."
        case .upstreamInvalidContentLength: return "The upstream sent an invalid Content-Length."
        case .upstreamConflictingContentLength: return "The upstream sent conflicting Content-Length values."
        }
    }
}
