import CLinux

#if canImport(Glibc)
    import Glibc
#endif

/// Delivers SIGINT, SIGTERM and SIGHUP on the loop through a signalfd instead of an async handler.
package final class SignalWatcher: EventHandler {
    private let fd: Int32
    private let loop: EventLoop
    private var registration: Registration?
    private let onSignal: (Int32) -> Void

    /// The signals watched.
    package static let watched: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the watched signals for this thread and delivers them to `onSignal` on `loop`.
    package init(loop: EventLoop, onSignal: @escaping (Int32) -> Void) throws(SysError) {
        self.loop = loop
        self.onSignal = onSignal
        let signals = Self.watched
        _ = try Sys.check("pthread_sigmask") { clinux_block_signals(signals, Int32(signals.count)) }
        fd = try Sys.check("signalfd") { clinux_signalfd(signals, Int32(signals.count)) }
        registration = try loop.register(fd: fd, events: .readable, handler: self)
    }

    deinit {
        if let registration { loop.deregister(registration) }
        Sys.close(fd)
    }

    /// Delivers every signal the signalfd holds.
    package func handle(_ events: EPollEvents) {
        while true {
            let signal = clinux_signalfd_read(fd)
            guard signal > 0 else { return }
            onSignal(signal)
        }
    }
}
