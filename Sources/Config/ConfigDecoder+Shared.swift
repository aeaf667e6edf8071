import Foundation
import Proxy
import Redis

extension ConfigDecoder {
    /// Keys of `[shared]`.
    static let sharedKeys = ["redis", "prefix", "instance"]

    /// Decodes `[shared]`; a password in the Redis URL becomes a secret.
    mutating func decodeShared(_ table: TableReader) throws(ConfigError) -> SharedSettings {
        try table.rejectUnknownKeys(allowed: Self.sharedKeys, hints: Self.misplacedTopLevelKeys)
        let redisValue = try table.required("redis")
        let text = try redisValue.string()
        let url: RedisURL
        do {
            url = try RedisURL(parsing: text)
        } catch {
            throw redisValue.error("\(error)")
        }
        if let password = url.password, !password.isEmpty { secrets.append(password) }
        var shared = SharedSettings(
            redis: url, instance: "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
        if let value = table["prefix"] {
            let prefix = try value.string()
            guard !prefix.isEmpty, !prefix.contains(where: { $0 == " " || $0 == "\n" || $0 == "|" }) else {
                throw value.error("\"\(prefix)\" is not a valid prefix: it must be non-empty, without spaces or |")
            }
            shared.prefix = prefix
        }
        if let value = table["instance"] {
            let instance = try value.string()
            guard !instance.isEmpty, !instance.contains("|") else { throw value.error("must be non-empty, without |") }
            shared.instance = instance
        }
        return shared
    }
}
