/// Why a single value is invalid; the loader adds file, line and key to make a `ConfigError`.
struct ValueProblem: Error, Sendable, Equatable {
    /// What is wrong, in words.
    var message: String

    /// Creates a problem from its message.
    init(_ message: String) {
        self.message = message
    }
}
