import Loop

#if canImport(Glibc)
    import Glibc
#endif

/// Reads retryd's TOML configuration; every problem is a `ConfigError` naming file, line and key.
package enum ConfigLoader {
    /// Reads and decodes the file at `path`.
    ///
    /// - Parameters:
    ///   - path: The configuration file; errors name it as given.
    ///   - environment: Variables for `${NAME}` references (the process environment, or a fixture in tests).
    /// - Throws: `ConfigError`; an unreadable file has no line and an empty key.
    package static func load(path: String, environment: [String: String]) throws(ConfigError) -> RetrydConfig {
        let bytes: [UInt8]
        do {
            bytes = try Sys.readFile(path)
        } catch {
            throw ConfigError(
                file: path, line: nil, key: "", message: "cannot read file: \(String(cString: strerror(error.errno)))")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: path, line: nil, key: "", message: "file is not UTF-8 text")
        }
        var config = try parse(text, file: path, environment: environment)
        config.source = path
        return config
    }

    /// Decodes configuration text.
    ///
    /// - Parameters:
    ///   - text: The TOML document.
    ///   - file: The name used in errors.
    ///   - environment: Variables for `${NAME}` references.
    /// - Throws: `ConfigError`; a TOML syntax error carries the parser's line and an empty key.
    package static func parse(_ text: String, file: String, environment: [String: String]) throws(ConfigError)
        -> RetrydConfig
    {
        let root = try TableReader.document(text, file: file, expander: EnvironmentExpander(environment: environment))
        var decoder = ConfigDecoder(context: root.context)
        return try decoder.decode(root)
    }
}
