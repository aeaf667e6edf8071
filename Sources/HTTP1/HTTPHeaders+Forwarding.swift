/// Headers a proxy sets on every forwarded request (an upstream's `set_headers`), folded once per configuration so
/// that each request applies them in one pass.
package struct HeaderOverrides: Sendable {
    /// One field per name (ignoring case): the first spelling and the last value, which is what applying the
    /// configured list field by field with ``HTTPHeaders/replaceOrAdd(name:value:)`` leaves.
    package let fields: [(name: String, value: String)]

    /// Folds `overrides`, given in configuration order.
    package init(_ overrides: [(name: String, value: String)]) {
        var fields: [(name: String, value: String)] = []
        fields.reserveCapacity(overrides.count)
        for (name, value) in overrides {
            if let index = fields.firstIndex(where: { ASCII.equalsIgnoringCase($0.name, name) }) {
                fields[index].value = value
            } else {
                fields.append((name, value))
            }
        }
        self.fields = fields
    }
}

extension HTTPHeaders {
    /// The fields to forward upstream, in one pass: the end-to-end ones (as ``removingHopByHop()`` keeps them) minus
    /// Host, Content-Length and Expect, which the sender frames itself, with `overrides` replacing the first field of
    /// their name in place (dropping the others) or appended in their order when absent.
    ///
    /// The same list as `removingHopByHop()`, then `remove(name:)` of the three, then `replaceOrAdd` of each override;
    /// built without the intermediate lists (a proxied request paid for three arrays and four closures here).
    /// - Parameter extraCapacity: Room reserved for fields the caller appends (an idempotency key).
    package func forwarded(setting overrides: HeaderOverrides, extraCapacity: Int = 0) -> [(
        name: String, value: String
    )] {
        let settings = overrides.fields
        var result: [(name: String, value: String)] = []
        result.reserveCapacity(fields.count + settings.count + extraCapacity)
        if settings.isEmpty {
            forEachEndToEnd { field in
                if !Self.isFramedBySender(field.name) { result.append(field) }
            }
            return result
        }
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: settings.count) { placed in
            placed.initialize(repeating: false)
            forEachEndToEnd { field in
                if Self.isFramedBySender(field.name) { return }
                guard let index = settings.firstIndex(where: { ASCII.equalsIgnoringCase($0.name, field.name) }) else {
                    result.append(field)
                    return
                }
                if placed[index] { return }
                placed[index] = true
                result.append((field.name, settings[index].value))
            }
            for index in settings.indices where !placed[index] { result.append(settings[index]) }
        }
        return result
    }

    /// Host, Content-Length or Expect: what the upstream request's sender writes itself.
    private static func isFramedBySender(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: ASCII.equalsIgnoringCase(name, "host")
        case 6: ASCII.equalsIgnoringCase(name, "expect")
        case 14: ASCII.equalsIgnoringCase(name, "content-length")
        default: false
        }
    }
}
