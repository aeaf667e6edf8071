/// One TOML value and where it was written.
public struct TOMLValue: Hashable, Sendable {
    /// The value itself.
    public enum Content: Hashable, Sendable {
        /// A string of any of the four kinds, escapes decoded.
        case string(String)
        /// A 64-bit signed integer, as TOML requires.
        case integer(Int64)
        /// An IEEE 754 binary64 float, `inf` and `nan` included.
        case float(Double)
        /// `true` or `false`.
        case boolean(Bool)
        /// A date, time or date-time.
        case dateTime(TOMLDateTime)
        /// An array, static (`[1, 2]`) or of tables (`[[name]]`).
        case array([TOMLValue])
        /// A table: standard, implicit, inline, defined by dotted keys or an element of an array of tables.
        case table(TOMLTable)
    }

    /// The value itself.
    public var content: Content
    /// Where the value starts: its first character, or the `[header]` that opened a table.
    public var position: TOMLPosition

    /// Creates a value.
    public init(_ content: Content, at position: TOMLPosition) {
        self.content = content
        self.position = position
    }

    /// The string, or `nil` for any other kind.
    public var string: String? {
        if case .string(let value) = content { value } else { nil }
    }

    /// The integer, or `nil` for any other kind.
    public var integer: Int64? {
        if case .integer(let value) = content { value } else { nil }
    }

    /// The float, or `nil` for any other kind (an integer is not converted: TOML keeps the two apart).
    public var float: Double? {
        if case .float(let value) = content { value } else { nil }
    }

    /// The boolean, or `nil` for any other kind.
    public var boolean: Bool? {
        if case .boolean(let value) = content { value } else { nil }
    }

    /// The date or time, or `nil` for any other kind.
    public var dateTime: TOMLDateTime? {
        if case .dateTime(let value) = content { value } else { nil }
    }

    /// The elements, or `nil` for any other kind.
    public var array: [TOMLValue]? {
        if case .array(let value) = content { value } else { nil }
    }

    /// The table, or `nil` for any other kind.
    public var table: TOMLTable? {
        if case .table(let value) = content { value } else { nil }
    }

    /// The value at `key` when this is a table.
    public subscript(key: String) -> TOMLValue? {
        table?[key]
    }

    /// The element at `index` when this is an array and the index is in range.
    public subscript(index: Int) -> TOMLValue? {
        guard let array, array.indices.contains(index) else { return nil }
        return array[index]
    }
}
