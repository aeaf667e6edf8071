import Journal

extension ConfigDecoder {
    static let journalKeys = ["retention", "max_rows"]

    /// Decodes the top-level `state_dir` (absent: ``RetrydConfig/defaultStateDir``; `""`: no journal) and
    /// `[journal]`.
    static func decodeJournal(_ root: TableReader, into config: inout RetrydConfig) throws(ConfigError) {
        config.stateDir = RetrydConfig.defaultStateDir
        if let value = root["state_dir"] {
            let directory = try value.string()
            guard directory.isEmpty || directory.hasPrefix("/") else {
                throw value.error(
                    "\"\(directory)\" is not an absolute path; write /var/lib/retryd, or \"\" for no journal")
            }
            config.stateDir = directory.isEmpty ? nil : directory
        }
        guard let value = root["journal"] else { return }
        let table = try value.table()
        try table.rejectUnknownKeys(allowed: journalKeys, hints: ["state_dir": "state_dir is a top-level key"])
        if let retention = table["retention"] { config.journal.retention = try retentionDuration(retention) }
        if let maxRows = table["max_rows"] { config.journal.maxRows = try maxRows.integer(in: 1...100_000_000) }
    }

    /// A duration string that also takes days, since retention is counted in them: `"7d"`, `"36h"`.
    private static func retentionDuration(_ value: ValueReader) throws(ConfigError) -> Duration {
        if let text = value.literalString, text.hasSuffix("d"), let days = Int(text.dropLast()) {
            guard days > 0, days <= 36_500 else { throw value.error("\(days) days is out of range 1...36500") }
            return .seconds(days * 86_400)
        }
        return try value.duration(allowingZero: false)
    }
}

extension RetrydConfig {
    /// Where the journal lives when a configuration file names no `state_dir` (systemd's `StateDirectory=retryd`).
    package static let defaultStateDir = "/var/lib/retryd"
}
