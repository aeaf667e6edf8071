/// A dotted path into a JSON document (`data.status`, `items.0.id`) and the reader that finds its scalar value.
///
/// The reader walks the bytes once, skipping what is not on the path, and stops as soon as the value is found: a
/// body cut after 64 KiB still yields a field that came before the cut, and nothing is ever decoded into a tree.
/// Nesting deeper than ``maxDepth`` counts as missing, so a hostile body cannot exhaust the stack.
package struct JSONField: Sendable, Equatable, CustomStringConvertible {
    /// How deep the reader follows nested containers.
    package static let maxDepth = 64

    /// The path as written.
    package let path: String
    /// Its segments: object keys, or array indices when the container turns out to be an array.
    package let segments: [String]

    /// Creates a field from its dotted path; nil for an empty path or an empty segment (`a..b`).
    package init?(_ path: String) {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, !segments.contains(where: \.isEmpty) else { return nil }
        self.path = path
        self.segments = segments
    }

    /// The dotted path.
    package var description: String { path }

    /// The field's value in `body`: a string's contents, or a number's, `true`'s, `false`'s or `null`'s literal text;
    /// nil when the body is not JSON up to the field, the field is missing, or it holds an object or an array.
    package func value(in body: some Collection<UInt8>) -> String? {
        let bytes = Array(body)
        var reader = JSONReader(bytes: bytes)
        return reader.find(segments[...], depth: 0)
    }
}
