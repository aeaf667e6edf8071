import CCurl
import Loop

/// Tunables for the libcurl side; defaults in one place.
package struct ForwarderOptions: Sendable, Equatable {
    /// Idle upstream connections kept for reuse (CURLMOPT_MAXCONNECTS).
    package var maxCachedConnections = 256
    /// libcurl's receive buffer per transfer (CURLOPT_BUFFERSIZE).
    package var receiveBufferSize = 64 * 1024
    /// Easy handles kept for reuse instead of being freed.
    package var handlePoolSize = 64

    /// Creates the default options.
    package init() {}
}

/// Sends attempts upstream with one libcurl multi handle driven by the event loop (multi_socket interface).
///
/// libcurl's callbacks run inside `curl_multi_socket_action`; anything that would re-enter libcurl from
/// there (cancel, resume) is deferred until the call returns.
package final class Forwarder {
    let loop: EventLoop
    let multi: UnsafeMutableRawPointer
    let share: UnsafeMutableRawPointer
    let options: ForwarderOptions
    let sockets: CurlSockets
    private var timer: LoopTimer!
    private var pool: [EasyHandle] = []
    private var insideCurl = false
    private var deferred: [() -> Void] = []
    /// Whether ``runDeferred()`` is queued on the loop.
    private var deferredScheduled = false
    /// Whether libcurl asked for its timeout now (``updateTimer(milliseconds:)`` with 0).
    private var timeoutDue = false
    /// Set while that timeout runs: a further 0 goes to the loop's timer.
    private var inDeferredTimeout = false
    private var active: [ObjectIdentifier: Transfer] = [:]
    /// Transfers libcurl refused to start, completed at the end of the loop iteration.
    private var failedStarts: [(Transfer, UpstreamError)] = []
    /// Sockets the loop could not watch, reported to libcurl as failed at the end of the loop iteration.
    private var unwatchedSockets: [Int32] = []
    private var isShutDown = false

    private static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Creates a multi handle whose sockets and timer live on `loop`.
    /// - Throws: `ForwarderError` when libcurl refuses an option the forwarder's guarantees depend on; retryd then
    ///   refuses to start rather than run without them.
    package init(loop: EventLoop, options: ForwarderOptions = .init()) throws(ForwarderError) {
        _ = Self.globalInit
        self.loop = loop
        self.options = options
        sockets = CurlSockets(loop: loop)
        multi = curl_multi_init()
        share = curl_share_init()
        var check = OptionCheck()
        // Single-threaded: no lock callbacks needed. Shared DNS and TLS sessions make reconnects cheap.
        check.check(ccurl_share_setopt_lock_data(share, CURL_LOCK_DATA_DNS), "CURLSHOPT_SHARE DNS")
        check.check(ccurl_share_setopt_lock_data(share, CURL_LOCK_DATA_SSL_SESSION), "CURLSHOPT_SHARE SSL_SESSION")
        timer = LoopTimer { [unowned self] in self.socketAction(CCURL_SOCKET_TIMEOUT, 0) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        check.check(ccurl_multi_setopt_socket_callback(multi, forwarderSocketCallback), "CURLMOPT_SOCKETFUNCTION")
        check.check(ccurl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context), "CURLMOPT_SOCKETDATA")
        check.check(ccurl_multi_setopt_timer_callback(multi, forwarderTimerCallback), "CURLMOPT_TIMERFUNCTION")
        check.check(ccurl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context), "CURLMOPT_TIMERDATA")
        check.check(
            ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, options.maxCachedConnections), "CURLMOPT_MAXCONNECTS")
        check.check(ccurl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_NOTHING)), "CURLMOPT_PIPELINING")
        do throws(ForwarderError) {
            try check.get()
            // Every option an attempt sets, tried once on a spare handle: a libcurl that lacks one fails here, at
            // start-up, not on the first request.
            let probe = EasyHandle()
            try configureBase(probe, EasyBase(origin: "http://127.0.0.1", caFile: nil, connectTimeout: .seconds(1)))
            let transfer = Transfer(
                request: UpstreamRequest(method: "POST", origin: "http://127.0.0.1", target: "/", headers: []),
                delegate: nil, handle: probe)
            try configureRequest(transfer)
        } catch {
            curl_multi_cleanup(multi)
            curl_share_cleanup(share)
            throw error
        }
    }

    deinit {
        shutDown()
    }

    /// Cancels every transfer, closes every upstream connection and releases libcurl's handles.
    /// Called once the loop has stopped; the forwarder cannot be used afterwards.
    ///
    /// Nothing may touch `multi` after `curl_multi_cleanup`: its memory goes back to the heap, and the next multi
    /// handle made (another loop's, in the same process) often gets it. Setting options on it then (as `deinit` once
    /// did after an earlier shut-down) took the new forwarder's timer callback away, and its transfers never started.
    package func shutDown() {
        guard !isShutDown else { return }
        isShutDown = true
        for transfer in Array(active.values) { cancel(transfer) }
        // libcurl calls the socket and timer callbacks while cleaning up; nothing is listening any more (in `deinit`,
        // the forwarder is being destroyed).
        _ = ccurl_multi_setopt_socket_callback(multi, detachedSocketCallback)
        _ = ccurl_multi_setopt_timer_callback(multi, detachedTimerCallback)
        curl_multi_cleanup(multi)
        sockets.removeAll()
        loop.cancel(timer)
        for handle in pool { _ = ccurl_easy_setopt_share(handle.easy, nil) }
        pool.removeAll()
        curl_share_cleanup(share)
    }

    /// Starts an attempt; `delegate` hears about it until it completes or is cancelled.
    package func start(_ request: UpstreamRequest, delegate: TransferDelegate) -> Transfer {
        let base = EasyBase(request)
        let handle: EasyHandle
        if let index = pool.lastIndex(where: { $0.base == base }) {
            handle = pool.remove(at: index)
        } else {
            handle = pool.popLast() ?? EasyHandle()
        }
        let transfer = Transfer(request: request, delegate: delegate, handle: handle)
        transfer.isActive = true
        active[ObjectIdentifier(transfer)] = transfer
        // Retained for libcurl until the transfer is released; set after `configure`, whose reset would clear it.
        let context = Unmanaged.passRetained(transfer).toOpaque()
        do throws(ForwarderError) {
            try configure(transfer, base: base)
            var check = OptionCheck()
            check.check(ccurl_easy_setopt_pointer(handle.easy, CURLOPT_PRIVATE, context), "CURLOPT_PRIVATE")
            try check.get()
            var added = OptionCheck()
            added.check(curl_multi_add_handle(multi, handle.easy), "curl_multi_add_handle")
            try added.get()
        } catch {
            // Reported after `start` returns, never from inside it: the caller has not stored the transfer yet, and
            // would drop a completion for a transfer it does not know. Nothing was sent.
            handle.base = nil
            failedStarts.append(
                (transfer, UpstreamError(code: 0, message: error.description, mayHaveBeenSent: false, isTimeout: false))
            )
            scheduleDeferredWork()
        }
        return transfer
    }

    /// Stops an attempt without telling its delegate; harmless when it already ended.
    package func cancel(_ transfer: Transfer) {
        if insideCurl {
            deferred.append { [unowned self] in self.cancel(transfer) }
            return
        }
        guard transfer.isActive else { return }
        transfer.delegate = nil
        release(transfer)
    }

    /// Lets a transfer paused by ``BodyDisposition/pause`` or ``BodyRead/pause`` continue.
    package func resume(_ transfer: Transfer) {
        if insideCurl {
            deferred.append { [unowned self] in self.resume(transfer) }
            return
        }
        guard transfer.isActive else { return }
        insideCurl = true
        _ = curl_easy_pause(transfer.easy, CCURL_PAUSE_CONT)
        insideCurl = false
        afterCurl()
    }

    func socketAction(_ fd: Int32, _ mask: Int32) {
        var running: Int32 = 0
        insideCurl = true
        _ = curl_multi_socket_action(multi, fd, mask, &running)
        insideCurl = false
        afterCurl()
    }

    private func afterCurl() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            var raw: UnsafeMutableRawPointer?
            _ = ccurl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &raw)
            guard let raw else { continue }
            let transfer = Unmanaged<Transfer>.fromOpaque(raw).takeUnretainedValue()
            finish(transfer, code == CURLE_OK ? .success(()) : .failure(error(for: transfer, code: code)))
        }
        while !deferred.isEmpty {
            let work = deferred
            deferred.removeAll()
            for body in work { body() }
        }
    }

    fileprivate func finish(_ transfer: Transfer, _ result: Result<Void, UpstreamError>) {
        let delegate = transfer.delegate
        transfer.delegate = nil
        release(transfer)
        delegate?.transfer(transfer, didCompleteWith: result)
    }

    private func release(_ transfer: Transfer) {
        guard transfer.isActive else { return }
        transfer.isActive = false
        active[ObjectIdentifier(transfer)] = nil
        curl_multi_remove_handle(multi, transfer.easy)
        // Kept configured: the next attempt to the same upstream changes only the per-request options.
        if pool.count < options.handlePoolSize {
            pool.append(transfer.handle)
        } else {
            _ = ccurl_easy_setopt_share(transfer.easy, nil)
        }
        Unmanaged.passUnretained(transfer).release()
    }

    private func error(for transfer: Transfer, code: CURLcode) -> UpstreamError {
        let text = transfer.errorText
        let message = text.isEmpty ? String(cString: curl_easy_strerror(code)) : text
        return UpstreamError(
            code: Int32(code.rawValue),
            message: message,
            mayHaveBeenSent: transfer.mayHaveBeenSent,
            isTimeout: code == CURLE_OPERATION_TIMEDOUT
        )
    }

    /// libcurl's timer callback. A timeout of 0 (every new transfer asks for one) is served as deferred work at the
    /// end of the current handler rather than by the loop's timer, which would cost an `epoll_wait` with no wait
    /// first; one asked for while that work runs goes to the timer, so libcurl can never keep the loop from I/O.
    func updateTimer(milliseconds: Int) {
        timeoutDue = false
        if milliseconds < 0 {
            loop.cancel(timer)
        } else if milliseconds == 0 && !inDeferredTimeout {
            loop.cancel(timer)
            timeoutDue = true
            scheduleDeferredWork()
        } else {
            loop.schedule(timer, at: Sys.monotonicNanoseconds() + Int64(milliseconds) * 1_000_000)
        }
    }
}

extension Forwarder: DeferredWork {
    /// An unwatched socket would leave its transfer hanging until a timeout: it is reported to libcurl as failed
    /// (from the loop, never from inside the socket callback that found it), so the transfer ends now with an error.
    func socketCannotBeWatched(_ fd: Int32) {
        unwatchedSockets.append(fd)
        scheduleDeferredWork()
    }

    fileprivate func scheduleDeferredWork() {
        guard !deferredScheduled else { return }
        deferredScheduled = true
        loop.runAtEndOfIteration(self)
    }

    /// Completes the transfers that failed to start, now that their callers have them, fails unwatched sockets, and
    /// runs libcurl's due timeout.
    package func runDeferred() {
        deferredScheduled = false
        if timeoutDue && !isShutDown {
            timeoutDue = false
            inDeferredTimeout = true
            socketAction(CCURL_SOCKET_TIMEOUT, 0)
            inDeferredTimeout = false
        }
        let failed = failedStarts
        failedStarts.removeAll()
        for (transfer, error) in failed { finish(transfer, .failure(error)) }
        let unwatched = unwatchedSockets
        unwatchedSockets.removeAll()
        for fd in unwatched { socketAction(fd, CCURL_CSELECT_ERR) }
    }
}
