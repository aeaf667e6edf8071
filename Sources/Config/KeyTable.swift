/// The keys of one configuration section, in the order unknown-key suggestions consider them. The same table
/// decodes the section, rejects keys it does not know (with "did you mean") and prints values for `retryd check`.
struct KeyTable<Settings>: Sendable {
    /// Every key, known or structural.
    let keys: [SettingKey<Settings>]

    /// Creates a table of `keys`.
    init(_ keys: [SettingKey<Settings>]) {
        self.keys = keys
    }

    /// The key names, in table order.
    var names: [String] { keys.map(\.name) }

    /// Fails on the first key in `table` that is not in this one, suggesting the closest known key.
    ///
    /// - Parameters:
    ///   - extra: Keys of another table accepted beside these (a rule's retry keys).
    ///   - hints: Extra advice for keys people are known to write by mistake.
    func rejectUnknownKeys(in table: TableReader, extra: [String] = [], hints: [String: String] = [:])
        throws(ConfigError)
    {
        try table.rejectUnknownKeys(allowed: names + extra, hints: hints)
    }

    /// Reads every key present in `table` that has a reader and passes `filter`, in table order.
    ///
    /// - Returns: The names of the keys read, so the caller can record where their values came from.
    @discardableResult
    func read(
        _ table: TableReader, into settings: inout Settings, secrets: inout [String],
        where filter: (SettingKey<Settings>) -> Bool = { _ in true }
    ) throws(ConfigError) -> [String] {
        var read: [String] = []
        for key in keys where filter(key) {
            guard let reader = key.read, let value = table[key.name] else { continue }
            try reader(value, &settings, &secrets)
            read.append(key.name)
        }
        return read
    }

    /// Rejects unknown keys, then reads every known key present onto a copy of `settings`.
    ///
    /// For sections whose settings are all plain keys; `hints` as in ``rejectUnknownKeys(in:extra:hints:)``.
    func decode(_ table: TableReader, onto settings: Settings, hints: [String: String] = [:]) throws(ConfigError)
        -> Settings
    {
        try rejectUnknownKeys(in: table, hints: hints)
        var result = settings
        var secrets: [String] = []
        try read(table, into: &result, secrets: &secrets)
        return result
    }
}
