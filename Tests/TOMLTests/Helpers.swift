import TOML
import Testing

/// The document `text`, or a recorded issue and an empty table when it does not parse.
func document(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLTable {
    do {
        return try TOMLParser.parse(text)
    } catch {
        Issue.record("\(text.debugDescription) did not parse: \(error)", sourceLocation: sourceLocation)
        return TOMLTable()
    }
}

/// The error `text` fails with, or nil (and a recorded issue) when it parses.
func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLError? {
    do {
        _ = try TOMLParser.parse(text)
        Issue.record("\(text.debugDescription) parsed, but it is not TOML 1.0", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The value of the single key `v` in `v = <text>`, the shape most value tests need.
func value(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> TOMLValue? {
    let table = document("v = \(text)", sourceLocation: sourceLocation)
    return table["v"]
}

extension TOMLTable {
    /// The value at a dotted path, for tests: `table.at("fruit", "apple", "color")`.
    func at(_ keys: String...) -> TOMLValue? {
        var value = self[keys[0]]
        for key in keys.dropFirst() { value = value?[key] }
        return value
    }
}
