/// A place in a TOML document, so that every value and every error can point the reader at the text.
public struct TOMLPosition: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line; a line ends at LF (CRLF counts once).
    public var line: Int
    /// 1-based column in Unicode scalars, which is what an editor shows for text without tabs.
    public var column: Int
    /// UTF-8 offset from the start of the input (a byte-order mark included); orders things written on one line.
    public var offset: Int

    /// Creates a position.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// `line L, column C`, the way errors name a place.
    public var description: String { "line \(line), column \(column)" }
}
