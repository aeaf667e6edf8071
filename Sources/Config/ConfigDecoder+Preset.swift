import Proxy
import Retry

extension ConfigDecoder {
    /// The preset named by `value`, read as a table of its own: its errors (none, unless a preset is broken) name it.
    func presetTable(_ value: ValueReader) throws(ConfigError) -> (Preset, TableReader) {
        let name = try value.string()
        guard let preset = Preset.named(name) else {
            let names = Preset.all.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw value.error("\"\(name)\" is not a preset; use one of \(names)")
        }
        let reader = try TableReader.document(preset.toml, file: "preset \(name)", expander: context.expander)
        try reader.rejectUnknownKeys(allowed: Preset.allowedKeys)
        return (preset, reader)
    }

    /// Applies the retry behaviour: built-in defaults, then the preset's keys (if any), then the file's, recording
    /// where each setting came from. The file's rules come first, so they win over the preset's.
    mutating func applyPolicy(
        file: TableReader, preset: (Preset, TableReader)?, to upstream: inout UpstreamSettings,
        provenance: inout UpstreamProvenance
    ) throws(ConfigError) {
        let layers = [preset.map { (ValueOrigin.preset($0.0.name), $0.1) }, (ValueOrigin.file, file)].compactMap { $0 }
        for (origin, table) in layers {
            guard let value = table[UpstreamKeys.retry.name] else { continue }
            let retryTable = try value.table()
            upstream.retry = try RetryKeys.apply(retryTable, to: upstream.retry, inRule: false)
            for key in RetryKeys.table.names where retryTable[key] != nil {
                provenance.origins["\(UpstreamKeys.retry.name).\(key)"] = origin
            }
        }
        for (origin, table) in layers {
            for key in try UpstreamKeys.table.read(table, into: &upstream, secrets: &secrets, where: \.presettable) {
                provenance.origins[key] = origin
            }
        }
        for (origin, table) in layers.reversed() {
            guard let value = table[UpstreamKeys.rule.name] else { continue }
            for rule in try value.tables() {
                upstream.rules.append(try RuleKeys.decode(rule, inheriting: upstream.retry))
                provenance.ruleOrigins.append(origin)
            }
        }
    }
}
