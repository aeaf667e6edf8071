/// Why a document is not TOML 1.0, and where: the first problem found, located by line and column.
public struct TOMLError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where the problem was found.
    public var position: TOMLPosition
    /// What is wrong, in a few words (`duplicate key "port"`).
    public var message: String

    /// Creates an error.
    public init(position: TOMLPosition, message: String) {
        self.position = position
        self.message = message
    }

    /// The 1-based line of the problem.
    public var line: Int { position.line }
    /// The 1-based column of the problem.
    public var column: Int { position.column }

    /// `line 7, column 12: duplicate key "port"`.
    public var description: String { "\(position): \(message)" }
}
