/// What every reader needs to turn a problem into an error that names file, line and key.
struct LoadContext {
    /// The file name used in errors.
    let file: String
    /// Where each key was written.
    let sourceMap: SourceMap
    /// Resolves `${NAME}` in strings.
    let expander: EnvironmentExpander

    /// An error about the key at `path`, located on its line (or its nearest enclosing table's).
    func error(at path: KeyPath, _ message: String) -> ConfigError {
        ConfigError(file: file, line: sourceMap.line(for: path), key: path.description, message: message)
    }
}
