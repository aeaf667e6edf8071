/// An endpoint path glob: `*` matches any run of characters except `/`, `**` matches anything.
public struct PathPattern: Sendable, Equatable {
    /// The glob as written in the configuration.
    public let glob: String

    /// Creates a pattern from its glob.
    public init(_ glob: String) {
        self.glob = glob
    }

    /// Whether `path` (query string ignored) matches the glob.
    public func matches(_ path: String) -> Bool {
        fatalError("PathPattern.matches is implemented by the Retry module work")
    }
}
