/// Where the CLI gets its configuration from, as decided by `ConfigLoader.resolveSource`.
package enum ConfigSource: Sendable, Equatable {
    /// A TOML file to load.
    case file(String)
    /// One upstream from a listen address and an upstream URL (flags or `RETRYD_LISTEN`/`RETRYD_UPSTREAM`), to be
    /// passed to ``RetrydConfig/quickStart(listen:upstream:)``.
    case quickStart(listen: String, upstream: String)
    /// Nothing says where the configuration is; the message tells the operator the ways to say it.
    case none(message: String)
}
