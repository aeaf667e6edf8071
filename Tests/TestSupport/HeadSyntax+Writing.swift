extension HeadSyntax {
    /// `fields` plus the framing field a body needs, unless the caller already chose one.
    /// - Parameter bodyLength: The length for `Content-Length`; nil when the message must not carry one.
    static func addingFraming(to fields: [(String, String)], bodyLength: Int?, chunked: Bool)
        -> [(name: String, value: String)]
    {
        var fields = fields.map { (name: $0.0, value: $0.1) }
        if chunked {
            if !isChunked(fields) { fields.append(("Transfer-Encoding", "chunked")) }
        } else if let bodyLength, value(of: "Content-Length", in: fields) == nil {
            fields.append(("Content-Length", String(bodyLength)))
        }
        return fields
    }

    /// A start line and fields, through the empty line.
    static func head(startLine: String, fields: [(name: String, value: String)]) -> [UInt8] {
        var text = startLine + "\r\n"
        for field in fields { text += "\(field.name): \(field.value)\r\n" }
        return Array((text + "\r\n").utf8)
    }

    /// `data` as one chunk; nothing for empty data, which would read as the last chunk.
    static func chunk<Data: Collection<UInt8>>(_ data: Data) -> [UInt8] {
        guard !data.isEmpty else { return [] }
        return Array("\(String(data.count, radix: 16))\r\n".utf8) + data + [13, 10]
    }

    /// The last chunk with no trailers.
    static let lastChunk = Array("0\r\n\r\n".utf8)
}
