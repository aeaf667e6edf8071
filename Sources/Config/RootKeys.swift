/// The top level of the file: the keys of ``RetrydConfig`` that are not a module's section.
enum RootKeys {
    static let upstream = SettingKey<RetrydConfig>.structural("upstream")
    static let limits = SettingKey<RetrydConfig>.structural("limits")
    static let logFormat = SettingKey.field("log_format", \RetrydConfig.log.format, format: \.rawValue) {
        (value) throws(ConfigError) in
        let name = try value.string()
        guard let format = LogConfig.Format(rawValue: name) else {
            let names = LogConfig.Format.allCases.map(\.rawValue).joined(separator: ", ")
            throw value.error("\"\(name)\" is not a log format; use one of \(names)")
        }
        return format
    }
    static let logLevel = SettingKey.field(
        "log_level", \RetrydConfig.log.level, format: { $0 },
        parse: { (value) throws(ConfigError) in
            let name = try value.string()
            guard LogConfig.levels.contains(name) else {
                let levels = LogConfig.levels.joined(separator: ", ")
                throw value.error("\"\(name)\" is not a log level; use one of \(levels)")
            }
            return name
        })
    static let admin = SettingKey<RetrydConfig>.structural("admin")
    static let notify = SettingKey<RetrydConfig>.structural("notify")
    static let shared = SettingKey<RetrydConfig>.structural("shared")
    static let forwardProxy = SettingKey<RetrydConfig>.structural("forward_proxy")
    /// Absent: ``RetrydConfig/defaultStateDir``; `""`: no journal.
    static let stateDir = SettingKey.field("state_dir", \RetrydConfig.stateDir) { (value) throws(ConfigError) in
        let directory = try value.string()
        guard directory.isEmpty || directory.hasPrefix("/") else {
            throw value.error("\"\(directory)\" is not an absolute path; write /var/lib/retryd, or \"\" for no journal")
        }
        return directory.isEmpty ? nil : directory
    }
    static let journal = SettingKey<RetrydConfig>.structural("journal")
    // Past a few dozen loops the shared gates' lock, not the CPUs, would set the pace.
    static let workers = SettingKey.field("workers", \RetrydConfig.workers) { (value) throws(ConfigError) in
        try value.integer(in: 1...64)
    }

    static let table = KeyTable([
        upstream, limits, logFormat, logLevel, admin, notify, shared, stateDir, journal, workers, forwardProxy,
    ])

    /// Advice for top-level keys written below a table header, where TOML files them under that table.
    static let misplaced = Dictionary(
        uniqueKeysWithValues: [logFormat, logLevel, workers].map { key in
            (key.name, "\(key.name) is a top-level key; move it above the first table")
        })
}
