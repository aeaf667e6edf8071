import Proxy
import Redis

/// `[shared]`: the keys of ``SharedSettings``.
enum SharedKeys {
    /// Read first, by ``decode(_:secrets:)``: the settings cannot exist without it.
    static let redis = SettingKey<SharedSettings>.structural("redis")
    static let prefix = SettingKey.field("prefix", \SharedSettings.prefix) { (value) throws(ConfigError) in
        let prefix = try value.string()
        guard !prefix.isEmpty, !prefix.contains(where: { $0 == " " || $0 == "\n" || $0 == "|" }) else {
            throw value.error("\"\(prefix)\" is not a valid prefix: it must be non-empty, without spaces or |")
        }
        return prefix
    }
    static let instance = SettingKey.field("instance", \SharedSettings.instance) { (value) throws(ConfigError) in
        let instance = try value.string()
        guard !instance.isEmpty, !instance.contains("|") else { throw value.error("must be non-empty, without |") }
        return instance
    }

    static let table = KeyTable([redis, prefix, instance])

    /// Decodes `[shared]`; a password in the Redis URL becomes a secret.
    static func decode(_ table: TableReader, secrets: inout [String]) throws(ConfigError) -> SharedSettings {
        try self.table.rejectUnknownKeys(in: table, hints: RootKeys.misplaced)
        let redisValue = try table.required(redis.name)
        let text = try redisValue.string()
        let url: RedisURL
        do {
            url = try RedisURL(parsing: text)
        } catch {
            throw redisValue.error("\(error)")
        }
        if let password = url.password, !password.isEmpty { secrets.append(password) }
        var shared = SharedSettings(redis: url)
        try self.table.read(table, into: &shared, secrets: &secrets)
        return shared
    }
}
