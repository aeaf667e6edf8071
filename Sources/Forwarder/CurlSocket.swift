import CCurl
import Listener

/// One libcurl socket registered on the loop; libcurl says what to wait for, epoll says when.
final class CurlSocket: EventHandler {
    unowned let forwarder: Forwarder
    let forwarderLoop: EventLoop
    let fd: Int32
    var registration: Registration?

    init(forwarder: Forwarder, fd: Int32) {
        self.forwarder = forwarder
        self.forwarderLoop = forwarder.loop
        self.fd = fd
    }

    func handle(_ events: EPollEvents) {
        var mask: Int32 = 0
        if events.contains(.readable) { mask |= CCURL_CSELECT_IN }
        if events.contains(.writable) { mask |= CCURL_CSELECT_OUT }
        if !events.isDisjoint(with: [.error, .hangup]) { mask |= CCURL_CSELECT_ERR }
        forwarder.socketAction(fd, mask)
    }
}

extension Forwarder {
    func updateSocket(_ fd: Int32, what: Int32, existing: UnsafeMutableRawPointer?) {
        if what == CCURL_POLL_REMOVE {
            guard let existing else { return }
            let socket = Unmanaged<CurlSocket>.fromOpaque(existing).takeRetainedValue()
            if let registration = socket.registration { loop.deregister(registration) }
            curl_multi_assign(multi, fd, nil)
            return
        }
        var events: EPollEvents = []
        if what & CCURL_POLL_IN != 0 { events.insert(.readable) }
        if what & CCURL_POLL_OUT != 0 { events.insert(.writable) }
        if let existing {
            let socket = Unmanaged<CurlSocket>.fromOpaque(existing).takeUnretainedValue()
            if let registration = socket.registration {
                try? loop.modify(registration, events: events)
            }
            return
        }
        let socket = CurlSocket(forwarder: self, fd: fd)
        socket.registration = try? loop.register(fd: fd, events: events, handler: socket)
        curl_multi_assign(multi, fd, Unmanaged.passRetained(socket).toOpaque())
    }
}

let forwarderSocketCallback: ccurl_socket_callback = { _, fd, what, context, socketContext in
    let forwarder = Unmanaged<Forwarder>.fromOpaque(context!).takeUnretainedValue()
    forwarder.updateSocket(fd, what: what, existing: socketContext)
    return 0
}

let forwarderTimerCallback: ccurl_timer_callback = { _, milliseconds, context in
    let forwarder = Unmanaged<Forwarder>.fromOpaque(context!).takeUnretainedValue()
    forwarder.updateTimer(milliseconds: milliseconds)
    return 0
}

/// Used while a forwarder is being destroyed: releases sockets libcurl drops, touches nothing else.
let detachedSocketCallback: ccurl_socket_callback = { _, _, what, _, socketContext in
    if what == CCURL_POLL_REMOVE, let socketContext {
        let socket = Unmanaged<CurlSocket>.fromOpaque(socketContext).takeRetainedValue()
        if let registration = socket.registration { socket.forwarderLoop.deregister(registration) }
    }
    return 0
}

let detachedTimerCallback: ccurl_timer_callback = { _, _, _ in 0 }
