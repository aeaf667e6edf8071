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

    /// Blocks the watched signals in the calling thread, and so in every thread it starts afterwards.
    ///
    /// Call it first thing in the main thread: a thread started before (the journal's writer) would keep them
    /// unblocked, the kernel would hand SIGTERM or SIGHUP to that thread, and its default action would end the
    /// process at once, with no drain.
    package static func blockWatchedSignals() throws(SysError) {
        let signals = watched
        _ = try Sys.check("pthread_sigmask") { clinux_block_signals(signals, Int32(signals.count)) }
    }

    /// Blocks the watched signals for this thread and delivers them to `onSignal` on `loop`.
    package init(loop: EventLoop, onSignal: @escaping (Int32) -> Void) throws(SysError) {
        self.loop = loop
        self.onSignal = onSignal
        let signals = Self.watched
        try Self.blockWatchedSignals()
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
