import TOML

extension TableReader {
    /// The document `text` as its root table, with a context whose source map comes from the same parse.
    ///
    /// The only place that calls the TOML parser: replacing it changes this file, ``TableReader``, ``ValueReader``
    /// and ``SourceMap``, never the key tables or the decoders.
    /// - Parameters:
    ///   - text: The TOML document.
    ///   - file: The name used in errors.
    ///   - expander: Resolves `${NAME}` in strings.
    /// - Throws: `ConfigError` naming `file`; a syntax error carries the parser's line and an empty key, and its
    ///   message starts with the column.
    static func document(_ text: String, file: String, expander: EnvironmentExpander) throws(ConfigError)
        -> TableReader
    {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigError(
                file: file, line: error.line, key: "", message: "column \(error.column): \(error.message)")
        }
        let context = LoadContext(file: file, sourceMap: SourceMap(document: root), expander: expander)
        return TableReader(table: root, path: .root, context: context)
    }
}
