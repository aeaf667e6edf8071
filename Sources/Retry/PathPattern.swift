/// An endpoint path glob: `*` matches any run of characters except `/`, `**` matches anything (including `/`).
///
/// `**` is not gitignore's "zero or more directories": `/v1/**/jobs` needs at least `/v1//jobs`, and
/// `/v1/jobs/**` does not match `/v1/jobs` itself.
package struct PathPattern: Sendable, Equatable {
    /// The glob as written in the configuration.
    package let glob: String
    /// How many stars (`*` or `**`) it has, so how many captures a match yields.
    package var starCount: Int {
        pieces.count { if case .byte = $0 { false } else { true } }
    }
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
        let bytes = Self.pathBytes(path)
        var reachable = [Bool](repeating: false, count: bytes.count + 1)
        reachable[0] = true
        for piece in pieces { reachable = step(reachable, over: piece, bytes) }
        return reachable[bytes.count]
    }

    /// What each star matched, in order (`{1}` is the first), or nil when `path` does not match.
    ///
    /// When a path matches in more than one way, later stars take as little as they can.
    package func captures(in path: String) -> [String]? {
        let bytes = Self.pathBytes(path)
        var rows = [[Bool](repeating: false, count: bytes.count + 1)]
        rows[0][0] = true
        for piece in pieces { rows.append(step(rows[rows.count - 1], over: piece, bytes)) }
        guard rows[pieces.count][bytes.count] else { return nil }
        // Walk back from the end: each piece ends where the next began; a star starts at the latest reachable byte
        // from which its run is allowed.
        var end = bytes.count
        var captures: [String] = []
        for (index, piece) in pieces.enumerated().reversed() {
            let before = rows[index]
            switch piece {
            case .byte:
                end -= 1
            case .star, .doubleStar:
                var start = end
                while !before[start] {
                    start -= 1
                }
                captures.append(String(decoding: bytes[start..<end], as: UTF8.self))
                end = start
            }
        }
        return captures.reversed()
    }

    /// One pass of the matcher: `reachable[j]` says the pieces before `piece` can match the first j bytes; the
    /// result says the same with `piece` included. One pass per piece and no backtracking, so a hostile path cannot
    /// make matching exponential.
    private func step(_ reachable: [Bool], over piece: Piece, _ bytes: [UInt8]) -> [Bool] {
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
        return next
    }

    private static func pathBytes(_ path: String) -> [UInt8] {
        Array(path.utf8.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") })
    }
}
