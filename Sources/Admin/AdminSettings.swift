import Listener

/// The admin listener: health, readiness, metrics and status endpoints. Off unless configured.
package struct AdminSettings: Sendable, Equatable {
    /// Where `[admin]` listens when it names no address.
    package static let defaultListen = ListenAddress(host: "127.0.0.1", port: 9901)

    /// Where the admin endpoints listen; loopback by default so nothing is exposed by accident.
    package var listen: ListenAddress

    /// Creates the admin settings.
    package init(listen: ListenAddress = defaultListen) {
        self.listen = listen
    }
}
