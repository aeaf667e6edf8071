import Retry
import TOML

/// One TOML value and its key path: typed accessors that throw located errors instead of returning `nil`.
struct ValueReader {
    /// The value as the parser read it.
    let value: TOMLValue
    /// Where the value sits in the document.
    let path: KeyPath
    /// File, source map and environment.
    let context: LoadContext

    /// What kind of value this is, in the config layer's own terms rather than the parser's.
    enum Kind {
        case table, array, string, integer, float, bool, date, time, dateTime
    }

    /// What kind of value this is.
    var kind: Kind {
        switch value.content {
        case .table: .table
        case .array: .array
        case .string: .string
        case .integer: .integer
        case .float: .float
        case .boolean: .bool
        case .dateTime(let dateTime):
            switch dateTime.kind {
            case .localDate: .date
            case .localTime: .time
            case .offsetDateTime, .localDateTime: .dateTime
            }
        }
    }

    /// The string as written, before `${NAME}` expansion; nil when the value is not a string.
    var literalString: String? { value.string }

    /// The integer; nil when the value is not one.
    var literalInteger: Int? { value.integer.flatMap { Int(exactly: $0) } }

    /// The boolean; nil when the value is not one.
    var literalBool: Bool? { value.boolean }

    /// The string, with `${NAME}` references expanded.
    func string() throws(ConfigError) -> String {
        try expandedString().value
    }

    /// The string after expansion, with the substituted environment values.
    func expandedString() throws(ConfigError) -> EnvironmentExpander.Expansion {
        guard let raw = value.string else { throw mismatch(expected: "a string") }
        switch context.expander.expand(raw) {
        case .success(let expansion): return expansion
        case .failure(let problem): throw error(problem.message)
        }
    }

    /// The integer, which must lie in `range`.
    func integer(in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let integer = literalInteger else { throw mismatch(expected: "an integer") }
        guard range.contains(integer) else { throw error("\(integer) is out of range \(Self.describe(range))") }
        return integer
    }

    /// A boolean: `true` or `false`.
    func bool() throws(ConfigError) -> Bool {
        guard let bool = value.boolean else { throw mismatch(expected: "true or false") }
        return bool
    }

    /// An integer or a float, as a `Double`.
    func number() throws(ConfigError) -> Double {
        if let integer = value.integer { return Double(integer) }
        guard let double = value.float else { throw mismatch(expected: "a number") }
        return double
    }

    /// A duration string such as `"2s"`; zero only when `allowingZero`.
    func duration(allowingZero: Bool = true) throws(ConfigError) -> Duration {
        guard kind == .string else { throw mismatch(expected: "a duration string like \"2s\"") }
        let text = try string()
        guard let duration = Durations.parse(text) else {
            throw error(
                "\"\(text)\" is not a duration; write a number and a unit: \"250ms\", \"2s\", \"1.5s\", \"1m\", \"1h\"")
        }
        guard allowingZero || duration > .zero else { throw error("must be greater than zero") }
        return duration
    }

    /// The table.
    func table() throws(ConfigError) -> TableReader {
        guard let table = value.table else { throw mismatch(expected: "a table") }
        return TableReader(table: table, path: path, context: context)
    }

    /// The elements of the array, each with its indexed path.
    func array() throws(ConfigError) -> [ValueReader] {
        guard let array = value.array else { throw mismatch(expected: "an array") }
        return array.enumerated().map { index, element in
            ValueReader(value: element, path: path.appending(index: index), context: context)
        }
    }

    /// The tables of an array of tables (`[[name]]`).
    func tables() throws(ConfigError) -> [TableReader] {
        guard kind == .array else {
            let name = path.lastKey
            throw mismatch(expected: "an array of tables (write [[\(name)]], not [\(name)])")
        }
        var tables: [TableReader] = []
        for element in try array() {
            tables.append(try element.table())
        }
        return tables
    }

    /// An error about this value.
    func error(_ message: String) -> ConfigError {
        context.error(at: path, message)
    }

    /// A wrong-type error that says what was found.
    func mismatch(expected: String) -> ConfigError {
        error("expected \(expected), found \(Self.describe(kind))")
    }

    private static func describe(_ kind: Kind) -> String {
        switch kind {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }

    private static func describe(_ range: ClosedRange<Int>) -> String {
        range.upperBound == .max ? "\(range.lowerBound) or more" : "\(range.lowerBound)...\(range.upperBound)"
    }
}
