import Events

extension ConfiguredUpstream {
    /// What `/status` shows of `upstream`: never its header values, which usually carry API keys.
    package init(_ upstream: UpstreamSettings) {
        self.init(
            name: upstream.name, listen: upstream.listen.description,
            url: upstream.url.origin + upstream.url.basePath, connectTimeout: upstream.connectTimeout,
            attemptTimeout: upstream.attemptTimeout, policy: upstream.retry, rules: upstream.rules)
    }
}
