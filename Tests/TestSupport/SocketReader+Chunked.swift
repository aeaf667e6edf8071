extension SocketReader {
    /// Decodes a chunked body into `body` and returns its trailer fields.
    ///
    /// Decoded bytes are appended as they arrive, so when the stream ends early `body` holds what came.
    func readChunkedBody(into body: inout [UInt8], deadline: ContinuousClock.Instant?) throws(Failure)
        -> [(name: String, value: String)]
    {
        while true {
            let sizeLine = try readLine(deadline: deadline)
            let sizeDigits = sizeLine.prefix { $0 != UInt8(ascii: ";") }
            let sizeText = HeadSyntax.text(sizeDigits).trimmingOWS()
            guard let size = Int(sizeText, radix: 16), size >= 0 else {
                throw .malformed("bad chunk size line \(HeadSyntax.text(sizeLine).debugDescription)")
            }
            if size == 0 { break }
            try read(size, into: &body, deadline: deadline)
            guard try readLine(deadline: deadline).isEmpty else { throw .malformed("chunk data not followed by CRLF") }
        }
        var trailers: [(name: String, value: String)] = []
        while true {
            let line = try readLine(deadline: deadline)
            if line.isEmpty { return trailers }
            guard let field = HeadSyntax.field(line) else { throw .malformed("bad trailer line") }
            trailers.append(field)
        }
    }
}
