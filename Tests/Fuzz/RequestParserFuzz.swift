// libFuzzer target for `RequestParser`. Built by Tests/Fuzz/fuzz.sh, not by SwiftPM.
//
// A crash is not the only failure: the same bytes must produce the same events and the same error however the
// connection happens to split them, and the calling contract in `RequestParser.parse`'s doc comment must hold.
// Every check ends in `fatalError`, so libFuzzer reports a violation as a crash and keeps the input.
// The checks never name a particular error, so the parser may refine what it rejects and why.

import HTTP1

/// Feeds one input whole, one byte at a time, and in pseudo-random pieces, under default and tight limits.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    for limits in [HTTP1Limits(), RequestFuzzing.tightLimits] {
        let whole = RequestTrace(feeding: input, in: .whole(input.count), limits: limits)
        for plan in [SplitPlan.bytewise, SplitPlan(seededBy: input)] {
            let split = RequestTrace(feeding: input, in: plan, limits: limits)
            require(split == whole, "whole and \(plan) feeding differ\nwhole: \(whole)\n\(plan): \(split)")
        }
    }
    return 0
}

/// Settings shared by every run.
enum RequestFuzzing {
    /// Limits small enough that inputs of libFuzzer's usual length reach every limit check.
    static let tightLimits: HTTP1Limits = {
        var limits = HTTP1Limits()
        limits.maxHeaderBytes = 300
        limits.maxRequestTargetBytes = 40
        limits.maxHeaderCount = 6
        limits.maxBodyBytes = 200
        limits.maxEmptyLinesBeforeRequest = 1
        limits.maxChunkExtensionBytes = 24
        return limits
    }()

    /// A valid request, offered to a failed parser to check that it keeps failing.
    static let validRequest: [UInt8] = Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
}

/// The sizes of the pieces a connection receives an input in.
struct SplitPlan: CustomStringConvertible {
    /// Piece sizes, consumed in order; the last piece repeats once exhausted.
    let pieces: [Int]
    private let name: String?

    /// Names the plan in failure messages; built only then, since most plans list hundreds of pieces.
    var description: String { name ?? "split \(pieces)" }

    /// The whole input in one read.
    static func whole(_ count: Int) -> SplitPlan {
        SplitPlan(pieces: [max(count, 1)], name: "whole")
    }

    /// One byte per read, the worst case for a parser that must buffer partial lines.
    static let bytewise = SplitPlan(pieces: [1], name: "bytewise")

    private init(pieces: [Int], name: String?) {
        self.pieces = pieces
        self.name = name
    }

    /// Piece sizes from a SplitMix64 stream seeded with the input's FNV-1a hash, so a crash reproduces from the
    /// input alone while every mutation moves the split points.
    init(seededBy input: UnsafeRawBufferPointer) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in input { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        var state = hash
        var sizes: [Int] = []
        var covered = 0
        while covered < input.count {
            state &+= 0x9e37_79b9_7f4a_7c15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
            mixed ^= mixed >> 31
            // Mostly short pieces, which land inside lines, chunk sizes and CRLFs; sometimes long ones.
            let size = mixed & 3 == 0 ? 1 + Int((mixed >> 8) % 512) : 1 + Int((mixed >> 8) % 12)
            sizes.append(size)
            covered += size
        }
        pieces = sizes.isEmpty ? [1] : sizes
        name = nil
    }
}

/// What a parser made of one input, body events merged so that differently split feeds compare equal.
struct RequestTrace: Equatable, CustomStringConvertible {
    /// One observable outcome.
    enum Step: Equatable {
        case head(RequestHead)
        case body([UInt8])
        case end
        case error(HTTP1Error)
    }

    private(set) var steps: [Step] = []
    /// Body bytes not yet in `steps`; one byte per event would otherwise copy the body once per byte.
    private var pendingBody: [UInt8] = []
    /// Whether the parser sat between messages once the input ran out.
    private(set) var endedAtBoundary = false

    var description: String {
        "\(steps.map(Self.describe)) endedAtBoundary: \(endedAtBoundary)"
    }

    /// Feeds `input` the way a connection does: bytes the parser did not consume stay at the front of the buffer,
    /// and `parse` is called until it returns no event before the next piece is read.
    init(feeding input: UnsafeRawBufferPointer, in plan: SplitPlan, limits: HTTP1Limits) {
        var parser = RequestParser(limits: limits)
        var checker = MessageChecker(limits: limits)
        var buffer: [UInt8] = []
        var offset = 0
        var pieceIndex = 0
        repeat {
            let size = plan.pieces[min(pieceIndex, plan.pieces.count - 1)]
            pieceIndex += 1
            let end = min(offset + size, input.count)
            buffer.append(contentsOf: input[offset..<end])
            offset = end
            guard drain(&parser, &buffer, &checker) else { break }
        } while offset < input.count
        flushBody()
        endedAtBoundary = parser.isAtMessageBoundary
    }

    private mutating func append(_ step: Step) {
        flushBody()
        steps.append(step)
    }

    private mutating func flushBody() {
        guard !pendingBody.isEmpty else { return }
        steps.append(.body(pendingBody))
        pendingBody.removeAll()
    }

    /// Calls `parse` until it wants more bytes; returns false once it has thrown.
    private mutating func drain(
        _ parser: inout RequestParser,
        _ buffer: inout [UInt8],
        _ checker: inout MessageChecker
    ) -> Bool {
        // Each event consumes a byte except `.end`, which follows a consuming event: 2n + 2 calls at most.
        let maxCalls = 2 * buffer.count + 2
        var calls = 0
        var start = 0
        while true {
            calls += 1
            require(calls <= maxCalls, "parse was called \(calls) times for \(buffer.count) bytes")
            let result: Result<(event: ParseEvent?, consumed: Int), HTTP1Error> = buffer.withUnsafeBytes { raw in
                let unconsumed = UnsafeRawBufferPointer(rebasing: raw[start...])
                return Result { () throws(HTTP1Error) in try parser.parse(unconsumed) }
            }
            let available = buffer.count - start
            switch result {
            case .failure(let error):
                append(.error(error))
                Self.checkFailsForever(&parser, with: error, unconsumed: Array(buffer[start...]))
                return false
            case .success((nil, let consumed)):
                require(consumed == available, "no event, yet \(consumed) of \(available) bytes consumed")
                buffer.removeAll(keepingCapacity: true)
                return true
            case .success((let event?, let consumed)):
                require(consumed >= 0 && consumed <= available, "consumed \(consumed) of \(available) bytes")
                switch event {
                case .head(let head):
                    checker.begin(head)
                    require(!parser.isAtMessageBoundary, "at a message boundary right after a head")
                    append(.head(head))
                case .body(let range):
                    require(
                        !range.isEmpty && range.lowerBound >= 0 && range.upperBound == consumed,
                        "body range \(range) with \(consumed) bytes consumed"
                    )
                    let bytes = buffer[(start + range.lowerBound)..<(start + range.upperBound)]
                    checker.add(bodyBytes: bytes.count)
                    pendingBody.append(contentsOf: bytes)
                case .end:
                    checker.end()
                    require(parser.isAtMessageBoundary, "not at a message boundary right after .end")
                    append(.end)
                }
                start += consumed
            }
        }
    }

    /// "Once it throws, it throws the same error forever", whatever it is offered next.
    private static func checkFailsForever(_ parser: inout RequestParser, with error: HTTP1Error, unconsumed: [UInt8]) {
        for bytes in [[], unconsumed, RequestFuzzing.validRequest] {
            let again: Result<(event: ParseEvent?, consumed: Int), HTTP1Error> = bytes.withUnsafeBytes { raw in
                Result { () throws(HTTP1Error) in try parser.parse(raw) }
            }
            guard case .failure(let repeated) = again, repeated == error else {
                fail("after throwing \(error), parse returned \(again)")
            }
        }
    }

    private static func describe(_ step: Step) -> String {
        switch step {
        case .head(let head): "head(\(head))"
        case .body(let bytes): "body(\(bytes.count) bytes: \(String(decoding: bytes, as: UTF8.self).debugDescription))"
        case .end: "end"
        case .error(let error): "error(\(error))"
        }
    }
}

/// Checks what the proxy relies on in each message: events in order, heads that cannot split what they are
/// forwarded into, and bodies as long as their framing announced.
struct MessageChecker {
    private let limits: HTTP1Limits
    /// The framing of the message in progress; nil between messages.
    private var framing: BodyFraming?
    private var bodyBytes = 0

    init(limits: HTTP1Limits) {
        self.limits = limits
    }

    mutating func begin(_ head: RequestHead) {
        require(framing == nil, "a head inside a message")
        require(!head.method.isEmpty && head.method.utf8.allSatisfy(Self.isTokenByte), "method \(head.method)")
        require(
            !head.target.isEmpty && head.target.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F },
            "target \(head.target.debugDescription)"
        )
        for field in head.headers {
            require(
                !field.name.isEmpty && field.name.utf8.allSatisfy(Self.isTokenByte),
                "field name \(field.name.debugDescription)"
            )
            let value = Array(field.value.utf8)
            require(
                !value.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }, "field value \(field.value.debugDescription)")
            require(
                value.first.map(Self.isNotWhitespace) ?? true && value.last.map(Self.isNotWhitespace) ?? true,
                "untrimmed field value \(field.value.debugDescription)"
            )
        }
        switch head.framing {
        case .none:
            break
        case .contentLength(let length):
            require(length >= 0 && length <= limits.maxBodyBytes, "Content-Length \(length)")
        case .chunked:
            require(head.version == .http11, "chunked framing on \(head.version)")
        }
        framing = head.framing
        bodyBytes = 0
    }

    mutating func add(bodyBytes count: Int) {
        guard let framing else { fail("body bytes outside a message") }
        bodyBytes += count
        switch framing {
        case .none: fail("body bytes for a message without a body")
        case .contentLength(let length): require(bodyBytes <= length, "\(bodyBytes) body bytes for \(length)")
        case .chunked: require(bodyBytes <= limits.maxBodyBytes, "\(bodyBytes) chunked body bytes")
        }
    }

    mutating func end() {
        guard let framing else { fail(".end outside a message") }
        if case .contentLength(let length) = framing {
            require(bodyBytes == length, ".end after \(bodyBytes) of \(length) body bytes")
        }
        self.framing = nil
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

    private static func isNotWhitespace(_ byte: UInt8) -> Bool {
        byte != 0x20 && byte != 0x09
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
