/// Suggests the key a typo was probably meant to be.
enum Spelling {
    /// The candidate closest to `word` by edit distance, if close enough to be a plausible typo.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = candidates.map { candidate in
            (candidate, editDistance(Array(lowered.utf8), Array(candidate.lowercased().utf8)))
        }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        // A quarter of the length tolerates one slip in short keys and a few in long ones.
        return best.1 <= max(1, best.0.count / 4) ? best.0 : nil
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousRow = [Int](0...b.count)
        var twoRowsBack = previousRow
        for i in 1...a.count {
            var row = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                row[j] = min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    row[j] = min(row[j], twoRowsBack[j - 2] + 1)
                }
            }
            twoRowsBack = previousRow
            previousRow = row
        }
        return previousRow[b.count]
    }
}
