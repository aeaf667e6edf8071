import Glibc
import Loop

extension UpstreamCore {
    /// Carries out `action` for `request` and says how the connection goes on.
    func perform(_ action: UpstreamAction, for request: RecordedRequest, on fd: Int32) -> Ending {
        do throws(SysError) {
            switch action {
            case .respond(let status, let reason, let headers, let body, let chunked):
                let noBody = HeadSyntax.hasNoBody(status: status, requestMethod: request.method)
                let fields = Self.framingFields(headers, status: status, length: body.count, chunked: chunked)
                var bytes = Self.head(status: status, reason: reason, fields: fields)
                if !noBody { bytes += chunked ? HeadSyntax.chunk(body) + HeadSyntax.lastChunk : body }
                try Socket.sendAll(fd, bytes)
                return Self.continuation(after: request, fields: fields)
            case .raw(let bytes):
                try Socket.sendAll(fd, bytes)
                return .keepAlive
            case .rawThenClose(let bytes):
                try Socket.sendAll(fd, bytes)
                return .graceful
            case .close:
                return .graceful
            case .reset:
                return .reset
            case .delay(let duration, let next):
                return waitWhileConnected(fd, for: duration) ? perform(next, for: request, on: fd) : .abort
            case .stream(let status, let headers, let totalBytes, let chunkSize, let chunked):
                let fields = Self.framingFields(headers, status: status, length: totalBytes, chunked: chunked)
                try Socket.sendAll(fd, Self.head(status: status, reason: nil, fields: fields))
                if !HeadSyntax.hasNoBody(status: status, requestMethod: request.method) {
                    try stream(totalBytes, in: max(min(chunkSize, totalBytes), 1), chunked: chunked, on: fd)
                }
                return Self.continuation(after: request, fields: fields)
            }
        } catch {
            return .abort
        }
    }

    /// Writes the generated body with blocking sends, counting each piece once the kernel has taken it.
    private func stream(_ totalBytes: Int, in chunkSize: Int, chunked: Bool, on fd: Int32) throws(SysError) {
        // One pattern long enough for any piece at any phase of the 251-byte cycle.
        let pattern = (0..<chunkSize + 251).map(UpstreamAction.streamByte(at:))
        var offset = 0
        while offset < totalBytes {
            let count = min(chunkSize, totalBytes - offset)
            let piece = pattern[offset % 251..<offset % 251 + count]
            try Socket.sendAll(fd, chunked ? HeadSyntax.chunk(piece) : Array(piece))
            offset += count
            addStreamedBytes(count)
        }
        if chunked { try Socket.sendAll(fd, HeadSyntax.lastChunk) }
    }

    /// `fields` plus framing for a `length`-byte body; 1xx, 204 and 304 never get a `Content-Length`.
    private static func framingFields(_ fields: [(String, String)], status: Int, length: Int, chunked: Bool)
        -> [(name: String, value: String)]
    {
        let mayHaveLength = !HeadSyntax.hasNoBody(status: status, requestMethod: "GET")
        return HeadSyntax.addingFraming(to: fields, bodyLength: mayHaveLength ? length : nil, chunked: chunked)
    }

    /// Keep-alive unless the request (HTTP/1.0 without keep-alive, or `close`) or the response says close.
    private static func continuation(after request: RecordedRequest, fields: [(name: String, value: String)]) -> Ending
    {
        let requestCloses =
            HeadSyntax.lists("close", in: request.headers, field: "Connection")
            || (request.version == "HTTP/1.0"
                && !HeadSyntax.lists("keep-alive", in: request.headers, field: "Connection"))
        return requestCloses || HeadSyntax.lists("close", in: fields, field: "Connection") ? .graceful : .keepAlive
    }

    /// A status line (with the standard reason unless given) and fields, through the empty line.
    private static func head(status: Int, reason: String?, fields: [(name: String, value: String)]) -> [UInt8] {
        HeadSyntax.head(startLine: "HTTP/1.1 \(status) \(reason ?? HeadSyntax.reason(for: status))", fields: fields)
    }
}
