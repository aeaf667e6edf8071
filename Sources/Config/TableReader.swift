import TOML

/// One TOML table and its key path: keyed access, required keys, and the check that no unknown key slips by.
struct TableReader {
    /// The table as the parser read it, keys in the order they were written.
    let table: TOMLTable
    /// Where the table sits in the document.
    let path: KeyPath
    /// File, source map and environment.
    let context: LoadContext

    /// The value of `key`, or `nil` when absent.
    subscript(key: String) -> ValueReader? {
        table[key].map { ValueReader(value: $0, path: path.appending(key), context: context) }
    }

    /// The value of `key`.
    ///
    /// - Throws: A `ConfigError` located at the table's header when the key is absent.
    func required(_ key: String) throws(ConfigError) -> ValueReader {
        guard let value = self[key] else { throw context.error(at: path.appending(key), "required key is missing") }
        return value
    }

    /// The table's keys in the order they were written.
    var keysInSourceOrder: [String] { table.keys }

    /// Fails on the first key (in source order) that is not in `allowed`, suggesting the closest allowed key.
    ///
    /// - Parameter hints: Extra advice for keys people are known to write by mistake.
    func rejectUnknownKeys(allowed: [String], hints: [String: String] = [:]) throws(ConfigError) {
        let allowedSet = Set(allowed)
        guard let unknown = keysInSourceOrder.first(where: { !allowedSet.contains($0) }) else { return }
        var message = "unknown key"
        if let hint = hints[unknown] {
            message += " (\(hint))"
        } else if let suggestion = Spelling.suggestion(for: unknown, among: allowed) {
            message += " (did you mean \(suggestion)?)"
        }
        throw context.error(at: path.appending(unknown), message)
    }
}
