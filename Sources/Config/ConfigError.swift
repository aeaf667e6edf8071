/// A configuration problem, located by file, line and key so the operator can go straight to it.
package struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file as given (or "command line" for flags).
    package var file: String
    /// The 1-based line of the offending key, when it could be found in the source.
    package var line: Int?
    /// The key path, e.g. `upstream[0].retry.max_attempts`; "" when the problem concerns the whole file.
    package var key: String
    /// What is wrong, in words.
    package var message: String

    /// Creates an error.
    package init(file: String, line: Int?, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// `file:line: key: message`, leaving out the line or key when unknown.
    package var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if !key.isEmpty { text += "\(key): " }
        return text + message
    }
}
