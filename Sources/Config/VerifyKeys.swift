import Retry

/// A rule's `verify = { ... }`: the probe that asks the vendor whether a failed request was applied.
enum VerifyKeys {
    static let method = SettingKey.field("method", \VerifyProbe.method) { (value) throws(ConfigError) in
        let method = try value.string().uppercased()
        guard RequestTraits.idempotentMethods.contains(method) else {
            throw value.error("a probe must be safe to repeat; use GET or HEAD, not \(method)")
        }
        return method
    }
    /// Read by ``decode(_:in:pattern:)`` with `field` and `not_applied`: the probe needs all three.
    static let path = SettingKey<VerifyProbe>.structural("path")
    static let field = SettingKey<VerifyProbe>.structural("field")
    static let notApplied = SettingKey<VerifyProbe>.structural("not_applied")

    static let table = KeyTable([method, path, field, notApplied])

    /// Decodes a rule's `verify` table, with `verify_on` and `on_applied` from the rule beside it.
    ///
    /// - Parameter pattern: The rule's path, whose stars the probe path's `{N}` refer to.
    static func decode(_ value: ValueReader, in rule: TableReader, pattern: PathPattern?) throws(ConfigError)
        -> VerifyProbe
    {
        let table = try value.table()
        try VerifyKeys.table.rejectUnknownKeys(
            in: table,
            hints: Dictionary(
                uniqueKeysWithValues: [RuleKeys.verifyOn, RuleKeys.onApplied].map { key in
                    (key.name, "\(key.name) goes beside verify in [[upstream.rule]]")
                }))
        let pathValue = try table.required(VerifyKeys.path.name)
        let path = try pathValue.string()
        guard path.hasPrefix("/") else { throw pathValue.error("probe path \"\(path)\" must start with \"/\"") }
        guard let highest = VerifyProbe.highestCapture(in: path) else {
            throw pathValue.error("braces in \"\(path)\" must be {1}, {2}…: what the rule path's stars matched")
        }
        let stars = pattern?.starCount ?? 0
        guard highest <= stars else {
            throw pathValue.error(
                "\"\(path)\" uses {\(highest)} but the rule path has \(stars == 0 ? "no" : "only \(stars)") star"
                    + (stars == 1 ? "" : "s"))
        }
        let fieldValue = try table.required(VerifyKeys.field.name)
        let fieldName = try fieldValue.string()
        let notAppliedValue = try table.required(VerifyKeys.notApplied.name)
        let judge: VerifyProbe.Judge
        let listsNothing: Bool
        if fieldName == "status" {
            let notApplied = try ConfigDecoder.statuses(notAppliedValue)
            judge = .status(notApplied: notApplied)
            listsNothing = notApplied.isEmpty
        } else {
            guard let field = JSONField(fieldName) else {
                throw fieldValue.error("\"\(fieldName)\" is not a field; write a dotted path such as data.status")
            }
            let notApplied = try fieldValues(notAppliedValue)
            judge = .field(field, notApplied: notApplied)
            listsNothing = notApplied.isEmpty
        }
        guard !listsNothing else {
            throw notAppliedValue.error("must list at least one value that means \"not applied\"")
        }
        var probe = VerifyProbe(path: path, judge: judge)
        var secrets: [String] = []
        try VerifyKeys.table.read(table, into: &probe, secrets: &secrets)
        if let value = rule[RuleKeys.verifyOn.name] { probe.verifyOn = try ConfigDecoder.statuses(value) }
        if let value = rule[RuleKeys.onApplied.name] {
            let name = try value.string()
            guard let onApplied = VerifyProbe.OnApplied(rawValue: name) else {
                let names = VerifyProbe.OnApplied.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
                throw value.error("\"\(name)\" is not an answer; use \(names)")
            }
            probe.onApplied = onApplied
        }
        return probe
    }

    /// Field values that mean "not applied": strings, or numbers and booleans as their JSON text.
    private static func fieldValues(_ value: ValueReader) throws(ConfigError) -> Set<String> {
        var values: Set<String> = []
        for element in try value.array() {
            if let integer = element.literalInteger {
                values.insert(String(integer))
            } else if let bool = element.literalBool {
                values.insert(String(bool))
            } else {
                values.insert(try element.string())
            }
        }
        return values
    }
}
