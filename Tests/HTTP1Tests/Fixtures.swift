import HTTP1
import Testing

/// Builds raw request bytes with sensible defaults, in the spirit of FlyingFox's `HTTPRequest.make`.
enum RawRequest {
    static func make(
        method: String = "GET",
        target: String = "/",
        version: String = "HTTP/1.1",
        headers: [(String, String)] = [("Host", "example.com")],
        body: String = ""
    ) -> [UInt8] {
        var text = "\(method) \(target) \(version)\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "\r\n" + body
        return Array(text.utf8)
    }
}

/// What a parser produced for a byte stream, with body events merged so differently split inputs compare equal.
struct Parsed: Equatable {
    enum Event: Equatable {
        case head(RequestHead)
        case body
        case end
    }

    var events: [Event] = []
    var body: [UInt8] = []
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    var heads: [RequestHead] {
        events.compactMap { if case .head(let head) = $0 { head } else { nil } }
    }
}

/// Feeds `bytes` to a parser in pieces of `pieceSize` bytes (all at once when nil), the way a connection would:
/// unconsumed bytes stay at the front of its buffer, and it calls `parse` until the event is nil.
/// Also checks the contract every caller relies on: body ranges lie inside the input and end where consumption ends.
func feed(
    _ bytes: [UInt8],
    pieceSize: Int? = nil,
    limits: HTTP1Limits = .init(),
    parser existing: RequestParser? = nil
) throws(HTTP1Error) -> Parsed {
    var parser = existing ?? RequestParser(limits: limits)
    var parsed = Parsed()
    var buffer: [UInt8] = []
    var offset = 0
    let step = pieceSize ?? max(bytes.count, 1)
    while offset < bytes.count || offset == 0 {
        buffer.append(contentsOf: bytes[offset..<min(offset + step, bytes.count)])
        offset += step
        while true {
            let result: Result<(ParseEvent?, Int), HTTP1Error> = buffer.withUnsafeBytes { raw in
                Result { () throws(HTTP1Error) in try parser.parse(raw) }
            }
            let (event, consumed) = try result.get()
            #expect(consumed <= buffer.count)
            switch event {
            case nil:
                #expect(consumed == buffer.count)
            case .head(let head):
                parsed.events.append(.head(head))
            case .body(let range):
                #expect(!range.isEmpty && range.upperBound == consumed && range.lowerBound >= 0)
                parsed.body.append(contentsOf: buffer[range])
                if parsed.events.last != .body { parsed.events.append(.body) }
            case .end:
                parsed.events.append(.end)
            }
            buffer.removeFirst(consumed)
            if event == nil { break }
        }
        if bytes.isEmpty { break }
    }
    return parsed
}

/// Asserts `raw` is refused with `error` and `status`, whether it arrives whole or one byte at a time.
func expectRejection(
    _ raw: [UInt8],
    _ error: HTTP1Error,
    status: Int,
    limits: HTTP1Limits = .init(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(error.status == status, sourceLocation: sourceLocation)
    #expect(throws: error, sourceLocation: sourceLocation) { try feed(raw, limits: limits) }
    #expect(throws: error, sourceLocation: sourceLocation) { try feed(raw, pieceSize: 1, limits: limits) }
}

/// String convenience for hand-written wire text.
func expectRejection(
    _ raw: String,
    _ error: HTTP1Error,
    status: Int = 400,
    limits: HTTP1Limits = .init(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectRejection(Array(raw.utf8), error, status: status, limits: limits, sourceLocation: sourceLocation)
}

/// The UTF-8 bytes of hand-written wire text.
func wire(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
