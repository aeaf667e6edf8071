/// Ordered header list, duplicates kept, case-insensitive lookups, original name spelling preserved.
package struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByArrayLiteral {
    /// One field: the name as spelled on the wire and its value.
    package typealias Element = (name: String, value: String)

    var fields: [Element]

    /// Creates an empty list.
    package init() {
        fields = []
    }

    /// Creates a list from `(name, value)` pairs, in order.
    package init(_ pairs: [(String, String)]) {
        fields = pairs.map { (name: $0.0, value: $0.1) }
    }

    /// Creates a list from a literal such as `[("Host", "example.com")]`.
    package init(arrayLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields, duplicates included.
    package var count: Int { fields.count }

    /// Whether the list holds no field.
    package var isEmpty: Bool { fields.isEmpty }

    /// The fields as an array that shares this list's storage: handing them on costs a retain, not a copy.
    package var fieldList: [Element] { fields }

    /// Iterates the fields in order.
    package func makeIterator() -> IndexingIterator<[Element]> {
        fields.makeIterator()
    }

    /// Appends a field, keeping any existing one with the same name.
    package mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Removes every field named `name`, ignoring case.
    package mutating func remove(name: String) {
        fields.removeAll { ASCII.equalsIgnoringCase($0.name, name) }
    }

    /// Replaces the first field named `name` in place and removes the others; appends when absent.
    package mutating func replaceOrAdd(name: String, value: String) {
        guard let first = fields.firstIndex(where: { ASCII.equalsIgnoringCase($0.name, name) }) else {
            add(name: name, value: value)
            return
        }
        fields[first].value = value
        var index = fields.count - 1
        while index > first {
            if ASCII.equalsIgnoringCase(fields[index].name, name) { fields.remove(at: index) }
            index -= 1
        }
    }

    /// All values of the fields named `name`, in order.
    package subscript(name: String) -> [String] {
        fields.compactMap { ASCII.equalsIgnoringCase($0.name, name) ? $0.value : nil }
    }

    /// The value of the first field named `name`.
    package func first(name: String) -> String? {
        fields.first { ASCII.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Whether a field named `name` is present.
    package func contains(name: String) -> Bool {
        fields.contains { ASCII.equalsIgnoringCase($0.name, name) }
    }

    /// Compares names and values exactly, in order (name spelling matters, as it does on the wire).
    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// Appends `continuation` to the last value with one SP, for obs-fold lines from the upstream.
    mutating func appendToLastValue(_ continuation: String) {
        guard !fields.isEmpty else { return }
        fields[fields.count - 1].value += fields[fields.count - 1].value.isEmpty ? continuation : " " + continuation
    }
}
