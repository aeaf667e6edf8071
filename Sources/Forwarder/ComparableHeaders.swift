/// Header lines from the configuration, kept in the form the exchange reads them (name/value tuples, in order) yet
/// comparable: the settings that hold them get a synthesized `==`, so a new field cannot be left out of a hand-written
/// one.
@propertyWrapper
package struct ComparableHeaders: Sendable, Equatable {
    /// The headers in configuration order.
    package var wrappedValue: [(name: String, value: String)]

    /// Wraps `wrappedValue`.
    package init(wrappedValue: [(name: String, value: String)]) {
        self.wrappedValue = wrappedValue
    }

    /// Same names and values in the same order.
    package static func == (lhs: ComparableHeaders, rhs: ComparableHeaders) -> Bool {
        lhs.wrappedValue.elementsEqual(rhs.wrappedValue) { $0.name == $1.name && $0.value == $1.value }
    }
}
