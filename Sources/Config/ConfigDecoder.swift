import Admission
import Forwarder
import HTTP1
import Listener
import Loop
import Proxy
import Retry

/// Turns the parsed TOML tree into a `RetrydConfig`, checking every key, type and value on the way.
struct ConfigDecoder {
    /// File, source map and environment.
    let context: LoadContext
    /// Header values to redact from logs, gathered while decoding `set_headers`.
    var secrets: [String] = []
    /// Whether the file has a `[forward_proxy]` table: an upstream may then go without `listen`.
    var hasForwardProxy = false

    /// Creates a decoder.
    init(context: LoadContext) {
        self.context = context
    }

    /// Decodes the whole document.
    mutating func decode(_ root: TableReader) throws(ConfigError) -> RetrydConfig {
        try RootKeys.table.rejectUnknownKeys(
            in: root, hints: ["log": "write log_format and log_level at the top of the file, before any table"])
        let upstreamPath = KeyPath.root.appending(RootKeys.upstream.name)
        let tables = try root[RootKeys.upstream.name]?.tables() ?? []
        hasForwardProxy = root[RootKeys.forwardProxy.name] != nil
        guard !tables.isEmpty else {
            throw context.error(at: upstreamPath, "at least one [[upstream]] table is required")
        }
        var upstreams: [UpstreamSettings] = []
        var provenance: [String: UpstreamProvenance] = [:]
        for table in tables {
            let (upstream, origins) = try decodeUpstream(table)
            if let other = upstreams.first(where: { $0.name == upstream.name }) {
                throw context.error(
                    at: table.path.appending(UpstreamKeys.name.name), "duplicate name \"\(other.name)\"")
            }
            if let other = upstreams.first(where: { $0.listen.conflicts(with: upstream.listen) }) {
                throw context.error(
                    at: table.path.appending(UpstreamKeys.listen.name),
                    "\(upstream.listen) is already the listen address of upstream \"\(other.name)\""
                )
            }
            upstreams.append(upstream)
            provenance[upstream.name] = origins
        }
        var limits = ProxyLimits()
        if let value = root[RootKeys.limits.name] {
            limits = try LimitsKeys.table.decode(try value.table(), onto: limits, hints: RootKeys.misplaced)
        }
        var config = RetrydConfig(upstreams: upstreams, limits: limits)
        config.provenance = provenance
        // A file without state_dir keeps a journal where systemd's StateDirectory= puts it.
        config.stateDir = RetrydConfig.defaultStateDir
        // `workers` after `[journal]`, as before the tables: with several mistakes, the same one is reported first.
        try RootKeys.table.read(root, into: &config, secrets: &secrets) { $0.name != RootKeys.workers.name }
        if let value = root[RootKeys.journal.name] {
            config.journal = try JournalKeys.table.decode(
                try value.table(), onto: config.journal,
                hints: [RootKeys.stateDir.name: "\(RootKeys.stateDir.name) is a top-level key"])
        }
        try RootKeys.table.read(root, into: &config, secrets: &secrets) { $0.name == RootKeys.workers.name }
        if let value = root[RootKeys.admin.name] {
            config.admin = try AdminKeys.decode(try value.table(), upstreams: upstreams)
        }
        if let value = root[RootKeys.notify.name] {
            config.notify = try NotifyKeys.decode(try value.table(), secrets: &secrets)
        }
        if let value = root[RootKeys.shared.name] {
            config.shared = try SharedKeys.decode(try value.table(), secrets: &secrets)
        }
        if let value = root[RootKeys.forwardProxy.name] {
            config.proxy.forwardProxy = try ForwardProxyKeys.decode(
                try value.table(), stateDir: config.stateDir, upstreams: upstreams)
        }
        config.secrets = secrets
        return config
    }

    /// Decodes one `[[upstream]]` table, and where its settings came from.
    mutating func decodeUpstream(_ table: TableReader) throws(ConfigError) -> (UpstreamSettings, UpstreamProvenance) {
        try UpstreamKeys.table.rejectUnknownKeys(in: table, hints: RootKeys.misplaced)
        let nameValue = try table.required(UpstreamKeys.name.name)
        let name = try nameValue.string()
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) })
        else {
            throw nameValue.error("\"\(name)\" is not a valid name; use letters, digits, \"_\", \".\" and \"-\"")
        }
        // Without listen the upstream is reached through the forward proxy; its own listener then takes an ephemeral
        // loopback port nobody is told about, so every upstream keeps the same listener, proxy and drain machinery.
        let listenValue =
            hasForwardProxy ? table[UpstreamKeys.listen.name] : try table.required(UpstreamKeys.listen.name)
        let listen = try listenValue.map { (value) throws(ConfigError) in
            try Self.parse(value, with: ListenAddress.parsed)
        }
        let url = try Self.parse(try table.required(UpstreamKeys.url.name), with: UpstreamURL.parsed)

        var upstream = UpstreamSettings(
            name: name, listen: listen ?? ListenAddress(host: "127.0.0.1", port: 0), url: url)
        var provenance = UpstreamProvenance()
        try UpstreamKeys.table.read(table, into: &upstream, secrets: &secrets) { !$0.presettable }
        var preset: (Preset, TableReader)?
        if let value = table[UpstreamKeys.preset.name] {
            preset = try presetTable(value)
            provenance.preset = preset?.0.name
        }
        try applyPolicy(file: table, preset: preset, to: &upstream, provenance: &provenance)
        // The budget and the breaker are the file's alone: they are about this fleet's load, not the vendor's API.
        if let budget = try table[UpstreamKeys.retry.name]?.table()[RetryKeys.budget.name] {
            upstream.budget = try BudgetKeys.decode(budget, onto: upstream.budget)
        }
        if let value = table[UpstreamKeys.breaker.name] {
            upstream.breaker = try BreakerKeys.table.decode(try value.table(), onto: upstream.breaker)
        }
        upstream.quota.closingStatuses = upstream.retry.rateLimitStatuses.union([503])
        if let value = table[UpstreamKeys.quota.name] {
            upstream.quota = try QuotaKeys.decode(
                try value.table(), onto: upstream.quota, rateLimitStatuses: upstream.retry.rateLimitStatuses)
        }
        return (upstream, provenance)
    }

    /// Decodes a table of request headers in the order written, recording which values must be redacted.
    ///
    /// - Parameter allSecret: Redact every value, not only expanded ones and those with credential-like names.
    static func decodeHeaders(_ table: TableReader, allSecret: Bool, secrets: inout [String]) throws(ConfigError)
        -> [(name: String, value: String)]
    {
        var headers: [(name: String, value: String)] = []
        for name in table.keysInSourceOrder {
            let value = table[name]!
            guard HeaderSyntax.isToken(name) else { throw value.error("\"\(name)\" is not a valid header name") }
            guard !HTTPHeaders.managedByProxy.contains(name.lowercased()) else {
                throw value.error("\(name) is managed by retryd and cannot be set")
            }
            if let earlier = headers.first(where: { $0.name.lowercased() == name.lowercased() }) {
                throw value.error("header \(name) is already set as \(earlier.name) (header names ignore case)")
            }
            let expansion = try value.expandedString()
            guard HeaderSyntax.isFieldValue(expansion.value) else {
                throw value.error("header values must not contain line breaks or NUL")
            }
            if allSecret || SensitiveFields.mayBeCredential(name) || !expansion.substitutions.isEmpty {
                secrets.append(expansion.value)
                secrets.append(contentsOf: expansion.substitutions)
            }
            headers.append((name, expansion.value))
        }
        return headers
    }

    /// A header name (a string that is an HTTP token).
    static func headerName(_ value: ValueReader) throws(ConfigError) -> String {
        let name = try value.string()
        guard HeaderSyntax.isToken(name) else { throw value.error("\"\(name)\" is not a valid header name") }
        return name
    }

    /// An idempotency key header name; `""` turns off one inherited from the upstream.
    static func idempotencyKeyName(_ value: ValueReader) throws(ConfigError) -> String? {
        try value.string().isEmpty ? nil : try headerName(value)
    }

    /// A string checked by one of the value parsers, whose explanation becomes the error message.
    static func parse<T, Problem: Error & CustomStringConvertible>(
        _ value: ValueReader,
        with parser: (String) -> Result<T, Problem>
    ) throws(ConfigError) -> T {
        let text = try value.string()
        switch parser(text) {
        case .success(let parsed): return parsed
        case .failure(let problem): throw value.error("\"\(text)\": \(problem)")
        }
    }

    /// A path to a regular file that retryd can read now, so a typo fails at startup rather than at first TLS use.
    static func readableFile(_ value: ValueReader) throws(ConfigError) -> String {
        let path = try value.string()
        guard Sys.exists(path) else {
            throw value.error("\(path) does not exist")
        }
        guard Sys.isReadableRegularFile(path) else {
            throw value.error("\(path) is not a readable file")
        }
        return path
    }
}
