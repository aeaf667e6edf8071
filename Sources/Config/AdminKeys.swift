import Admin
import Listener
import Proxy

/// `[admin]`: the keys of ``AdminSettings``.
enum AdminKeys {
    static let listen = SettingKey.field("listen", \AdminSettings.listen, format: \.description) {
        (value) throws(ConfigError) in try ConfigDecoder.parse(value, with: ListenAddress.parsed)
    }

    static let table = KeyTable([listen])

    /// Decodes `[admin]`; its listener must not collide with an upstream's.
    static func decode(_ table: TableReader, upstreams: [UpstreamSettings]) throws(ConfigError) -> AdminSettings {
        let admin = try self.table.decode(table, onto: AdminSettings(), hints: RootKeys.misplaced)
        if let other = upstreams.first(where: { $0.listen.conflicts(with: admin.listen) }) {
            throw table.context.error(
                at: table[listen.name]?.path ?? table.path,
                "\(admin.listen) is already the listen address of upstream \"\(other.name)\""
            )
        }
        return admin
    }
}
