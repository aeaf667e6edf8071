import TOML

/// Where each key of a TOML document was written, by key path, so that any error about a key can name its line.
struct SourceMap: Sendable {
    /// A place in the source text.
    struct Location: Sendable, Equatable {
        /// 1-based line.
        var line: Int
        /// UTF-8 offset from the start of the text; orders keys written on one line.
        var offset: Int
    }

    private var locations: [KeyPath: Location] = [:]

    /// Creates a map from a parsed document: each key where it was first written, each array element where it
    /// starts, each element of an array of tables at its `[[header]]`.
    init(document: TOMLTable) {
        record(document, at: .root)
    }

    /// Creates a map from known locations.
    init(locations: [KeyPath: Location] = [:]) {
        self.locations = locations
    }

    /// The line of `path`, or of its nearest enclosing key or table when `path` itself is not written out
    /// (a required key that is missing).
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

    // The parser bounds nesting (TOMLLimits.maxDepth), so this recursion is bounded too.
    private mutating func record(_ table: TOMLTable, at path: KeyPath) {
        for entry in table.entries {
            let keyPath = path.appending(entry.key)
            locations[keyPath] = Location(line: entry.keyPosition.line, offset: entry.keyPosition.offset)
            record(entry.value, at: keyPath)
        }
    }

    private mutating func record(_ value: TOMLValue, at path: KeyPath) {
        switch value.content {
        case .table(let table):
            record(table, at: path)
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                let elementPath = path.appending(index: index)
                locations[elementPath] = Location(line: element.position.line, offset: element.position.offset)
                record(element, at: elementPath)
            }
        default:
            break
        }
    }
}
