import Listener
import TLS

/// The forward proxy listener (`[forward_proxy]`): where it listens, what it does with hosts it does not intercept
/// and where its CA comes from; the defaults here are the only ones.
package struct ForwardProxySettings: Sendable, Equatable {
    /// What a CONNECT or absolute-form request for a host no upstream names gets.
    package enum UnknownHosts: String, Sendable, Equatable, CaseIterable {
        /// 403 with a JSON body: only the configured vendors are reachable through retryd.
        case refuse
        /// A CONNECT is passed through untouched (absolute-form http is still refused).
        case tunnel
    }

    /// Where the proxy listens (`127.0.0.1:3128`).
    package var listen: ListenAddress
    /// Hosts no upstream names: refused (the default) or tunnelled.
    package var unknownHosts = UnknownHosts.refuse
    /// The CA that signs the intercepted hosts' certificates.
    package var ca: CASource
    /// How long each minted leaf certificate is valid, in seconds (renewed in memory halfway through).
    package var leafValidity: Int64 = 7 * 86400

    /// Creates the settings for a listener at `listen` with the CA from `ca`.
    package init(listen: ListenAddress, ca: CASource) {
        self.listen = listen
        self.ca = ca
    }
}
