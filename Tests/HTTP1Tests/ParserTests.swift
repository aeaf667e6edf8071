import HTTP1
import Testing

@Suite struct ParserTests {
    @Test func simpleGetProducesHeadThenEnd() throws {
        let parsed = try feed(
            RawRequest.make(target: "/v1/items?q=1", headers: [("Host", "api.example"), ("X-A", "b")]))
        let expected = RequestHead(
            method: "GET",
            target: "/v1/items?q=1",
            version: .http11,
            headers: [("Host", "api.example"), ("X-A", "b")],
            framing: .none,
            keepAlive: true,
            expectsContinue: false
        )
        #expect(parsed.events == [.head(expected), .end])
        #expect(parsed.body.isEmpty)
    }

    @Test func headersKeepOrderDuplicatesAndSpelling() throws {
        let raw = wire("GET / HTTP/1.1\r\nhOsT: a\r\nX-Dup: 1\r\nx-dup: 2\r\nX-Empty:\r\n\r\n")
        let head = try #require(try feed(raw).heads.first)
        #expect(head.headers == [("hOsT", "a"), ("X-Dup", "1"), ("x-dup", "2"), ("X-Empty", "")])
        #expect(head.headers["X-DUP"] == ["1", "2"])
    }

    /// The names and options framing depends on are matched in any case, and long values and targets (past the
    /// small-string length) arrive unchanged.
    @Test func framingFieldsMatchInAnyCase() throws {
        let target = "/v1/jobs/1234/attempts?expand=all"
        let raw = wire(
            "POST \(target) HTTP/1.1\r\nHOST: a\r\nCONTENT-length: 2\r\nCONNECTION: Close\r\n"
                + "eXpEcT: 100-CONTINUE\r\nX-Long: a value longer than fifteen bytes\r\n\r\nhi")
        let head = try #require(try feed(raw).heads.first)
        #expect(head.method == "POST")
        #expect(head.target == target)
        #expect(head.framing == .contentLength(2))
        #expect(!head.keepAlive)
        #expect(head.expectsContinue)
        #expect(head.headers.first(name: "x-long") == "a value longer than fifteen bytes")
        let chunked = wire("POST / HTTP/1.1\r\nHost: a\r\nTRANSFER-ENCODING: ChUnKeD\r\n\r\n0\r\n\r\n")
        #expect(try #require(try feed(chunked).heads.first).framing == .chunked)
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", .duplicateHost)
    }

    @Test func fieldValuesLoseSurroundingWhitespaceOnly() throws {
        let raw = wire("GET / HTTP/1.1\r\nHost: a\r\nX-V: \t inner  value \t \r\n\r\n")
        let head = try #require(try feed(raw).heads.first)
        #expect(head.headers.first(name: "x-v") == "inner  value")
    }

    @Test func utf8ObsTextIsKeptButOtherBytesAreRefused() throws {
        let head = try #require(try feed(wire("GET / HTTP/1.1\r\nHost: a\r\nX-N: café\r\n\r\n")).heads.first)
        #expect(head.headers.first(name: "X-N") == "café")
        var latin1 = wire("GET / HTTP/1.1\r\nHost: a\r\nX-N: caf")
        latin1 += [0xE9] + wire("\r\n\r\n")
        expectRejection(latin1, .invalidHeaderValue, status: 400)
    }

    @Test func contentLengthBodyIsDelivered() throws {
        let parsed = try feed(
            RawRequest.make(method: "POST", headers: [("Host", "a"), ("Content-Length", "5")], body: "hello"))
        #expect(parsed.heads.first?.framing == .contentLength(5))
        #expect(parsed.events.count == 3 && parsed.events.last == .end)
        #expect(parsed.bodyText == "hello")
    }

    @Test func contentLengthZeroEndsRightAfterHead() throws {
        let parsed = try feed(RawRequest.make(method: "POST", headers: [("Host", "a"), ("Content-Length", "0")]))
        #expect(parsed.heads.first?.framing == .contentLength(0))
        #expect(parsed.events.count == 2 && parsed.events.last == .end)
    }

    @Test func contentLengthWithLeadingZerosIsDecimal() throws {
        let parsed = try feed(
            RawRequest.make(method: "POST", headers: [("Host", "a"), ("Content-Length", "007")], body: "1234567"))
        #expect(parsed.heads.first?.framing == .contentLength(7))
        #expect(parsed.bodyText == "1234567")
    }

    @Test func bodyRangesPointIntoTheCallersBuffer() throws {
        var parser = RequestParser()
        let raw = RawRequest.make(method: "PUT", headers: [("Host", "a"), ("Content-Length", "3")], body: "xyzNEXT")
        try raw.withUnsafeBytes { buffer in
            let (headEvent, headBytes) = try parser.parse(buffer)
            guard case .head = headEvent else {
                Issue.record("expected head")
                return
            }
            let rest = UnsafeRawBufferPointer(rebasing: buffer[headBytes...])
            let (bodyEvent, bodyBytes) = try parser.parse(rest)
            #expect(bodyEvent == .body(0..<3))
            #expect(bodyBytes == 3)
            #expect(Array(rest[0..<3]) == wire("xyz"))
            let (endEvent, endBytes) = try parser.parse(UnsafeRawBufferPointer(rebasing: rest[3...]))
            #expect(endEvent == .end && endBytes == 0)
        }
    }

    @Test func chunkedBodyIsDeframed() throws {
        let raw = wire(
            "POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n" + "1A\r\n" + String(repeating: "z", count: 26) + "\r\n" + "0\r\n\r\n"
        )
        let parsed = try feed(raw)
        #expect(parsed.heads.first?.framing == .chunked)
        #expect(parsed.bodyText == "hello" + String(repeating: "z", count: 26))
        #expect(parsed.events.last == .end)
    }

    @Test func chunkExtensionsAndTrailersAreDropped() throws {
        let raw = wire(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;name=value;flag\r\nabc\r\n" + "2 ; q=\"quoted; value\"\r\nde\r\n"
                + "0;last\r\nX-Checksum: 1234\r\nX-Other: x\r\n\r\n"
        )
        let parsed = try feed(raw)
        #expect(parsed.bodyText == "abcde")
        #expect(parsed.events.last == .end)
        #expect(parsed.heads.first?.headers.contains(name: "X-Checksum") == false)
    }

    @Test func transferEncodingListAcrossHeadersAndCase() throws {
        let raw = wire(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ,\r\nTransfer-Encoding: CHUNKED\r\n\r\n0\r\n\r\n")
        let parsed = try feed(raw)
        #expect(parsed.heads.first?.framing == .chunked)
        #expect(parsed.events.count == 2)
    }

    @Test func uppercaseHexChunkSizes() throws {
        let body = String(repeating: "q", count: 0xAB)
        let raw = wire("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n00aB\r\n\(body)\r\n0\r\n\r\n")
        #expect(try feed(raw).body.count == 0xAB)
    }

    @Test func oneByteAtATimeMatchesWholeBuffer() throws {
        let stream =
            RawRequest.make(method: "POST", headers: [("Host", "a"), ("Content-Length", "4")], body: "abcd")
            + wire("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;x=y\r\nef\r\n0\r\nT: v\r\n\r\n")
            + RawRequest.make(target: "/last")
        let whole = try feed(stream)
        #expect(try feed(stream, pieceSize: 1) == whole)
        #expect(try feed(stream, pieceSize: 7) == whole)
        #expect(whole.heads.map(\.target) == ["/", "/", "/last"])
        #expect(whole.bodyText == "abcdef")
    }

    @Test func pipelinedRequestsComeOutInOrderOneAtATime() throws {
        var parser = RequestParser()
        let stream = RawRequest.make(target: "/1") + RawRequest.make(target: "/2") + RawRequest.make(target: "/3")
        var targets: [String] = []
        var offset = 0
        try stream.withUnsafeBytes { buffer in
            while offset < buffer.count {
                let (event, consumed) = try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                offset += consumed
                if case .head(let head) = event { targets.append(head.target) }
                if event == .end { #expect(parser.isAtMessageBoundary) }
                if event == nil { break }
            }
        }
        #expect(targets == ["/1", "/2", "/3"])
        #expect(offset == stream.count)
    }

    @Test func emptyLinesBeforeRequestLineAreIgnored() throws {
        let parsed = try feed(wire("\r\n\r\n") + RawRequest.make())
        #expect(parsed.heads.count == 1)
        let limits = HTTP1Limits()
        let tooMany = String(repeating: "\r\n", count: limits.maxEmptyLinesBeforeRequest + 1)
        expectRejection(wire(tooMany) + RawRequest.make(), .tooManyEmptyLines, status: 400)
    }

    @Test func http10DefaultsAndHostIsOptional() throws {
        let head = try #require(try feed(RawRequest.make(version: "HTTP/1.0", headers: [])).heads.first)
        #expect(head.version == .http10)
        #expect(head.keepAlive == false)
        let keep = try #require(
            try feed(RawRequest.make(version: "HTTP/1.0", headers: [("Connection", "Keep-Alive")])).heads.first)
        #expect(keep.keepAlive == true)
    }

    @Test(arguments: [
        ("HTTP/1.1", [("Connection", "close")], false),
        ("HTTP/1.1", [("Connection", "Upgrade, CLOSE")], false),
        ("HTTP/1.1", [("Connection", "keep-alive")], true),
        ("HTTP/1.1", [("Connection", "closed")], true),
        ("HTTP/1.0", [("Connection", "foo,keep-alive")], true),
        ("HTTP/1.0", [("Connection", "keep-alive, close")], false),
        ("HTTP/1.0", [], false),
    ])
    func keepAliveFollowsConnectionTokens(version: String, fields: [(String, String)], keepAlive: Bool) throws {
        let head = try #require(
            try feed(RawRequest.make(version: version, headers: [("Host", "a")] + fields)).heads.first)
        #expect(head.keepAlive == keepAlive)
    }

    @Test func expectContinueIsCaseInsensitiveAndHTTP11Only() throws {
        let yes = try feed(RawRequest.make(headers: [("Host", "a"), ("Expect", "100-Continue")]))
        #expect(yes.heads.first?.expectsContinue == true)
        let other = try feed(RawRequest.make(headers: [("Host", "a"), ("Expect", "something-else")]))
        #expect(other.heads.first?.expectsContinue == false)
        // RFC 9110 §10.1.1: an HTTP/1.0 request's 100-continue expectation must be ignored.
        let old = try feed(RawRequest.make(version: "HTTP/1.0", headers: [("Expect", "100-continue")]))
        #expect(old.heads.first?.expectsContinue == false)
    }

    @Test(arguments: [
        ("GET", "http://api.example.com/x?y"),
        ("OPTIONS", "*"),
        ("CONNECT", "api.example.com:443"),
        ("PATCH", "/a/b;c?d=e&f#g"),
    ])
    func acceptedRequestTargetForms(method: String, target: String) throws {
        let head = try #require(try feed(RawRequest.make(method: method, target: target)).heads.first)
        #expect(head.method == method && head.target == target)
    }

    @Test func boundaryFlagTracksFirstByteOfNextMessage() throws {
        var parser = RequestParser()
        #expect(parser.isAtMessageBoundary)
        _ = try wire("G").withUnsafeBytes { try parser.parse($0) }
        #expect(!parser.isAtMessageBoundary)
    }

    @Test func errorsAreSticky() throws {
        var parser = RequestParser()
        #expect(throws: HTTP1Error.bareLF) { try wire("GET / HTTP/1.1\n").withUnsafeBytes { try parser.parse($0) } }
        #expect(throws: HTTP1Error.bareLF) { try RawRequest.make().withUnsafeBytes { try parser.parse($0) } }
    }
}
