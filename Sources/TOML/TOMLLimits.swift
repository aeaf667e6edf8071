/// Bounds that keep hostile or broken input from exhausting the stack or memory.
///
/// The parser recurses once per nested array, inline table and table, so depth is what a fuzzer would use to
/// overflow the stack; a configuration file never needs more than a handful of levels.
public struct TOMLLimits: Hashable, Sendable {
    /// The deepest nesting of tables, arrays and inline tables, counted from the root table (depth 0).
    public var maxDepth = 128
    /// The largest input accepted, in bytes.
    public var maxBytes = 16 * 1024 * 1024

    /// Creates the default limits.
    public init() {}
}
