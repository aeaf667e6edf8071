/// One RESP2 reply value, copied out of hiredis's reply object.
package enum RedisValue: Sendable, Equatable, Hashable {
    /// A bulk string: arbitrary bytes.
    case string([UInt8])
    /// An integer reply (`INCR`, `DEL`, ...).
    case integer(Int64)
    /// A multi-bulk reply; its elements may themselves be errors (a script's or a transaction's).
    case array([RedisValue])
    /// A null bulk string or null array (`GET` of a missing key).
    case null
    /// A simple string status (`OK`, `PONG`, `QUEUED`).
    case status(String)
    /// An error nested inside an array; a top-level error reply fails the call with ``RedisError/server(_:)``.
    case error(String)

    /// A bulk string from UTF-8 text.
    package static func string(_ text: String) -> RedisValue {
        .string(Array(text.utf8))
    }

    /// The text of a bulk string (as UTF-8, repairing invalid bytes) or a status; nil for other values.
    package var text: String? {
        switch self {
        case .string(let bytes): String(decoding: bytes, as: UTF8.self)
        case .status(let text): text
        default: nil
        }
    }

    /// The bytes of a bulk string; nil for other values.
    package var bytes: [UInt8]? {
        guard case .string(let bytes) = self else { return nil }
        return bytes
    }

    /// The value of an integer reply; nil for other values.
    package var integer: Int64? {
        guard case .integer(let value) = self else { return nil }
        return value
    }

    /// The elements of an array reply; nil for other values.
    package var elements: [RedisValue]? {
        guard case .array(let elements) = self else { return nil }
        return elements
    }

    /// Whether this is the null reply.
    package var isNull: Bool { self == .null }
}
