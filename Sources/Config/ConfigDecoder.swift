import Forwarder
import Foundation
import HTTP1
import Listener
import Proxy
import Retry

/// Turns the parsed TOML tree into a `RetrydConfig`, checking every key, type and value on the way.
struct ConfigDecoder {
    /// File, source map and environment.
    let context: LoadContext
    /// Header values to redact from logs, gathered while decoding `set_headers`.
    var secrets: [String] = []

    static let upstreamKeys = [
        "name", "listen", "url", "connect_timeout", "attempt_timeout", "ca_file", "set_headers",
        "request_id_headers", "request_id_fields", "idempotency_key", "attempts_header", "retry", "rule", "quota",
        "preset", "breaker",
    ]

    /// Creates a decoder.
    init(context: LoadContext) {
        self.context = context
    }

    /// Decodes the whole document.
    mutating func decode(_ root: TableReader) throws(ConfigError) -> RetrydConfig {
        try root.rejectUnknownKeys(
            allowed: ["upstream", "limits"] + Self.operationsKeys,
            hints: ["log": "write log_format and log_level at the top of the file, before any table"]
        )
        let upstreamPath = KeyPath.root.appending("upstream")
        let tables = try root["upstream"]?.tables() ?? []
        guard !tables.isEmpty else {
            throw context.error(at: upstreamPath, "at least one [[upstream]] table is required")
        }
        var upstreams: [UpstreamSettings] = []
        var provenance: [String: UpstreamProvenance] = [:]
        for table in tables {
            let (upstream, origins) = try decodeUpstream(table)
            if let other = upstreams.first(where: { $0.name == upstream.name }) {
                throw context.error(at: table.path.appending("name"), "duplicate name \"\(other.name)\"")
            }
            if let other = upstreams.first(where: { $0.listen.conflicts(with: upstream.listen) }) {
                throw context.error(
                    at: table.path.appending("listen"),
                    "\(upstream.listen) is already the listen address of upstream \"\(other.name)\""
                )
            }
            upstreams.append(upstream)
            provenance[upstream.name] = origins
        }
        var limits = ProxyLimits()
        if let value = root["limits"] {
            limits = try Self.decodeLimits(try value.table())
        }
        var config = RetrydConfig(upstreams: upstreams, limits: limits)
        config.provenance = provenance
        config.log = try Self.decodeLog(root)
        try Self.decodeJournal(root, into: &config)
        if let value = root["workers"] {
            // Past a few dozen loops the shared gates' lock, not the CPUs, would set the pace.
            config.workers = try value.integer(in: 1...64)
        }
        if let value = root["admin"] {
            config.admin = try Self.decodeAdmin(try value.table(), upstreams: upstreams)
        }
        if let value = root["notify"] {
            config.notify = try decodeNotify(try value.table())
        }
        if let value = root["shared"] {
            config.shared = try decodeShared(try value.table())
        }
        config.secrets = secrets
        return config
    }

    /// Decodes one `[[upstream]]` table, and where its settings came from.
    mutating func decodeUpstream(_ table: TableReader) throws(ConfigError) -> (UpstreamSettings, UpstreamProvenance) {
        try table.rejectUnknownKeys(allowed: Self.upstreamKeys, hints: Self.misplacedTopLevelKeys)
        let nameValue = try table.required("name")
        let name = try nameValue.string()
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) })
        else {
            throw nameValue.error("\"\(name)\" is not a valid name; use letters, digits, \"_\", \".\" and \"-\"")
        }
        let listenValue = try table.required("listen")
        let listen = try Self.parse(listenValue, with: ListenAddress.parsed)
        let urlValue = try table.required("url")
        let url = try Self.parse(urlValue, with: UpstreamURL.parsed)

        var upstream = UpstreamSettings(name: name, listen: listen, url: url)
        var provenance = UpstreamProvenance()
        if let value = table["connect_timeout"] { upstream.connectTimeout = try value.duration(allowingZero: false) }
        if let value = table["attempt_timeout"] { upstream.attemptTimeout = try value.duration(allowingZero: false) }
        if let value = table["ca_file"] { upstream.caFile = try Self.readableFile(value) }
        if let value = table["set_headers"] {
            upstream.setHeaders = try decodeHeaders(try value.table(), allSecret: false)
        }
        if let value = table["attempts_header"] {
            upstream.attemptsHeader = try value.string().isEmpty ? nil : try Self.headerName(value)
        }
        var preset: (Preset, TableReader)?
        if let value = table["preset"] {
            preset = try presetTable(value)
            provenance.preset = preset?.0.name
        }
        try applyPolicy(file: table, preset: preset, to: &upstream, provenance: &provenance)
        // The budget and the breaker are the file's alone: they are about this fleet's load, not the vendor's API.
        if let budget = try table["retry"]?.table()["budget"] { upstream.budget = try Self.decodeBudget(budget) }
        if let value = table["breaker"] { upstream.breaker = try Self.decodeBreaker(try value.table()) }
        upstream.quota.closingStatuses = upstream.retry.rateLimitStatuses.union([503])
        if let value = table["quota"] {
            upstream.quota = try Self.decodeQuota(
                try value.table(), rateLimitStatuses: upstream.retry.rateLimitStatuses)
        }
        return (upstream, provenance)
    }

    /// Decodes a table of request headers in the order written, recording which values must be redacted.
    ///
    /// - Parameter allSecret: Redact every value, not only expanded ones and those with credential-like names.
    mutating func decodeHeaders(_ table: TableReader, allSecret: Bool) throws(ConfigError)
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
    private static func readableFile(_ value: ValueReader) throws(ConfigError) -> String {
        let path = try value.string()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw value.error("\(path) does not exist")
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: path) else {
            throw value.error("\(path) is not a readable file")
        }
        return path
    }
}
