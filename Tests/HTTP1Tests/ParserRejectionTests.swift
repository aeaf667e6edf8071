import HTTP1
import Testing

/// Every refusal the parser makes, each with its exact error and status, whole and byte by byte.
@Suite struct ParserRejectionTests {
    // MARK: Request line

    @Test(arguments: [
        "GET  / HTTP/1.1\r\n", "GET /  HTTP/1.1\r\n", " GET / HTTP/1.1\r\n", "GET / HTTP/1.1 \r\n", "GET /\r\n",
        "GET\r\n", "GET / HTTP/1.1 extra\r\n",
    ])
    func malformedRequestLines(line: String) {
        expectRejection(line + "Host: a\r\n\r\n", .badRequestLine)
    }

    @Test func methodMustBeAToken() {
        expectRejection("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", .invalidMethod)
    }

    @Test func methodAtAndJustOverTheLimit() throws {
        let longest = String(repeating: "M", count: HTTP1Limits().maxMethodBytes)
        #expect(try feed(RawRequest.make(method: longest)).heads.first?.method == longest)
        #expect(try feed(RawRequest.make(method: longest), pieceSize: 1).heads.first?.method == longest)
        expectRejection(RawRequest.make(method: longest + "M"), .methodTooLong, status: 501)
        // Not a token within the limit: malformed rather than unimplemented.
        expectRejection(RawRequest.make(method: String(longest.dropLast()) + "(M"), .invalidMethod, status: 400)
        // Past the limit only the first byte beyond it is judged: the answer must not depend on how the line arrives
        // (found by fuzzing: a NUL far into a long method gave 400 whole and 501 byte by byte).
        expectRejection(RawRequest.make(method: longest + "M\u{0}AAAA"), .methodTooLong, status: 501)
    }

    @Test func methodTooLongIsRefusedBeforeTheLineEndsAndBeforeTheHeaderLimit() throws {
        // RFC 9112 §3: 501 for a method longer than any implemented, not 431 once the head grows past its limit.
        var parser = RequestParser()
        let huge = wire(String(repeating: "X", count: 70_000))
        #expect(throws: HTTP1Error.methodTooLong) { try huge.withUnsafeBytes { try parser.parse($0) } }
        expectRejection(wire(String(repeating: "X", count: 70_000)), .methodTooLong, status: 501)
    }

    @Test(arguments: ["HTTP/1.2", "HTTP/2.0", "HTTP/0.9", "HTTP/3.0"])
    func wellFormedOtherVersionsAre505(version: String) {
        expectRejection("GET / \(version)\r\nHost: a\r\n\r\n", .unsupportedVersion, status: 505)
    }

    @Test(arguments: ["HTTP/1.1x", "http/1.1", "HTTP/11", "HTTP/2", "HTTX/1.1", "HTTP/1.a"])
    func garbageVersionsAre400(version: String) {
        expectRejection("GET / \(version)\r\nHost: a\r\n\r\n", .invalidVersion)
    }

    @Test(arguments: ["noslash", "*", "//x\u{7F}", "/caf\u{E9}", "/a\tb", "ftp:/x", "1http://x/"])
    func malformedTargets(target: String) {
        expectRejection("GET \(target) HTTP/1.1\r\nHost: a\r\n\r\n", .invalidRequestTarget)
    }

    // MARK: Line endings

    @Test func bareLFEndingALineIsRefused() {
        expectRejection("GET / HTTP/1.1\nHost: a\r\n\r\n", .bareLF)
        expectRejection("GET / HTTP/1.1\r\nHost: a\n\r\n", .bareLF)
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\n\n", .bareLF)
        expectRejection("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", .bareLF)
    }

    @Test func bareCRAnywhereInTheHeadIsRefused() {
        expectRejection("GET / HTTP/1.1\rX\r\nHost: a\r\n\r\n", .bareCR)
        expectRejection("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", .bareCR)
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", .bareCR)
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", .bareCR)
    }

    // MARK: Field lines

    @Test(arguments: ["Bad Name: x", ": x", "NoColon", "Bad\u{1}: x", "Bad(Name): x", "Bad@: x", "Caf\u{E9}: x"])
    func invalidFieldNames(line: String) {
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\n\(line)\r\n\r\n", .invalidHeaderName)
    }

    @Test func fieldNameBytesAreExactlyTheTokenCharacters() throws {
        let tchars = Set(wire("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        for byte in UInt8.min...UInt8.max where byte != UInt8(ascii: ":") {
            let raw = wire("GET / HTTP/1.1\r\nHost: a\r\nX") + [byte] + wire(": v\r\n\r\n")
            let accepted = (try? feed(raw)) != nil
            #expect(accepted == tchars.contains(byte), "byte \(byte)")
        }
    }

    @Test func whitespaceBetweenNameAndColon() {
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\nContent-Length : 5\r\n\r\nhello", .whitespaceBeforeColon)
        expectRejection("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", .whitespaceBeforeColon)
    }

    @Test func obsoleteLineFolding() {
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", .obsoleteLineFolding)
        expectRejection("GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", .obsoleteLineFolding)
    }

    @Test(arguments: ["\u{0}", "\u{1}", "\u{1B}", "\u{7F}", "a\u{0}b"])
    func controlCharactersInValues(value: String) {
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\nX-V: \(value)\r\n\r\n", .invalidHeaderValue)
    }

    @Test func tabInsideAValueIsAllowed() throws {
        let head = try #require(try feed(wire("GET / HTTP/1.1\r\nHost: a\r\nX-V: a\tb\r\n\r\n")).heads.first)
        #expect(head.headers.first(name: "X-V") == "a\tb")
    }

    // MARK: Host

    @Test func hostRules() {
        expectRejection("GET / HTTP/1.1\r\nX: y\r\n\r\n", .missingHost)
        expectRejection("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", .duplicateHost)
        expectRejection("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost)
        expectRejection("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", .invalidHost)
        expectRejection("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", .invalidHost)
        expectRejection("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", .invalidHost)
    }

    @Test(arguments: ["Host:", "Host: ", "Host:\t \t"])
    func emptyHostOnAnOriginFormRequestIsRefused(field: String) {
        expectRejection("GET /v1/jobs HTTP/1.1\r\n\(field)\r\n\r\n", .emptyHost)
        expectRejection("GET /v1/jobs HTTP/1.0\r\n\(field)\r\n\r\n", .emptyHost)
        expectRejection("OPTIONS * HTTP/1.1\r\n\(field)\r\n\r\n", .emptyHost)
    }

    @Test func emptyHostIsIgnoredWithAnAbsoluteFormTarget() throws {
        let raw = wire("GET http://vendor.example/v1 HTTP/1.1\r\nHost:\r\n\r\n")
        #expect(try feed(raw).heads.first?.target == "http://vendor.example/v1")
        #expect(try feed(raw, pieceSize: 1).heads.first?.target == "http://vendor.example/v1")
    }

    // MARK: Content-Length

    @Test func contentLengthWithTransferEncoding() {
        expectRejection(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
            .contentLengthWithTransferEncoding
        )
        expectRejection(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
            .contentLengthWithTransferEncoding
        )
    }

    @Test(arguments: ["", "+5", "-5", "5 5", "5,5", "0x10", "5.0", "١", "99999999999999999999"])
    func invalidContentLengths(value: String) {
        expectRejection("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(value)\r\n\r\n", .invalidContentLength)
    }

    @Test func secondContentLengthEvenIfEqual() {
        expectRejection(
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\nx",
            .duplicateContentLength
        )
    }

    // MARK: Transfer-Encoding

    @Test(arguments: ["gzip, chunked", "deflate, chunked", "compress,chunked", "identity, chunked", "x-new, chunked"])
    func unimplementedCodingsAre501(value: String) {
        expectRejection(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n",
            .unknownTransferCoding,
            status: 501
        )
    }

    @Test(arguments: ["gzip", "chunked, gzip", "identity", "chunked, x-custom"])
    func finalCodingMustBeChunked(value: String) {
        expectRejection("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n", .chunkedNotFinal)
    }

    @Test func chunkedTwice() {
        expectRejection("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", .chunkedTwice)
        expectRejection(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            .chunkedTwice
        )
    }

    @Test(arguments: ["", " , ", "chunked;x=y", "chu\"nked", "chunked extra"])
    func malformedTransferEncoding(value: String) {
        expectRejection("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n", .invalidTransferEncoding)
    }

    @Test func transferEncodingOnHTTP10() {
        expectRejection("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", .transferEncodingInHTTP10)
    }

    // MARK: Chunked framing

    private static func chunked(_ body: String) -> String {
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    }

    @Test(arguments: ["\r\n", ";ext\r\n", "g\r\n", "-1\r\n", "+1\r\n", " 1\r\n", "1 \r\nx\r\n0\r\n\r\n", "0x1\r\n"])
    func badChunkSizes(line: String) {
        expectRejection(Self.chunked(line), .badChunkSize)
    }

    @Test func chunkSizeWithMoreThanFifteenDigits() {
        expectRejection(Self.chunked("1000000000000000\r\n"), .chunkSizeOverflow)
        expectRejection(Self.chunked("0000000000000001\r\n"), .chunkSizeOverflow)
    }

    @Test(arguments: [
        "5;\r\n", "5; \r\n", "5;;a\r\n", "5;=x\r\n", "5;bad[=x\r\n", "5;a=\r\n", "5;a= \r\n", "5;a=b c\r\n",
        "5;a=\"open\r\n", "5;a=\"x\"y\r\n", "5;a=[\r\n", "5;a b\r\n", "5;a=b;\r\n", "5;a=\"\\\u{1}\"\r\n", "5;a@\r\n",
        "5;a==b\r\n",
    ])
    func chunkExtensionsMustFollowTheGrammar(line: String) {
        expectRejection(Self.chunked(line + "hello\r\n0\r\n\r\n"), .badChunkExtension)
    }

    @Test(arguments: [
        "5;a", "5;a=b", "5 ; a = b", "5;a=b;c", "5;a=\"q; \\\"x\\\" \u{80}\"", "5\t;\ta\t=\t\"\"", "5;a;b=c;d=\"e\"",
        "5;a ", "5;a=b\t",
    ])
    func chunkExtensionsThatFollowTheGrammarAreDropped(line: String) throws {
        let raw = wire(Self.chunked(line + "\r\nhello\r\n0\r\n\r\n"))
        #expect(try feed(raw).bodyText == "hello")
        #expect(try feed(raw, pieceSize: 1).bodyText == "hello")
    }

    @Test func chunkLineEndings() {
        expectRejection(Self.chunked("1\nx\r\n0\r\n\r\n"), .bareLF)
        expectRejection(Self.chunked("1;a\nx\r\n0\r\n\r\n"), .bareLF)
        expectRejection(Self.chunked("1\rx\r\n0\r\n\r\n"), .bareCR)
        expectRejection(Self.chunked("1;a=\u{1}\r\nx\r\n0\r\n\r\n"), .badChunkExtension)
    }

    @Test func chunkExtensionLengthIsBounded() throws {
        var limits = HTTP1Limits()
        limits.maxChunkExtensionBytes = 16
        // Counted from the first byte after the digits up to the CR, whitespace included.
        let atLimit = " ;" + String(repeating: "e", count: 14)
        #expect(try feed(wire(Self.chunked("1\(atLimit)\r\nx\r\n0\r\n\r\n")), limits: limits).bodyText == "x")
        expectRejection(Self.chunked("1\(atLimit)e\r\n"), .chunkExtensionTooLong, limits: limits)
        expectRejection(Self.chunked("1" + String(repeating: " ", count: 17)), .chunkExtensionTooLong, limits: limits)
    }

    @Test(arguments: ["3\r\nabcX\r\n", "3\r\nabc\rX", "3\r\nabc\n\r\n", "3\r\nabcd\r\n0\r\n\r\n"])
    func chunkDataMustEndWithCRLF(body: String) {
        expectRejection(Self.chunked(body), .badChunkTerminator)
    }

    @Test func trailersAreValidatedAndBounded() {
        expectRejection(Self.chunked("0\r\nBad Name: x\r\n\r\n"), .invalidHeaderName)
        expectRejection(Self.chunked("0\r\nX: a\n\r\n"), .bareLF)
        var limits = HTTP1Limits()
        limits.maxHeaderCount = 2
        expectRejection(Self.chunked("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"), .tooManyHeaders, status: 431, limits: limits)
        limits = HTTP1Limits()
        limits.maxHeaderBytes = 200
        let bigTrailer = "0\r\nX: " + String(repeating: "t", count: 200) + "\r\n\r\n"
        expectRejection(Self.chunked(bigTrailer), .headerSectionTooLarge, status: 431, limits: limits)
    }

    // MARK: Limits

    @Test func headerSectionAtAndJustOverTheLimit() throws {
        var limits = HTTP1Limits()
        limits.maxHeaderBytes = 100
        let base = "GET / HTTP/1.1\r\nHost: a\r\nX: \r\n\r\n"
        let filler = String(repeating: "v", count: 100 - base.utf8.count)
        let exact = "GET / HTTP/1.1\r\nHost: a\r\nX: \(filler)\r\n\r\n"
        #expect(exact.utf8.count == 100)
        #expect(try feed(wire(exact), limits: limits).heads.count == 1)
        #expect(try feed(wire(exact), pieceSize: 1, limits: limits).heads.count == 1)
        let over = "GET / HTTP/1.1\r\nHost: a\r\nX: \(filler)v\r\n\r\n"
        expectRejection(over, .headerSectionTooLarge, status: 431, limits: limits)
    }

    @Test func headerSectionTooLargeIsRefusedBeforeTheHeadEnds() throws {
        var limits = HTTP1Limits()
        limits.maxHeaderBytes = 64
        var parser = RequestParser(limits: limits)
        // No CRLF at all: a slowloris head must be cut off once it crosses the limit.
        let endless = wire("GET / HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "a", count: 64))
        #expect(throws: HTTP1Error.headerSectionTooLarge) { try endless.withUnsafeBytes { try parser.parse($0) } }
    }

    @Test func requestTargetAtAndJustOverTheLimit() throws {
        var limits = HTTP1Limits()
        limits.maxRequestTargetBytes = 32
        let exact = "/" + String(repeating: "t", count: 31)
        #expect(try feed(RawRequest.make(target: exact), limits: limits).heads.first?.target == exact)
        expectRejection(RawRequest.make(target: exact + "t"), .requestTargetTooLong, status: 414, limits: limits)
    }

    @Test func requestTargetTooLongIsRefusedBeforeTheLineEnds() throws {
        var limits = HTTP1Limits()
        limits.maxRequestTargetBytes = 32
        var parser = RequestParser(limits: limits)
        let partial = wire("GET /" + String(repeating: "t", count: 32))
        #expect(throws: HTTP1Error.requestTargetTooLong) { try partial.withUnsafeBytes { try parser.parse($0) } }
        // A huge target beats the header-size limit: 414 says more than 431.
        let huge = wire("GET /" + String(repeating: "t", count: 70_000))
        var other = RequestParser()
        #expect(throws: HTTP1Error.requestTargetTooLong) { try huge.withUnsafeBytes { try other.parse($0) } }
    }

    @Test func headerCountAtAndJustOverTheLimit() throws {
        var limits = HTTP1Limits()
        limits.maxHeaderCount = 3
        let three = RawRequest.make(headers: [("Host", "a"), ("B", "2"), ("C", "3")])
        #expect(try feed(three, limits: limits).heads.count == 1)
        let four = RawRequest.make(headers: [("Host", "a"), ("B", "2"), ("C", "3"), ("D", "4")])
        expectRejection(four, .tooManyHeaders, status: 431, limits: limits)
    }

    @Test func declaredBodyAtAndJustOverTheLimit() throws {
        var limits = HTTP1Limits()
        limits.maxBodyBytes = 10
        let exact = RawRequest.make(
            method: "POST", headers: [("Host", "a"), ("Content-Length", "10")], body: "0123456789")
        #expect(try feed(exact, limits: limits).body.count == 10)
        // Refused at head time, before any body byte arrives.
        let over = RawRequest.make(method: "POST", headers: [("Host", "a"), ("Content-Length", "11")])
        expectRejection(over, .bodyTooLarge, status: 413, limits: limits)
    }

    @Test func chunkedRunningTotalAtAndJustOverTheLimit() throws {
        var limits = HTTP1Limits()
        limits.maxBodyBytes = 10
        #expect(try feed(wire(Self.chunked("6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n")), limits: limits).body.count == 10)
        // Refused at the chunk-size line, before the data of the offending chunk.
        expectRejection(Self.chunked("6\r\n012345\r\n5\r\n"), .bodyTooLarge, status: 413, limits: limits)
    }
}
