import Testing

@testable import HTTP1

@Suite struct UpstreamHeadParserTests {
    /// Feeds lines the way libcurl's header callback does, one call per line, CRLF included.
    private func feed(_ lines: [String], into parser: inout UpstreamHeadParser) throws(HTTP1Error)
        -> [UpstreamHeadParser.Event]
    {
        var events: [UpstreamHeadParser.Event] = []
        for line in lines {
            let bytes = wire(line)
            let result: Result<UpstreamHeadParser.Event, HTTP1Error> = bytes.withUnsafeBytes { raw in
                Result { () throws(HTTP1Error) in try parser.feed(line: raw) }
            }
            events.append(try result.get())
        }
        return events
    }

    private func final(_ lines: [String], maxHeaderBytes: Int = 64 * 1024) throws(HTTP1Error) -> UpstreamHeadParser
        .Event?
    {
        var parser = UpstreamHeadParser(maxHeaderBytes: maxHeaderBytes)
        return try feed(lines, into: &parser).last
    }

    @Test func plainResponse() throws {
        var parser = UpstreamHeadParser()
        let events = try feed(
            ["HTTP/1.1 200 OK\r\n", "Content-Type: application/json\r\n", "Content-Length: 12\r\n", "\r\n"],
            into: &parser
        )
        let head = ResponseHead(
            status: 200, reason: "OK", headers: [("Content-Type", "application/json"), ("Content-Length", "12")])
        #expect(
            events == [.incomplete, .incomplete, .incomplete, .complete(head, contentLength: 12, isChunked: false)])
    }

    @Test func interimHeadsAreReportedAndSkipped() throws {
        var parser = UpstreamHeadParser()
        let events = try feed(
            [
                "HTTP/1.1 100 Continue\r\n", "\r\n", "HTTP/1.1 103 Early Hints\r\n", "Link: </a.css>\r\n", "\r\n",
                "HTTP/1.1 201 Created\r\n", "\r\n",
            ],
            into: &parser
        )
        #expect(
            events == [
                .incomplete, .interim(status: 100), .incomplete, .incomplete, .interim(status: 103), .incomplete,
                .complete(ResponseHead(status: 201, reason: "Created"), contentLength: nil, isChunked: false),
            ]
        )
    }

    @Test func http2StatusLineWithoutReasonGetsTheStandardOne() throws {
        let event = try final(["HTTP/2 429 \r\n", "retry-after: 3\r\n", "\r\n"])
        let head = ResponseHead(status: 429, reason: "Too Many Requests", headers: [("retry-after", "3")])
        #expect(event == .complete(head, contentLength: nil, isChunked: false))
        let bare = try final(["HTTP/2 200\r\n", "\r\n"])
        #expect(bare == .complete(ResponseHead(status: 200, reason: "OK"), contentLength: nil, isChunked: false))
    }

    @Test func http10AndReasonsWithSpaces() throws {
        let event = try final(["HTTP/1.0 404 Not  Found Here\r\n", "\r\n"])
        #expect(
            event
                == .complete(ResponseHead(status: 404, reason: "Not  Found Here"), contentLength: nil, isChunked: false)
        )
    }

    @Test func obsFoldIsJoinedWithOneSpace() throws {
        let event = try final(["HTTP/1.1 200 OK\r\n", "X-Long: first\r\n", " \t second\r\n", "\tthird \r\n", "\r\n"])
        guard case .complete(let head, _, _)? = event else {
            Issue.record("not complete")
            return
        }
        #expect(head.headers.first(name: "x-long") == "first second third")
    }

    /// Found by Tests/Fuzz: a blank fold line left "a " where the value is "a" (RFC 9112 §5.2 folds into SP, and
    /// trailing whitespace is not part of a value).
    @Test func whitespaceOnlyFoldLineAddsNothing() throws {
        let event = try final([
            "HTTP/1.1 200 OK\r\n", "X-Long: a\r\n", " \t\r\n", "\tb\r\n", "X-Blank: c\r\n", " \r\n", "\r\n",
        ])
        guard case .complete(let head, _, _)? = event else {
            Issue.record("not complete")
            return
        }
        #expect(head.headers == [("X-Long", "a b"), ("X-Blank", "c")])
    }

    @Test func whitespaceBeforeColonAndLFOnlyAreTolerated() throws {
        let event = try final(["HTTP/1.1 200 OK\n", "Server : vendor\n", "\n"])
        guard case .complete(let head, _, _)? = event else {
            Issue.record("not complete")
            return
        }
        #expect(head.headers == [("Server", "vendor")])
    }

    @Test func chunkedWinsOverContentLength() throws {
        let event = try final([
            "HTTP/1.1 200 OK\r\n", "Transfer-Encoding: chunked\r\n", "Content-Length: 5\r\n", "\r\n",
        ])
        guard case .complete(_, let length, let chunked)? = event else {
            Issue.record("not complete")
            return
        }
        #expect(length == nil && chunked)
    }

    @Test func identicalContentLengthsAreOneValue() throws {
        let event = try final(["HTTP/1.1 200 OK\r\n", "Content-Length: 7\r\n", "content-length: 7, 7\r\n", "\r\n"])
        guard case .complete(_, let length, let chunked)? = event else {
            Issue.record("not complete")
            return
        }
        #expect(length == 7 && !chunked)
    }

    @Test func contentLengthProblemsThrow() {
        #expect(throws: HTTP1Error.upstreamConflictingContentLength) {
            try final(["HTTP/1.1 200 OK\r\n", "Content-Length: 7\r\n", "Content-Length: 8\r\n", "\r\n"])
        }
        #expect(throws: HTTP1Error.upstreamConflictingContentLength) {
            try final(["HTTP/1.1 200 OK\r\n", "Content-Length: 7, 8\r\n", "\r\n"])
        }
        #expect(throws: HTTP1Error.upstreamInvalidContentLength) {
            try final(["HTTP/1.1 200 OK\r\n", "Content-Length: -1\r\n", "\r\n"])
        }
        #expect(throws: HTTP1Error.upstreamInvalidContentLength) {
            try final(["HTTP/1.1 200 OK\r\n", "Content-Length: \r\n", "\r\n"])
        }
    }

    /// Found by Tests/Fuzz: an empty Content-Length passed when another one was valid, and ResponseWriter then
    /// forwarded the empty one (first of its name) on a HEAD or 304 response.
    @Test(arguments: ["Content-Length: \r\n", "Content-Length: ,\r\n", "Content-Length:  , \r\n"])
    func emptyContentLengthBesideAValidOneThrows(empty: String) {
        #expect(throws: HTTP1Error.upstreamInvalidContentLength) {
            try final(["HTTP/1.1 200 OK\r\n", empty, "Content-Length: 5\r\n", "\r\n"])
        }
        #expect(throws: HTTP1Error.upstreamInvalidContentLength) {
            try final(["HTTP/1.1 200 OK\r\n", "Content-Length: 5\r\n", empty, "\r\n"])
        }
    }

    @Test(arguments: [
        "HTTP/1.1 20 OK\r\n", "HTTP/1.1 2000 OK\r\n", "HTTP/1.1 099 X\r\n", "HTTP/1.1 600 X\r\n", "HTTP/1.2 200 OK\r\n",
        "HTTP/1.1200 OK\r\n", "ICY 200 OK\r\n", "\r\n", "HTTP/1.1 200 O\rK\r\n", "HTTP/1.1 2x0 OK\r\n",
    ])
    func malformedStatusLines(line: String) {
        #expect(throws: HTTP1Error.upstreamBadStatusLine) { try final([line]) }
    }

    @Test(arguments: [
        "NoColon\r\n", ": empty-name\r\n", "Bad Name: x\r\n", "X: a\u{0}b\r\n", "X: a\rb\r\n", " fold-first\r\n",
    ])
    func malformedFieldLines(line: String) {
        #expect(throws: HTTP1Error.upstreamBadField) { try final(["HTTP/1.1 200 OK\r\n", line]) }
    }

    @Test func headSizeIsBoundedPerHead() throws {
        let lines = ["HTTP/1.1 200 OK\r\n", "X: 12345\r\n", "\r\n"]
        let size = lines.reduce(0) { $0 + $1.utf8.count }
        #expect(try final(lines, maxHeaderBytes: size) != nil)
        #expect(throws: HTTP1Error.upstreamHeadTooLarge) { try final(lines, maxHeaderBytes: size - 1) }
        // An interim head does not eat into the final head's budget.
        let withInterim = ["HTTP/1.1 100 Continue\r\n", "\r\n"] + lines
        #expect(try final(withInterim, maxHeaderBytes: size) != nil)
    }

    @Test func linesAfterCompletionAreIgnoredUntilReset() throws {
        var parser = UpstreamHeadParser()
        _ = try feed(["HTTP/1.1 200 OK\r\n", "\r\n"], into: &parser)
        #expect(try feed(["X-Trailer: 1\r\n", "\r\n"], into: &parser) == [.incomplete, .incomplete])
        parser.reset()
        let events = try feed(["HTTP/1.1 503 Service Unavailable\r\n", "\r\n"], into: &parser)
        #expect(events.last == .complete(ResponseHead(status: 503), contentLength: nil, isChunked: false))
    }
    @Test(arguments: ["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0", "HTTP/3"])
    func knownVersions(version: String) {
        #expect(Array(version.utf8).withUnsafeBytes { UpstreamHeadParser.isKnownVersion($0) })
    }

    @Test(arguments: [
        "HTTP/1.2", "HTTP/2.1", "HTTP/3.0", "HTTP/1", "HTTP/4", "http/1.1", "HTTP/20", "HTTP/1.10", "HTTPS/1.1", "",
        "H", "HTTX/1.1", "HTTP-1.1", "HTTP/1,1",
    ])
    func unknownVersions(version: String) {
        #expect(!Array(version.utf8).withUnsafeBytes { UpstreamHeadParser.isKnownVersion($0) })
    }

    /// The framing fields are noted from their name bytes as they arrive; a fold that extends one still counts.
    @Test func framingFieldsAreNotedInAnyCaseAndThroughFolds() throws {
        #expect(throws: HTTP1Error.upstreamConflictingContentLength) {
            try final(["HTTP/1.1 200 OK\r\n", "content-LENGTH: 5\r\n", " , 6\r\n", "\r\n"])
        }
        let chunked = try final(["HTTP/1.1 200 OK\r\n", "CONTENT-LENGTH : 5\r\n", "transfer-ENCODING: x\r\n", "\r\n"])
        let head = ResponseHead(
            status: 200, reason: "OK", headers: [("CONTENT-LENGTH", "5"), ("transfer-ENCODING", "x")])
        #expect(chunked == .complete(head, contentLength: nil, isChunked: true))
        // After an interim head the notes start again.
        let afterInterim = try final([
            "HTTP/1.1 100 Continue\r\n", "Transfer-Encoding: x\r\n", "\r\n", "HTTP/1.1 200 OK\r\n",
            "Content-Length: 3\r\n", "\r\n",
        ])
        #expect(
            afterInterim
                == .complete(
                    ResponseHead(status: 200, reason: "OK", headers: [("Content-Length", "3")]), contentLength: 3,
                    isChunked: false))
    }
}
