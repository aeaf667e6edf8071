import Testing

@testable import HTTP1

@Suite struct ResponseWriterTests {
    private func head(
        _ head: ResponseHead,
        framing: ResponseFraming,
        version: HTTPVersion = .http11,
        keepAlive: Bool = true
    ) -> String {
        var buffer: [UInt8] = []
        ResponseWriter.writeHead(head, framing: framing, clientVersion: version, keepAlive: keepAlive, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    // MARK: Framing decisions

    @Test(arguments: [
        ("HEAD", HTTPVersion.http11, 200, 10 as Int?, ResponseFraming.none),
        ("HEAD", .http10, 200, nil, .none),
        ("GET", .http11, 100, nil, .none),
        ("GET", .http11, 103, nil, .none),
        ("GET", .http11, 204, nil, .none),
        ("DELETE", .http11, 204, 0, .none),
        ("GET", .http11, 304, 1234, .none),
        ("GET", .http11, 200, 42, .contentLength(42)),
        ("POST", .http10, 201, 0, .contentLength(0)),
        ("GET", .http11, 200, nil, .chunked),
        ("GET", .http11, 500, nil, .chunked),
        ("GET", .http10, 200, nil, .closeDelimited),
    ])
    func framingDecision(method: String, version: HTTPVersion, status: Int, length: Int?, expected: ResponseFraming) {
        let framing = ResponseWriter.framing(
            requestMethod: method,
            clientVersion: version,
            status: status,
            contentLength: length
        )
        #expect(framing == expected)
    }

    // MARK: Heads

    @Test func contentLengthHeadReplacesUpstreamFraming() {
        let upstream = ResponseHead(
            status: 200,
            headers: [
                ("Content-Type", "text/plain"), ("content-length", "999"), ("Transfer-Encoding", "chunked"),
                ("Connection", "keep-alive"), ("X-Id", "7"),
            ]
        )
        #expect(
            head(upstream, framing: .contentLength(5))
                == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Id: 7\r\nContent-Length: 5\r\n\r\n"
        )
    }

    @Test func chunkedHeadForHTTP11() {
        let text = head(ResponseHead(status: 201, headers: [("A", "b")]), framing: .chunked)
        #expect(text == "HTTP/1.1 201 Created\r\nA: b\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    @Test func closeWhenNotKeptAlive() {
        let text = head(ResponseHead(status: 503), framing: .contentLength(0), keepAlive: false)
        #expect(text == "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    }

    @Test func http10KeepAliveIsAnnounced() {
        let text = head(ResponseHead(status: 200), framing: .contentLength(2), version: .http10)
        #expect(text == "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n")
    }

    @Test func closeDelimitedAlwaysSaysClose() {
        let text = head(ResponseHead(status: 200), framing: .closeDelimited, version: .http10, keepAlive: true)
        #expect(text == "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
    }

    @Test func noneKeepsUpstreamLengthForHeadAnd304() {
        let upstream = ResponseHead(status: 200, headers: [("Content-Length", "1234"), ("ETag", "\"x\"")])
        #expect(head(upstream, framing: .none) == "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nETag: \"x\"\r\n\r\n")
        let notModified = ResponseHead(status: 304, headers: [("Content-Length", "1234")])
        #expect(head(notModified, framing: .none) == "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n")
    }

    @Test func noneDropsLengthWhere204And1xxForbidIt() {
        let noContent = ResponseHead(status: 204, headers: [("Content-Length", "0"), ("X", "y")])
        #expect(head(noContent, framing: .none) == "HTTP/1.1 204 No Content\r\nX: y\r\n\r\n")
    }

    @Test func injectionAttemptsCannotSplitTheResponse() {
        let hostile = ResponseHead(
            status: 200,
            reason: "OK\r\nSet-Cookie: evil",
            headers: [("X-A", "v\r\nInjected: 1"), ("Bad Name", "x"), ("", "y"), ("X-B", "nul\u{0}")]
        )
        let text = head(hostile, framing: .contentLength(0))
        #expect(
            text == "HTTP/1.1 200 OK  Set-Cookie: evil\r\nX-A: v  Injected: 1\r\nX-B: nul \r\nContent-Length: 0\r\n\r\n"
        )
    }

    @Test func customReason() {
        #expect(
            head(ResponseHead(status: 200, reason: "Fine"), framing: .contentLength(0)).hasPrefix(
                "HTTP/1.1 200 Fine\r\n"))
    }

    // MARK: Chunks and fixed byte strings

    @Test(arguments: [(1, "1\r\n"), (15, "f\r\n"), (16, "10\r\n"), (4096, "1000\r\n"), (0xABCDEF, "abcdef\r\n")])
    func chunkPrefix(count: Int, expected: String) {
        var buffer = wire("existing")
        ResponseWriter.writeChunkPrefix(count: count, into: &buffer)
        #expect(buffer == wire("existing" + expected))
    }

    @Test func fixedByteStrings() {
        #expect(ResponseWriter.chunkSuffix == wire("\r\n"))
        #expect(ResponseWriter.lastChunk == wire("0\r\n\r\n"))
        #expect(ResponseWriter.continue100 == wire("HTTP/1.1 100 Continue\r\n\r\n"))
    }

    @Test func standardReasons() {
        #expect(ResponseHead.standardReason(for: 429) == "Too Many Requests")
        #expect(ResponseHead.standardReason(for: 431) == "Request Header Fields Too Large")
        #expect(ResponseHead.standardReason(for: 502) == "Bad Gateway")
        #expect(ResponseHead.standardReason(for: 299) == "Success")
        #expect(ResponseHead(status: 404).reason == "Not Found")
    }

    // MARK: Error responses

    @Test func errorResponseForParseErrorCloses() {
        let text = String(decoding: ErrorResponse.bytes(for: .headerSectionTooLarge), as: UTF8.self)
        let body =
            #"{"error":"header_too_large","detail":"The request header section is larger than the configured limit."}"#
        #expect(
            text == "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        )
    }

    @Test func errorResponseEscapesJSONAndKeepsExtraHeaders() {
        let bytes = ErrorResponse.bytes(
            status: 429,
            code: "rate_limited",
            detail: "say \"hi\" \\ now\n\t\u{1}é",
            keepAlive: true,
            extraHeaders: [("Retry-After", "5"), ("Content-Length", "1"), ("content-type", "text/html")]
        )
        let text = String(decoding: bytes, as: UTF8.self)
        let body = #"{"error":"rate_limited","detail":"say \"hi\" \\ now\n\t\u0001é"}"#
        #expect(
            text == "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 5\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
        )
    }

    @Test func everyErrorHasAStatusCodeAndDetail() {
        let errors: [HTTP1Error] = [
            .badRequestLine, .tooManyEmptyLines, .invalidMethod, .invalidRequestTarget, .invalidVersion,
            .unsupportedVersion, .requestTargetTooLong, .headerSectionTooLarge, .tooManyHeaders, .invalidHeaderName,
            .invalidHeaderValue, .whitespaceBeforeColon, .obsoleteLineFolding, .bareCR, .bareLF, .missingHost,
            .duplicateHost, .invalidHost, .contentLengthWithTransferEncoding, .invalidContentLength,
            .duplicateContentLength, .transferEncodingInHTTP10, .invalidTransferEncoding, .unknownTransferCoding,
            .chunkedNotFinal, .chunkedTwice, .badChunkSize, .chunkSizeOverflow, .badChunkExtension,
            .chunkExtensionTooLong, .badChunkTerminator, .bodyTooLarge, .upstreamBadStatusLine, .upstreamBadField,
            .upstreamHeadTooLarge, .upstreamInvalidContentLength, .upstreamConflictingContentLength,
        ]
        #expect(Set(errors.map(\.code)).count == errors.count)
        for error in errors {
            #expect([400, 413, 414, 431, 501, 502, 505].contains(error.status))
            #expect(error.code.allSatisfy { $0 == "_" || $0.isLowercase || $0.isNumber })
            #expect(error.detail.hasSuffix("."))
        }
        #expect(HTTP1Error.upstreamBadField.status == 502)
    }
}

extension ResponseWriterTests {
    // MARK: Heads written in one piece

    @Test func headIsAppendedAfterExistingBytes() {
        var buffer = wire("HTTP/1.1 100 Continue\r\n\r\n")
        ResponseWriter.writeHead(
            ResponseHead(status: 200, headers: [("A", "b")]), framing: .contentLength(1), clientVersion: .http11,
            keepAlive: true, into: &buffer)
        #expect(buffer == wire("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nA: b\r\nContent-Length: 1\r\n\r\n"))
    }

    @Test func largeHeadBeyondTheStackIsWrittenWhole() {
        let cookies = (0..<200).map { ("Set-Cookie", "session\($0)=" + String(repeating: "v", count: 100)) }
        let text = head(ResponseHead(status: 200, headers: HTTPHeaders(cookies)), framing: .chunked)
        let expected =
            "HTTP/1.1 200 OK\r\n" + cookies.map { "\($0.0): \($0.1)\r\n" }.joined()
            + "Transfer-Encoding: chunked\r\n\r\n"
        #expect(text == expected)
    }

    @Test func longestFixedFieldsFitTheBound() {
        let text = head(
            ResponseHead(status: Int.min, reason: ""), framing: .contentLength(Int.min), version: .http10)
        #expect(text == "HTTP/1.1 \(Int.min) \r\nContent-Length: \(Int.min)\r\nConnection: keep-alive\r\n\r\n")
        #expect(text.utf8.count == ResponseWriter.fixedHeadBound)
    }

    @Test func framingNamesAreMatchedIgnoringCase() {
        let upstream = ResponseHead(
            status: 200,
            headers: [
                ("CONTENT-LENGTH", "3"), ("Content-Length", "3"), ("transfer-ENCODING", "x"), ("CoNnEcTiOn", "y"),
            ]
        )
        #expect(head(upstream, framing: .none) == "HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 3\r\n\r\n")
    }
}
