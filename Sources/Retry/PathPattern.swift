/// An endpoint path glob: `*` matches any run of characters except `/`, `**` matches anything (including `/`).
///
/// `**` is not gitignore's "zero or more directories": `/v1/**/jobs` needs at least `/v1//jobs`, and
/// `/v1/jobs/**` does not match `/v1/jobs` itself.
package struct PathPattern: Sendable, Equatable {
    /// The glob as written in the configuration.
    package let glob: String
    private let pieces: [Piece]

    private enum Piece: Sendable, Equatable {
        case byte(UInt8)
        case star
        case doubleStar
    }

    /// Creates a pattern from its glob; three or more consecutive stars act as `**`.
    package init(_ glob: String) {
        self.glob = glob
        var pieces: [Piece] = []
        for byte in glob.utf8 {
            guard byte == UInt8(ascii: "*") else {
                pieces.append(.byte(byte))
                continue
            }
            switch pieces.last {
            case .star?, .doubleStar?: pieces[pieces.count - 1] = .doubleStar
            default: pieces.append(.star)
            }
        }
        self.pieces = pieces
    }

    /// Whether `path` matches the glob; a query string (`?…`) or fragment (`#…`) is ignored.
    package func matches(_ path: String) -> Bool {
        let bytes = Array(path.utf8.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") })
        // reachable[j]: the pieces consumed so far can match the first j bytes. One pass per piece, no backtracking,
        // so a hostile path cannot make matching exponential.
        var reachable = [Bool](repeating: false, count: bytes.count + 1)
        reachable[0] = true
        for piece in pieces {
            var next = [Bool](repeating: false, count: bytes.count + 1)
            switch piece {
            case .byte(let expected):
                for j in bytes.indices where reachable[j] && bytes[j] == expected { next[j + 1] = true }
            case .star:
                next[0] = reachable[0]
                for j in bytes.indices {
                    next[j + 1] = reachable[j + 1] || (next[j] && bytes[j] != UInt8(ascii: "/"))
                }
            case .doubleStar:
                next[0] = reachable[0]
                for j in bytes.indices { next[j + 1] = reachable[j + 1] || next[j] }
            }
            reachable = next
        }
        return reachable[bytes.count]
    }
}
