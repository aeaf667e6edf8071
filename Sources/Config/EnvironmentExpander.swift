/// Expands `${NAME}` references in configuration strings from an injected environment; `$${` writes `${`.
struct EnvironmentExpander: Sendable {
    /// A string after expansion, with the values that were substituted into it (candidates for redaction).
    struct Expansion: Sendable, Equatable {
        /// The expanded text.
        var value: String
        /// The environment values that were inserted, in order.
        var substitutions: [String]
    }

    /// The variables references are resolved against.
    let environment: [String: String]

    /// Expands every reference in `text`.
    ///
    /// - Returns: The expansion, or a problem naming an unset variable or a malformed reference.
    func expand(_ text: String) -> Result<Expansion, ValueProblem> {
        guard text.contains("$") else { return .success(Expansion(value: text, substitutions: [])) }
        var result = Expansion(value: "", substitutions: [])
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            result.value += rest[..<dollar]
            let afterDollar = rest[dollar...].dropFirst()
            if afterDollar.hasPrefix("${") {
                result.value += "${"
                rest = afterDollar.dropFirst(2)
            } else if afterDollar.hasPrefix("{") {
                let body = afterDollar.dropFirst()
                guard let close = body.firstIndex(of: "}") else {
                    return .failure(ValueProblem("unterminated ${ (write $${ for a literal ${)"))
                }
                let name = String(body[..<close])
                guard Self.isVariableName(name) else {
                    return .failure(ValueProblem("\"${\(name)}\" is not a valid environment variable reference"))
                }
                guard let value = environment[name] else {
                    return .failure(ValueProblem("environment variable \(name) is not set"))
                }
                result.value += value
                result.substitutions.append(value)
                rest = body[body.index(after: close)...]
            } else {
                // A lone "$" is ordinary text (prices, regular expressions).
                result.value += "$"
                rest = afterDollar
            }
        }
        result.value += rest
        return .success(result)
    }

    /// Whether `name` is a POSIX-style variable name: a letter or `_`, then letters, digits or `_`.
    private static func isVariableName(_ name: String) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
