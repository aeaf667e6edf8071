import Proxy
import Retry

extension ConfigDecoder {
    /// Upstream keys that make up its retry behaviour, which a preset may supply and the file overrides.
    static let policyKeys = ["request_id_headers", "request_id_fields", "idempotency_key"]

    /// The preset named by `value`, read as a table of its own: its errors (none, unless a preset is broken) name it.
    func presetTable(_ value: ValueReader) throws(ConfigError) -> (Preset, TableReader) {
        let name = try value.string()
        guard let preset = Preset.named(name) else {
            let names = Preset.all.map { "\"\($0.name)\"" }.joined(separator: ", ")
            throw value.error("\"\(name)\" is not a preset; use one of \(names)")
        }
        let presetContext = LoadContext(
            file: "preset \(name)", sourceMap: SourceMap(scanning: preset.toml), expander: context.expander)
        let reader = try TableReader.document(preset.toml, context: presetContext)
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
        var retry = RetryPolicy()
        for (origin, table) in layers {
            guard let value = table["retry"] else { continue }
            let retryTable = try value.table()
            retry = try Self.applyRetryKeys(from: retryTable, to: retry, inRule: false)
            for key in Self.retryKeys where retryTable[key] != nil { provenance.origins["retry.\(key)"] = origin }
        }
        for (origin, table) in layers {
            if let value = table["request_id_headers"] {
                upstream.requestIDHeaders = try value.array().map { (element) throws(ConfigError) in
                    try Self.headerName(element)
                }
                provenance.origins["request_id_headers"] = origin
            }
            if let value = table["request_id_fields"] {
                upstream.requestIDFields = try value.array().map { (element) throws(ConfigError) in
                    let path = try element.string()
                    guard let field = JSONField(path) else {
                        throw element.error("\"\(path)\" is not a field; write a dotted path such as data.requestId")
                    }
                    return field
                }
                provenance.origins["request_id_fields"] = origin
            }
            if let value = table["idempotency_key"] {
                retry.idempotencyKey = try Self.idempotencyKeyName(value)
                provenance.origins["idempotency_key"] = origin
            }
        }
        upstream.retry = retry
        for (origin, table) in layers.reversed() {
            guard let value = table["rule"] else { continue }
            for rule in try value.tables() {
                upstream.rules.append(try Self.decodeRule(rule, inheriting: retry))
                provenance.ruleOrigins.append(origin)
            }
        }
    }
}
