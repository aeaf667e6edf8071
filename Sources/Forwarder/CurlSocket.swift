import CCurl

#if canImport(Glibc)
    import Glibc
    import Loop
#endif

/// One libcurl socket on the loop; libcurl says what to wait for, epoll says when.
///
/// A connection socket stays registered while it sits idle in libcurl's connection cache, so reusing it costs no
/// `epoll_ctl`. Its last interest stays armed meanwhile: if the idle socket becomes ready (the upstream closed it),
/// the registration is dropped and libcurl's own liveness check discards the connection at its next use.
///
/// libcurl 7.88 closes a connect attempt that never completed (cut by a timeout, abandoned with its transfer) with a
/// plain `close`, not through the close-socket callback; such a socket is recognised when libcurl stops watching it,
/// by the descriptor no longer referring to the socket it was created for (with several loops, or in the tests,
/// another thread may have been handed the same number in between).
final class CurlSocket: EventHandler {
    unowned let forwarder: Forwarder
    let fd: Int32
    /// Created for a connection (libcurl's sockopt callback saw it), so libcurl closes it through
    /// ``CurlSockets/closing(_:)``. Other sockets (the resolver's) are deregistered as soon as libcurl drops them.
    let closesThroughCallback: Bool
    var registration: Registration?
    var events: EPollEvents = []
    /// Whether libcurl currently waits on this socket (false while it is idle in the connection cache).
    var watched = false
    /// Whether libcurl ever waited to read from it: only a connected socket is read, and libcurl closes those
    /// through the callback.
    var wasRead = false
    /// The socket `fd` referred to when libcurl created it (connection sockets only).
    let identity: FileIdentity?

    init(forwarder: Forwarder, fd: Int32, closesThroughCallback: Bool) {
        self.forwarder = forwarder
        self.fd = fd
        self.closesThroughCallback = closesThroughCallback
        identity = closesThroughCallback ? Sys.identity(of: fd) : nil
    }

    /// Whether `fd` still refers to the socket libcurl created, as far as can be told.
    var isStillOpen: Bool {
        guard let identity else { return Sys.isOpen(fd) }
        return Sys.identity(of: fd) == identity
    }

    func handle(_ events: EPollEvents) {
        guard watched else {
            forwarder.sockets.unregister(self)
            return
        }
        var mask: Int32 = 0
        if events.intersects(.readable) { mask |= CCURL_CSELECT_IN }
        if events.intersects(.writable) { mask |= CCURL_CSELECT_OUT }
        if events.intersects(.failed) { mask |= CCURL_CSELECT_ERR }
        forwarder.socketAction(fd, mask)
    }
}

/// libcurl's sockets by descriptor, and their epoll registrations.
///
/// Owned by the forwarder but a separate object, because libcurl closes connections (through
/// ``closing(_:)``) while the forwarder itself is being destroyed.
final class CurlSockets {
    let loop: EventLoop
    private var byFD: [Int32: CurlSocket] = [:]
    /// Registers a socket with the loop; replaced by tests that need registration to fail.
    var register: (Int32, EPollEvents, EventHandler) throws(SysError) -> Registration

    init(loop: EventLoop) {
        self.loop = loop
        register = { [unowned loop] (fd, events, handler) throws(SysError) in
            try loop.register(fd: fd, events: events, handler: handler)
        }
    }

    /// Sockets known, watched or idle.
    var count: Int { byFD.count }

    /// Sockets with a live epoll registration.
    var registeredCount: Int { byFD.values.count { $0.registration != nil } }

    /// libcurl created `fd` for a connection; it will close it through the close-socket callback.
    func created(_ fd: Int32, forwarder: Forwarder) {
        // A socket still known under this number was closed without the callback (the kernel reuses the lowest free
        // number); its registration went with the close, so only the loop's slot is left to release.
        if let stale = byFD[fd] { unregister(stale) }
        byFD[fd] = CurlSocket(forwarder: forwarder, fd: fd, closesThroughCallback: true)
    }

    /// libcurl's socket callback: wait for `what` on `fd`, or stop waiting.
    func update(_ fd: Int32, what: Int32, forwarder: Forwarder) {
        let socket: CurlSocket
        if let known = byFD[fd] {
            socket = known
        } else {
            guard what != CCURL_POLL_REMOVE else { return }
            socket = CurlSocket(forwarder: forwarder, fd: fd, closesThroughCallback: false)
            byFD[fd] = socket
        }
        if what == CCURL_POLL_REMOVE {
            socket.watched = false
            // A socket never read from may be a connect attempt libcurl has just closed without the callback: the
            // REMOVE follows that close within the same libcurl call.
            if !socket.closesThroughCallback || (!socket.wasRead && !socket.isStillOpen) {
                unregister(socket)
                byFD[fd] = nil
            }
            return
        }
        // Raw bits: OptionSet's generic insert is not specialized across modules.
        var bits: UInt32 = 0
        if what & CCURL_POLL_IN != 0 {
            bits |= EPollEvents.readable.rawValue
            socket.wasRead = true
        }
        if what & CCURL_POLL_OUT != 0 { bits |= EPollEvents.writable.rawValue }
        let events = EPollEvents(rawValue: bits)
        socket.watched = true
        do throws(SysError) {
            if let registration = socket.registration {
                guard socket.events != events else { return }
                try loop.modify(registration, events: events)
            } else {
                socket.registration = try register(fd, events, socket)
            }
            socket.events = events
        } catch {
            forwarder.socketCannotBeWatched(fd)
        }
    }

    /// Takes `socket` off epoll; it stays known until libcurl closes it.
    func unregister(_ socket: CurlSocket) {
        guard let registration = socket.registration else { return }
        loop.deregister(registration)
        socket.registration = nil
        socket.events = []
    }

    /// libcurl is about to close `fd`. It is taken off epoll explicitly: a child process that inherited the
    /// descriptor would otherwise keep the registration alive after the close.
    func closing(_ fd: Int32) {
        guard let socket = byFD.removeValue(forKey: fd) else { return }
        unregister(socket)
    }

    /// Takes every socket still known off epoll (after libcurl's cleanup, when nothing will report them again).
    func removeAll() {
        for socket in byFD.values { unregister(socket) }
        byFD.removeAll()
    }
}

let forwarderSocketCallback: ccurl_socket_callback = { _, fd, what, context, _ in
    let forwarder = Unmanaged<Forwarder>.fromOpaque(context!).takeUnretainedValue()
    forwarder.sockets.update(fd, what: what, forwarder: forwarder)
    return 0
}

let forwarderTimerCallback: ccurl_timer_callback = { _, milliseconds, context in
    let forwarder = Unmanaged<Forwarder>.fromOpaque(context!).takeUnretainedValue()
    forwarder.updateTimer(milliseconds: milliseconds)
    return 0
}

/// Marks connection sockets, which libcurl closes through ``forwarderCloseSocketCallback``.
let forwarderSockoptCallback: ccurl_sockopt_callback = { context, fd, purpose in
    if purpose == CURLSOCKTYPE_IPCXN {
        let forwarder = Unmanaged<Forwarder>.fromOpaque(context!).takeUnretainedValue()
        forwarder.sockets.created(fd, forwarder: forwarder)
    }
    return CCURL_SOCKOPT_OK
}

/// Context: the forwarder's ``CurlSockets``, which outlives libcurl's cleanup.
let forwarderCloseSocketCallback: ccurl_closesocket_callback = { context, fd in
    Unmanaged<CurlSockets>.fromOpaque(context!).takeUnretainedValue().closing(fd)
    return Glibc.close(fd)
}

/// Used while a forwarder is being destroyed: libcurl still reports sockets and timers, nobody listens.
let detachedSocketCallback: ccurl_socket_callback = { _, _, _, _, _ in 0 }

let detachedTimerCallback: ccurl_timer_callback = { _, _, _ in 0 }
