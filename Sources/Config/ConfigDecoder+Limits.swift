import Proxy

extension ConfigDecoder {
    /// Decodes the global `[limits]` table.
    static func decodeLimits(_ table: TableReader) throws(ConfigError) -> ProxyLimits {
        try table.rejectUnknownKeys(
            allowed: [
                "max_connections", "max_header_bytes", "max_request_target_bytes", "max_body_bytes", "replay_limit",
                "header_timeout", "idle_timeout", "shutdown_timeout",
            ], hints: misplacedTopLevelKeys)
        var limits = ProxyLimits()
        if let value = table["max_connections"] { limits.maxConnections = try value.integer(in: 1...Int.max) }
        // Below a few hundred bytes no real client's header section fits; such a limit is surely a typo.
        if let value = table["max_header_bytes"] { limits.maxHeaderBytes = try value.integer(in: 256...Int.max) }
        if let value = table["max_request_target_bytes"] {
            limits.maxRequestTargetBytes = try value.integer(in: 16...Int.max)
        }
        if let value = table["max_body_bytes"] { limits.maxBodyBytes = try value.integer(in: 0...Int.max) }
        if let value = table["replay_limit"] { limits.replayLimit = try value.integer(in: 0...Int.max) }
        if let value = table["header_timeout"] { limits.headerTimeout = try value.duration(allowingZero: false) }
        if let value = table["idle_timeout"] { limits.idleTimeout = try value.duration(allowingZero: false) }
        if let value = table["shutdown_timeout"] { limits.shutdownTimeout = try value.duration() }
        return limits
    }
}
