extension ConfigDecoder {
    /// A list of statuses: integers, ranges such as `"500-599"`, or classes such as `"5xx"`, expanded.
    ///
    /// Vendors word their guidance as ranges ("429 or 500+ means the request is worth retrying"); writing all
    /// hundred statuses out is how a config goes wrong.
    static func statuses(_ value: ValueReader) throws(ConfigError) -> Set<Int> {
        var statuses: Set<Int> = []
        for element in try value.array() {
            if element.literalInteger != nil {
                statuses.insert(try element.integer(in: 100...599))
                continue
            }
            guard element.literalString != nil else {
                throw element.mismatch(expected: "a status (404), a range (\"500-599\") or a class (\"5xx\")")
            }
            let text = try element.string()
            guard let range = statusRange(text) else {
                let example = Int(text).map(String.init) ?? "503"
                throw element.error(
                    "\"\(text)\" is not a status range; write an integer (\(example)), or \"500-599\" or \"5xx\"")
            }
            statuses.formUnion(range)
        }
        return statuses
    }

    /// `"5xx"` (a whole class) or `"500-504"` (an inclusive range) within 100...599; nil for anything else.
    static func statusRange(_ text: String) -> ClosedRange<Int>? {
        let lower = text.lowercased()
        if lower.count == 3, lower.hasSuffix("xx"), let digit = Int(lower.prefix(1)), (1...5).contains(digit) {
            return digit * 100...digit * 100 + 99
        }
        let bounds = lower.split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let low = Int(bounds[0]), let high = Int(bounds[1]),
            bounds.allSatisfy({ $0.count == 3 }), 100 <= low, low <= high, high <= 599
        else { return nil }
        return low...high
    }
}
