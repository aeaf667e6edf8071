import Listener
import Proxy
import TLS

/// `[forward_proxy]` as written: the CA's source is resolved against `state_dir` once the whole file is read.
struct ForwardProxyFile: Sendable, Equatable {
    var listen = ListenAddress(host: "127.0.0.1", port: 3128)
    var unknownHosts = ForwardProxySettings.UnknownHosts.refuse
    var allowRemote = false
    var caCert: String?
    var caKey: String?
}

/// `[forward_proxy]`: the keys of ``ForwardProxySettings``.
enum ForwardProxyKeys {
    static let listen = SettingKey.field("listen", \ForwardProxyFile.listen, format: \.description) {
        (value) throws(ConfigError) in try ConfigDecoder.parse(value, with: ListenAddress.parsed)
    }
    static let unknownHosts = SettingKey.field("unknown_hosts", \ForwardProxyFile.unknownHosts, format: \.rawValue) {
        (value) throws(ConfigError) in
        let name = try value.string()
        guard let choice = ForwardProxySettings.UnknownHosts(rawValue: name) else {
            throw value.error("\"\(name)\" is not a choice; use refuse or tunnel")
        }
        return choice
    }
    static let allowRemote = SettingKey.field("allow_remote", \ForwardProxyFile.allowRemote) {
        (value) throws(ConfigError) in try value.bool()
    }
    static let caCert = SettingKey.field("ca_cert", \ForwardProxyFile.caCert) {
        (value) throws(ConfigError) -> String? in try ConfigDecoder.readableFile(value)
    }
    static let caKey = SettingKey.field("ca_key", \ForwardProxyFile.caKey) {
        (value) throws(ConfigError) -> String? in try ConfigDecoder.readableFile(value)
    }

    static let table = KeyTable([listen, unknownHosts, allowRemote, caCert, caKey])

    /// Decodes `[forward_proxy]`: a listener off loopback needs `allow_remote`, `ca_cert` and `ca_key` come together,
    /// and without them the CA lives under `state_dir`.
    static func decode(_ table: TableReader, stateDir: String?, upstreams: [UpstreamSettings]) throws(ConfigError)
        -> ForwardProxySettings
    {
        let file = try self.table.decode(table, onto: ForwardProxyFile(), hints: RootKeys.misplaced)
        let at = { (key: String) in table[key]?.path ?? table.path }
        if !file.allowRemote && !isLoopback(file.listen.host) {
            throw table.context.error(
                at: at(listen.name),
                "\(file.listen) is not a loopback address: anyone who reaches it may use retryd as a proxy; set "
                    + "allow_remote = true to mean it")
        }
        if let other = upstreams.first(where: { $0.listen.conflicts(with: file.listen) }) {
            throw table.context.error(
                at: at(listen.name), "\(file.listen) is already the listen address of upstream \"\(other.name)\"")
        }
        let ca: CASource
        switch (file.caCert, file.caKey) {
        case (let certificate?, let key?):
            ca = .given(certificate: certificate, key: key)
        case (nil, nil):
            guard let stateDir else {
                throw table.context.error(
                    at: table.path, "without state_dir there is nowhere to keep the CA: set ca_cert and ca_key")
            }
            ca = .generated(directory: stateDir + "/ca")
        case (nil, _?):
            throw table.context.error(at: at(caKey.name), "ca_key needs ca_cert beside it")
        case (_?, nil):
            throw table.context.error(at: at(caCert.name), "ca_cert needs ca_key beside it")
        }
        var settings = ForwardProxySettings(listen: file.listen, ca: ca)
        settings.unknownHosts = file.unknownHosts
        return settings
    }

    /// 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || (host.hasPrefix("127.") && host.split(separator: ".").count == 4)
    }
}
