import CHiredis

extension RedisValue {
    /// Copies a hiredis reply (which hiredis frees as soon as the callback returns) into a value.
    /// - Throws: ``RedisError/protocolError(_:)`` for a reply type RESP2 does not have.
    init(reply: UnsafePointer<redisReply>) throws(RedisError) {
        let reply = reply.pointee
        switch reply.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.bytes(reply.str, reply.len))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(reply.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(reply.str, reply.len), as: UTF8.self))
        case REDIS_REPLY_ARRAY:
            var elements: [RedisValue] = []
            elements.reserveCapacity(reply.elements)
            for index in 0..<reply.elements {
                guard let element = reply.element[index] else {
                    throw .protocolError("array element \(index) is missing")
                }
                elements.append(try RedisValue(reply: element))
            }
            self = .array(elements)
        default:
            throw .protocolError("unknown reply type \(reply.type)")
        }
    }

    /// The outcome of a call from its top-level reply: an error reply fails it, anything else succeeds.
    static func result(of reply: UnsafePointer<redisReply>) -> Result<RedisValue, RedisError> {
        do {
            let value = try RedisValue(reply: reply)
            if case .error(let message) = value { return .failure(.server(message)) }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}
