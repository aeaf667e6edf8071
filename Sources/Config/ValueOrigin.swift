/// Where an effective setting came from, as `retryd check` shows it.
package enum ValueOrigin: Sendable, Equatable, CustomStringConvertible {
    /// retryd's built-in default.
    case builtIn
    /// The upstream's `preset`, by name.
    case preset(String)
    /// The configuration file.
    case file

    /// `default`, `preset bitmovin` or `file`.
    package var description: String {
        switch self {
        case .builtIn: "default"
        case .preset(let name): "preset \(name)"
        case .file: "file"
        }
    }
}
