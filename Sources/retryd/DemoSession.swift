import Listener
import Loop
import Proxy

#if canImport(Glibc)
    import Glibc
#endif

/// retryd in front of the simulated vendor, both on one event loop: the vendor's listener joins retryd's loop.
final class DemoSession: @unchecked Sendable {
    /// retryd; `runtime.run()` serves both it and the vendor.
    let runtime: ProxyRuntime
    /// The simulated vendor.
    let vendor: DemoVendor
    /// retryd's log lines.
    let recorder: DemoLogRecorder
    /// Where retryd listens, as bound (the real port when 0 was asked for).
    let retrydAddress: ListenAddress
    /// Where the simulated vendor listens.
    let vendorAddress: ListenAddress
    private let vendorServer: Server

    /// Binds the vendor on an ephemeral loopback port, then retryd on `listen` in front of it.
    /// - Throws: `SysError` when a socket cannot be bound (`call` is "bind" and `errno` EADDRINUSE for a busy port).
    init(listen: ListenAddress) throws {
        // The vendor's socket is bound before retryd's configuration exists, since that names the vendor's port;
        // the Server adopting it needs retryd's loop, which exists only afterwards.
        let vendorFD = try Sys.tcpSocket(family: AF_INET)
        let vendorPort: UInt16
        do {
            try Sys.bind(vendorFD, SocketAddress(host: "127.0.0.1", port: 0)!)
            try Sys.listen(vendorFD, backlog: 128)
            vendorPort = try Sys.localAddress(vendorFD).port
        } catch {
            Sys.close(vendorFD)
            throw error
        }
        let recorder = DemoLogRecorder()
        let settings = DemoPolicy.settings(listen: listen, vendorPort: vendorPort)
        do {
            runtime = try ProxyRuntime(settings: settings, logger: recorder.logger)
        } catch {
            Sys.close(vendorFD)
            throw error
        }
        runtime.addObserver(recorder)
        self.recorder = recorder
        vendor = DemoVendor(loop: runtime.loop)
        do {
            vendorServer = try Server(
                loop: runtime.loop, listeningFD: vendorFD, limits: ServerLimits(),
                budget: ConnectionBudget(limit: 64), handler: vendor)
        } catch {
            Sys.close(vendorFD)
            throw error
        }
        vendorAddress = ListenAddress(host: "127.0.0.1", port: vendorPort)
        retrydAddress = ListenAddress(
            host: listen.host, port: runtime.boundPorts[DemoPolicy.upstreamName] ?? listen.port)
    }

    /// The scripted tour against this session's retryd.
    var tour: DemoTour {
        let host = retrydAddress.host == "localhost" ? "127.0.0.1" : retrydAddress.host
        return DemoTour(client: DemoClient(host: host, port: retrydAddress.port), vendor: vendor, recorder: recorder)
    }

    /// Serves until ``stop()``, then closes retryd's and the vendor's sockets; blocks the calling thread meanwhile.
    func run() throws {
        defer { vendorServer.closeAll() }
        try runtime.run()
    }

    /// Stops serving; callable from any thread.
    func stop() {
        runtime.stop()
    }
}
