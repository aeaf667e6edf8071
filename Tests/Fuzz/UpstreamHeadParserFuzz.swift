// libFuzzer target for `UpstreamHeadParser`. Built by Tests/Fuzz/fuzz.sh, not by SwiftPM.
//
// The input is an upstream's header bytes; they are cut at each LF, as libcurl's header callback delivers them.
// Whatever the upstream sent, a head the parser accepts must be safe to forward: its bytes cannot split the
// response written from it, and that response must read back as the same head. The checks never name a
// particular error. Every check ends in `fatalError`, so libFuzzer reports a violation as a crash.

import HTTP1

/// Feeds one input's lines to fresh and reset parsers, under the default and a tight head limit.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUpstreamHeadParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let lines = HeadLines(UnsafeRawBufferPointer(start: data, count: size))
    for maxHeaderBytes in [64 * 1024, 160] {
        var parser = UpstreamHeadParser(maxHeaderBytes: maxHeaderBytes)
        let first = HeadTrace(feeding: lines, to: &parser)
        let fresh = HeadTrace(feeding: lines, maxHeaderBytes: maxHeaderBytes)
        require(fresh == first, "a fresh parser differs\nfirst: \(first)\nfresh: \(fresh)")
        parser.reset()
        let reset = HeadTrace(feeding: lines, to: &parser)
        require(reset == first, "a reset parser differs\nfirst: \(first)\nreset: \(reset)")
        first.checkForwarding()
    }
    return 0
}

/// An input cut after each LF; a last line without one is kept too.
struct HeadLines {
    let lines: [[UInt8]]

    init(_ input: UnsafeRawBufferPointer) {
        var lines: [[UInt8]] = []
        var start = 0
        for index in 0..<input.count where input[index] == 0x0A {
            lines.append(Array(input[start...index]))
            start = index + 1
        }
        if start < input.count { lines.append(Array(input[start...])) }
        self.lines = lines
    }

    init(_ lines: [[UInt8]]) {
        self.lines = lines
    }
}

/// What the parser returned for each line, up to and including the first error.
struct HeadTrace: Equatable, CustomStringConvertible {
    enum Outcome: Equatable {
        case event(UpstreamHeadParser.Event)
        case error(HTTP1Error)
    }

    private(set) var outcomes: [Outcome] = []

    var description: String { "\(outcomes)" }

    /// The head the parser completed, if it did.
    var completed: (head: ResponseHead, contentLength: Int?, isChunked: Bool)? {
        for case .event(.complete(let head, let contentLength, let isChunked)) in outcomes {
            return (head, contentLength, isChunked)
        }
        return nil
    }

    init(feeding lines: HeadLines, maxHeaderBytes: Int) {
        var parser = UpstreamHeadParser(maxHeaderBytes: maxHeaderBytes)
        self.init(feeding: lines, to: &parser)
    }

    /// Feeds every line, checking each event on the way and that lines after the final head are ignored.
    init(feeding lines: HeadLines, to parser: inout UpstreamHeadParser) {
        var complete = false
        for line in lines.lines {
            let result: Result<UpstreamHeadParser.Event, HTTP1Error> = line.withUnsafeBytes { raw in
                Result { () throws(HTTP1Error) in try parser.feed(line: raw) }
            }
            switch result {
            case .failure(let error):
                require(!complete, "\(error) after the final head")
                outcomes.append(.error(error))
                return
            case .success(let event):
                if complete {
                    require(event == .incomplete, "\(event) after the final head")
                    continue
                }
                Self.check(event)
                if case .complete = event { complete = true }
                outcomes.append(.event(event))
            }
        }
    }

    private static func check(_ event: UpstreamHeadParser.Event) {
        switch event {
        case .incomplete:
            break
        case .interim(let status):
            require((100..<200).contains(status), "interim status \(status)")
        case .complete(let head, let contentLength, let isChunked):
            // 1xx heads are reported as interim, so a final head is 200..<600, within the 100..<600 of the grammar.
            require((200..<600).contains(head.status), "final status \(head.status)")
            require(!splitsLine(head.reason), "reason \(head.reason.debugDescription)")
            for field in head.headers {
                require(
                    !field.name.isEmpty && field.name.utf8.allSatisfy(isTokenByte),
                    "field name \(field.name.debugDescription)"
                )
                require(!splitsLine(field.value), "field value \(field.value.debugDescription)")
            }
            require(contentLength.map { $0 >= 0 } ?? true, "Content-Length \(String(describing: contentLength))")
            require(!isChunked || contentLength == nil, "Content-Length \(contentLength!) beside Transfer-Encoding")
        }
    }

    /// The head written toward the client must read back as the head the upstream sent, less the fields the
    /// writer replaces, so nothing the upstream sent can add a field or a response of its own.
    func checkForwarding() {
        guard let (head, _, _) = completed else { return }
        var written: [UInt8] = []
        ResponseWriter.writeHead(head, framing: .none, clientVersion: .http11, keepAlive: true, into: &written)
        let lines = written.withUnsafeBytes { HeadLines($0) }
        let reread = HeadTrace(feeding: lines, maxHeaderBytes: Int.max)
        guard let (rereadHead, _, _) = reread.completed else {
            fail("the written head does not parse: \(String(decoding: written, as: UTF8.self).debugDescription)")
        }
        var expected = head
        expected.headers = HTTPHeaders(Self.forwardedFields(of: head).map { ($0.name, $0.value) })
        require(
            rereadHead == expected,
            "the written head reads back differently\nsent:   \(expected)\nreread: \(rereadHead)"
        )
    }

    /// The fields `ResponseWriter.writeHead` keeps for `.none` framing: all but Transfer-Encoding, Connection and
    /// any Content-Length after the first (none at all on 204).
    private static func forwardedFields(of head: ResponseHead) -> [(name: String, value: String)] {
        var kept: [(name: String, value: String)] = []
        var keptLength = false
        for field in head.headers {
            switch field.name.lowercased() {
            case "transfer-encoding", "connection":
                continue
            case "content-length":
                guard head.status != 204, !keptLength else { continue }
                keptLength = true
            default:
                break
            }
            kept.append(field)
        }
        return kept
    }

    private static func splitsLine(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }
    }

    /// `tchar` (RFC 9110 §5.6.2), restated here so the check does not trust the code it checks.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "a")...UInt8(ascii: "z"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

/// Stops with `message` when `condition` is false; `precondition` would drop the message in -O builds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

/// Stops with `message`, which libFuzzer prints above its crash report.
func fail(_ message: String) -> Never {
    fatalError("invariant violated: " + message)
}
