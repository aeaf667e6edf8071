extension RequestParser {
    /// Finds the LF ending the line that starts at `start`, enforcing the section byte limit as bytes arrive.
    /// - Returns: the index just past the LF, or nil when the line is incomplete (its bytes are then buffered).
    mutating func scanLine(_ input: UnsafeRawBufferPointer, from start: Int) throws(HTTP1Error) -> Int? {
        let budget = limits.maxHeaderBytes - sectionBytes
        let available = input.count - start
        let window = start + min(available, budget)
        let lineEnd = ASCII.firstIndex(of: ASCII.lineFeed, in: input, start..<window).map { $0 + 1 }
        if case .requestLine = state {
            let seen = UnsafeRawBufferPointer(rebasing: input[start..<(lineEnd ?? window)])
            try requestLineProgress.advance(over: seen, limits: limits)
        }
        if let lineEnd {
            sectionBytes += lineEnd - start
            return lineEnd
        }
        // Refuse as soon as the limit is crossed rather than waiting for a CRLF that may never come.
        guard available <= budget else { throw .headerSectionTooLarge }
        sectionBytes += available
        lineBuffer.append(contentsOf: input[start...])
        return nil
    }

    /// Runs `body` on the complete line ending at `range.upperBound`, joined with any buffered start, without copying
    /// when the line lies wholly inside `input`.
    mutating func withLine<R>(
        _ input: UnsafeRawBufferPointer,
        _ range: Range<Int>,
        _ body: (inout RequestParser, UnsafeRawBufferPointer) throws(HTTP1Error) -> R
    ) throws(HTTP1Error) -> R {
        if lineBuffer.isEmpty {
            return try body(&self, UnsafeRawBufferPointer(rebasing: input[range]))
        }
        var line: [UInt8] = []
        swap(&line, &lineBuffer)
        line.append(contentsOf: input[range])
        let result = line.withUnsafeBytes { bytes in
            Result { () throws(HTTP1Error) in try body(&self, bytes) }
        }
        // Keep a small buffer for the next slow line of this head; the end of the message gives it back.
        if line.capacity <= 4096 {
            line.removeAll(keepingCapacity: true)
            swap(&line, &lineBuffer)
        }
        return try result.get()
    }

    /// Handles one complete line of the head or trailer section; returns the head once its empty line arrives.
    mutating func processLine(_ raw: UnsafeRawBufferPointer) throws(HTTP1Error) -> RequestHead? {
        let line = try Self.content(of: raw)
        switch state {
        case .requestLine:
            requestLineProgress = RequestLineProgress()
            if line.isEmpty {
                emptyLines += 1
                guard emptyLines <= limits.maxEmptyLinesBeforeRequest else { throw .tooManyEmptyLines }
                sectionBytes = 0
                return nil
            }
            let requestLine = try RequestLine(line, limits: limits)
            builder.method = requestLine.method
            builder.target = requestLine.target
            builder.version = requestLine.version
            state = .fieldLines
        case .fieldLines:
            if line.isEmpty {
                let head = try builder.finish(limits: limits)
                builder = RequestHeadBuilder()
                enterBody(head.framing)
                return head
            }
            fieldCount += 1
            guard fieldCount <= limits.maxHeaderCount else { throw .tooManyHeaders }
            try builder.addField(line)
        case .trailers:
            if line.isEmpty {
                state = .endOfMessage
                return nil
            }
            fieldCount += 1
            guard fieldCount <= limits.maxHeaderCount else { throw .tooManyHeaders }
            // Trailers are dropped, but a malformed one still means the framing cannot be trusted.
            _ = try FieldLine(line)
        default:
            preconditionFailure("processLine outside a line-oriented state")
        }
        return nil
    }

    /// The line without its CRLF; any other CR or a missing CR is a framing error (RFC 9112 §2.2).
    static func content(of raw: UnsafeRawBufferPointer) throws(HTTP1Error) -> UnsafeRawBufferPointer {
        let lineFeed = raw.count - 1
        let endsWithCR = lineFeed > 0 && raw[lineFeed - 1] == ASCII.carriageReturn
        let contentEnd = endsWithCR ? lineFeed - 1 : lineFeed
        if ASCII.firstIndex(of: ASCII.carriageReturn, in: raw, 0..<contentEnd) != nil { throw .bareCR }
        guard endsWithCR else { throw .bareLF }
        return UnsafeRawBufferPointer(rebasing: raw[..<contentEnd])
    }
}
