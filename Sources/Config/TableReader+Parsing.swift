import TOMLKit

extension TableReader {
    /// The document `text` as its root table, read with `context`.
    ///
    /// The only place that calls the TOML parser: replacing it changes this file, ``TableReader`` and
    /// ``ValueReader``, never the key tables or the decoders.
    /// - Throws: `ConfigError` naming `context.file`; a syntax error carries the parser's line and an empty key.
    static func document(_ text: String, context: LoadContext) throws(ConfigError) -> TableReader {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: context.file, line: error.source.begin.line, key: "", message: error.description)
        } catch {
            throw ConfigError(file: context.file, line: nil, key: "", message: "\(error)")
        }
        return TableReader(table: root, path: .root, context: context)
    }
}
