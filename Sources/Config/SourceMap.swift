/// Where each key of a TOML document was written, since TOMLKit does not expose node source positions.
struct SourceMap: Sendable {
    /// A place in the source text.
    struct Location: Sendable, Equatable {
        /// 1-based line.
        var line: Int
        /// UTF-8 offset from the start of the text; orders keys written on one line.
        var offset: Int
    }

    private var locations: [KeyPath: Location] = [:]

    /// Creates a map by scanning `text`, which must already have parsed as TOML.
    init(scanning text: String) {
        var scanner = SourceScanner(text)
        scanner.scan()
        locations = scanner.locations
    }

    /// Creates a map from known locations.
    init(locations: [KeyPath: Location] = [:]) {
        self.locations = locations
    }

    /// The line of `path`, or of its nearest enclosing key or table when `path` itself is not written out
    /// (a key inside a multi-line value, or a required key that is missing).
    func line(for path: KeyPath) -> Int? {
        var current: KeyPath? = path
        while let candidate = current {
            if let location = locations[candidate] { return location.line }
            current = candidate.parent
        }
        return nil
    }

    /// The exact location of `path`, if it was written out.
    func location(of path: KeyPath) -> Location? {
        locations[path]
    }
}
