/// A strict, incremental HTTP/1.1 request parser (RFC 9112) for untrusted clients: a state machine over bytes.
///
/// Call `parse` with the unconsumed bytes of the connection's buffer, drop `consumed` bytes from its front, and call
/// again (with an empty buffer if nothing is left) until the event is nil; an event may consume nothing, e.g. `.end`
/// right after `.head` for a bodiless request. After `.end` the parser waits for the next call before reading the next
/// pipelined request, so responses can be produced one at a time. Once it throws, it throws the same error forever.
package struct RequestParser: Sendable {
    enum State: Sendable {
        case requestLine
        case fieldLines
        case fixedBody(remaining: Int)
        case chunkLine
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailers
        case endOfMessage
        case failed(HTTP1Error)
    }

    let limits: HTTP1Limits
    var state = State.requestLine
    /// The start of a line split across calls; empty whenever a whole line sits in the caller's buffer.
    var lineBuffer: [UInt8] = []
    /// Bytes of the current head (or trailer section) so far, for `maxHeaderBytes`.
    var sectionBytes = 0
    var fieldCount = 0
    var emptyLines = 0
    var messageStarted = false
    var chunkedBodyBytes = 0
    var builder = RequestHeadBuilder()
    var requestLineProgress = RequestLineProgress()
    var chunkLine = ChunkLineScanner()

    /// Creates a parser waiting for the first request.
    package init(limits: HTTP1Limits = .init()) {
        self.limits = limits
    }

    /// Bytes of storage kept for a line split across reads (none between messages).
    package var lineBufferCapacity: Int { lineBuffer.capacity }

    /// True between messages when no byte of the next message has been seen (lets the caller choose idle vs header
    /// timeout). Empty lines before a request line count as seen.
    package var isAtMessageBoundary: Bool {
        if case .requestLine = state { return !messageStarted }
        return false
    }

    /// Consumes bytes from the front of `input`. Returns at most one event plus how many bytes it consumed.
    /// `event == nil` means all of `input` was consumed (buffered internally, e.g. a partial head) and more is needed.
    /// After `.end` it stops (returns) so the caller can answer requests one at a time (pipelining in order);
    /// the remaining bytes stay in the caller's buffer for the next call.
    /// - Throws: `HTTP1Error` for anything RFC 9112 forbids or `HTTP1Limits` bounds; the connection must then close.
    package mutating func parse(
        _ input: UnsafeRawBufferPointer
    ) throws(HTTP1Error) -> (event: ParseEvent?, consumed: Int) {
        if case .failed(let error) = state { throw error }
        do {
            return try step(input)
        } catch {
            state = .failed(error)
            lineBuffer = []
            throw error
        }
    }

    private mutating func step(_ input: UnsafeRawBufferPointer) throws(HTTP1Error) -> (ParseEvent?, Int) {
        var index = 0
        next: while true {
            switch state {
            case .requestLine, .fieldLines, .trailers:
                guard index < input.count else { return (nil, index) }
                messageStarted = true
                guard let lineEnd = try scanLine(input, from: index) else { return (nil, input.count) }
                let head = try withLine(input, index..<lineEnd) { (parser, line) throws(HTTP1Error) in
                    try parser.processLine(line)
                }
                index = lineEnd
                if let head { return (.head(head), index) }
            case .fixedBody(let remaining):
                guard index < input.count else { return (nil, index) }
                let count = min(remaining, input.count - index)
                state = count == remaining ? .endOfMessage : .fixedBody(remaining: remaining - count)
                return (.body(index..<index + count), index + count)
            case .chunkLine:
                while index < input.count {
                    let byte = input[index]
                    index += 1
                    if try chunkLine.consume(byte, limits: limits) {
                        try startChunk()
                        continue next
                    }
                }
                return (nil, index)
            case .chunkData(let remaining):
                guard index < input.count else { return (nil, index) }
                let count = min(remaining, input.count - index)
                state = count == remaining ? .chunkDataCR : .chunkData(remaining: remaining - count)
                return (.body(index..<index + count), index + count)
            case .chunkDataCR:
                guard index < input.count else { return (nil, index) }
                guard input[index] == ASCII.carriageReturn else { throw .badChunkTerminator }
                index += 1
                state = .chunkDataLF
            case .chunkDataLF:
                guard index < input.count else { return (nil, index) }
                guard input[index] == ASCII.lineFeed else { throw .badChunkTerminator }
                index += 1
                state = .chunkLine
            case .endOfMessage:
                resetForNextMessage()
                return (.end, index)
            case .failed(let error):
                throw error
            }
        }
    }

    /// Moves from a finished head to the body its framing announces.
    mutating func enterBody(_ framing: BodyFraming) {
        switch framing {
        case .none, .contentLength(0):
            state = .endOfMessage
        case .contentLength(let length):
            state = .fixedBody(remaining: length)
        case .chunked:
            chunkedBodyBytes = 0
            chunkLine = ChunkLineScanner()
            state = .chunkLine
        }
    }

    private mutating func startChunk() throws(HTTP1Error) {
        let size = chunkLine.size
        chunkLine = ChunkLineScanner()
        if size == 0 {
            sectionBytes = 0
            fieldCount = 0
            state = .trailers
            return
        }
        // Refuse before the data arrives: the proxy would otherwise have forwarded part of an oversized body.
        guard size <= limits.maxBodyBytes - chunkedBodyBytes else { throw .bodyTooLarge }
        chunkedBodyBytes += size
        state = .chunkData(remaining: size)
    }

    private mutating func resetForNextMessage() {
        // A line split across reads left storage here; an idle keep-alive connection should not keep it.
        if lineBuffer.capacity > 0 { lineBuffer = [] }
        state = .requestLine
        messageStarted = false
        sectionBytes = 0
        fieldCount = 0
        emptyLines = 0
        chunkedBodyBytes = 0
        requestLineProgress = RequestLineProgress()
    }
}
