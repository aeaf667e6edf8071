/// A TOML table: its keys in the order they were first written, each with its value and where the key is.
///
/// Order matters to the reader of an error ("the first unknown key" must be the first one in the file), so the
/// table is an ordered list with an index rather than a dictionary.
public struct TOMLTable: Hashable, Sendable {
    /// One key and its value.
    public struct Entry: Hashable, Sendable {
        /// The key, unquoted and unescaped.
        public var key: String
        /// Where the key was first written: the key itself, the dotted key or `[header]` that created the table.
        public var keyPosition: TOMLPosition
        /// The value.
        public var value: TOMLValue

        /// Creates an entry.
        public init(key: String, keyPosition: TOMLPosition, value: TOMLValue) {
            self.key = key
            self.keyPosition = keyPosition
            self.value = value
        }
    }

    /// The entries in the order their keys were first written.
    public private(set) var entries: [Entry] = []
    private var indexes: [String: Int] = [:]

    /// Creates an empty table.
    public init() {}

    /// The keys in the order they were first written.
    public var keys: [String] { entries.map(\.key) }

    /// The number of keys.
    public var count: Int { entries.count }

    /// Whether the table has no keys.
    public var isEmpty: Bool { entries.isEmpty }

    /// The value of `key`, or `nil` when absent.
    public subscript(key: String) -> TOMLValue? {
        indexes[key].map { entries[$0].value }
    }

    /// The entry of `key`, with the key's position, or `nil` when absent.
    public func entry(_ key: String) -> Entry? {
        indexes[key].map { entries[$0] }
    }

    /// Adds `entry` at the end, or replaces the value of an existing key in place (keeping its order).
    public mutating func set(_ entry: Entry) {
        if let index = indexes[entry.key] {
            entries[index] = entry
        } else {
            indexes[entry.key] = entries.count
            entries.append(entry)
        }
    }

    /// Tables are equal when their entries are, in the same order; the index follows from the entries.
    public static func == (lhs: TOMLTable, rhs: TOMLTable) -> Bool {
        lhs.entries == rhs.entries
    }

    /// Hashes the entries, as `==` compares them.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries)
    }
}
