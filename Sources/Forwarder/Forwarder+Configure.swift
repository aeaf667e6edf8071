import CCurl
import HTTP1
import Loop

#if canImport(Glibc)
    import Glibc
#endif

extension Forwarder {
    /// Turns an ``UpstreamRequest`` into easy-handle options that send it byte for byte. A pooled handle already
    /// configured for the same upstream only gets the per-request options.
    /// - Throws: `ForwarderError` naming the first option libcurl refused.
    func configure(_ transfer: Transfer, base: EasyBase) throws(ForwarderError) {
        let handle = transfer.handle
        if handle.base != base {
            if handle.base != nil {
                curl_easy_reset(handle.easy)
                handle.forgetRequestOptions()
            }
            handle.base = nil
            try configureBase(handle, base)
            handle.base = base
        }
        if handle.connectTo != transfer.request.connectTo {
            try configureConnectTo(handle, transfer.request.connectTo)
        }
        handle.errorBuffer[0] = 0
        try configureRequest(transfer)
    }

    /// Whether none of the variables libcurl reads to find a proxy is set. libcurl looks them up on every transfer
    /// (five `getenv` calls and their comparisons, 1.7% of a proxied request's instructions under callgrind); the
    /// environment does not change while retryd runs, so without any of them each handle is told once that there is
    /// no proxy. With one set, libcurl goes on finding the proxy itself, as before.
    static let environmentNamesNoProxy: Bool = {
        let names = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]
        return names.allSatisfy { name in getenv(name) == nil }
    }()

    /// Points the handle's connections at `connectTo` ("host:port" for any URL host and port), or back at the URL's
    /// host; the old list is freed only once libcurl no longer points at it.
    func configureConnectTo(_ handle: EasyHandle, _ connectTo: String?) throws(ForwarderError) {
        var check = OptionCheck()
        let list = connectTo.flatMap { curl_slist_append(nil, "::" + $0) }
        check.check(ccurl_easy_setopt_slist(handle.easy, CURLOPT_CONNECT_TO, list), "CURLOPT_CONNECT_TO")
        if let old = handle.connectToList { curl_slist_free_all(old) }
        handle.connectToList = list
        handle.connectTo = connectTo
        try check.get()
    }

    /// The options that depend only on the upstream, set once per pooled handle.
    func configureBase(_ handle: EasyHandle, _ base: EasyBase) throws(ForwarderError) {
        let easy = handle.easy
        var check = OptionCheck()
        check.check(ccurl_easy_setopt_string(easy, CURLOPT_URL, base.origin + "/"), "CURLOPT_URL")
        // The target goes out verbatim: libcurl must not normalise "/../" or re-encode anything.
        check.check(ccurl_easy_setopt_long(easy, CURLOPT_PATH_AS_IS, 1), "CURLOPT_PATH_AS_IS")
        check.check(ccurl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, CCURL_HTTP_VERSION_1_1), "CURLOPT_HTTP_VERSION")
        check.check(ccurl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "CURLOPT_NOSIGNAL")
        check.check(ccurl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1), "CURLOPT_TCP_KEEPALIVE")
        check.check(ccurl_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, options.receiveBufferSize), "CURLOPT_BUFFERSIZE")
        check.check(
            ccurl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Int(base.connectTimeout.nanoseconds / 1_000_000)),
            "CURLOPT_CONNECTTIMEOUT_MS")
        check.check(ccurl_easy_setopt_share(easy, share), "CURLOPT_SHARE")
        if Self.environmentNamesNoProxy {
            check.check(ccurl_easy_setopt_string(easy, CURLOPT_PROXY, ""), "CURLOPT_PROXY")
            check.check(ccurl_easy_setopt_string(easy, CURLOPT_NOPROXY, ""), "CURLOPT_NOPROXY")
        }
        if let caFile = base.caFile {
            check.check(ccurl_easy_setopt_string(easy, CURLOPT_CAINFO, caFile), "CURLOPT_CAINFO")
        }
        check.check(ccurl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, handle.errorBuffer), "CURLOPT_ERRORBUFFER")
        check.check(
            ccurl_easy_setopt_data_callback(easy, CURLOPT_HEADERFUNCTION, transferHeaderCallback),
            "CURLOPT_HEADERFUNCTION")
        check.check(
            ccurl_easy_setopt_data_callback(easy, CURLOPT_WRITEFUNCTION, transferWriteCallback), "CURLOPT_WRITEFUNCTION"
        )
        check.check(
            ccurl_easy_setopt_data_callback(easy, CURLOPT_READFUNCTION, transferReadCallback), "CURLOPT_READFUNCTION")
        check.check(ccurl_easy_setopt_seek_callback(easy, transferSeekCallback), "CURLOPT_SEEKFUNCTION")
        // What stops libcurl from silently sending a request again on a fresh connection.
        check.check(ccurl_easy_setopt_prereq_callback(easy, transferPrereqCallback), "CURLOPT_PREREQFUNCTION")
        // Connection sockets are tracked from creation to close, so idle ones can stay registered with epoll.
        check.check(ccurl_easy_setopt_sockopt_callback(easy, forwarderSockoptCallback), "CURLOPT_SOCKOPTFUNCTION")
        check.check(
            ccurl_easy_setopt_pointer(easy, CURLOPT_SOCKOPTDATA, Unmanaged.passUnretained(self).toOpaque()),
            "CURLOPT_SOCKOPTDATA")
        check.check(
            ccurl_easy_setopt_closesocket_callback(easy, forwarderCloseSocketCallback), "CURLOPT_CLOSESOCKETFUNCTION")
        check.check(
            ccurl_easy_setopt_pointer(easy, CURLOPT_CLOSESOCKETDATA, Unmanaged.passUnretained(sockets).toOpaque()),
            "CURLOPT_CLOSESOCKETDATA")
        try check.get()
    }

    /// The options of one request. Every option a previous request on the same handle may have set is set again.
    func configureRequest(_ transfer: Transfer) throws(ForwarderError) {
        let easy = transfer.easy
        let request = transfer.request
        var check = OptionCheck()
        // The target goes out verbatim: libcurl must not normalise "/../" or re-encode anything.
        let handle = transfer.handle
        // libcurl keeps both options on the handle from one transfer to the next: a pooled handle that sent the same
        // target and fields last time sends them again as they are (no C string copy, no list of lines built).
        if handle.target != request.target {
            handle.target = nil
            check.check(
                request.target.withCString { ccurl_easy_setopt_string(easy, CURLOPT_REQUEST_TARGET, $0) },
                "CURLOPT_REQUEST_TARGET")
            handle.target = request.target
        }
        if handle.headerList == nil || !Self.sameFields(handle.headerFields, request.headers) {
            let list = Self.headerList(for: request.headers)
            check.check(ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list), "CURLOPT_HTTPHEADER")
            // The old list goes only now that libcurl holds the new one.
            if let old = handle.headerList { curl_slist_free_all(old) }
            handle.headerList = list
            handle.headerFields = request.headers
        }

        let isHead = request.method == "HEAD"
        // CUSTOMREQUEST "HEAD" would make libcurl wait for a body that never comes: NOBODY says HEAD.
        let custom = isHead || (request.method == "GET" && request.body == .none) ? nil : request.method
        // withCString: an implicit String-to-pointer conversion copies the method to the heap first.
        let setCustom =
            custom?.withCString { ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, $0) }
            ?? ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, nil)
        check.check(setCustom, "CURLOPT_CUSTOMREQUEST")
        // The upload length: nil for no body, -1 for chunked.
        let length: Int?
        switch request.body {
        case .none:
            length = nil
        case .buffered(let bytes):
            length = bytes.count
        case .streaming(let declared):
            length = declared ?? -1
        }
        // UPLOAD sends exactly our bytes with Content-Length (or chunked when -1) and no form Content-Type.
        // UPLOAD first, then NOBODY: each resets the method libcurl derives from the other.
        check.check(ccurl_easy_setopt_long(easy, CURLOPT_UPLOAD, length == nil || isHead ? 0 : 1), "CURLOPT_UPLOAD")
        check.check(ccurl_easy_setopt_long(easy, CURLOPT_NOBODY, isHead ? 1 : 0), "CURLOPT_NOBODY")
        check.check(
            ccurl_easy_setopt_off(easy, CURLOPT_INFILESIZE_LARGE, curl_off_t(length ?? -1)), "CURLOPT_INFILESIZE_LARGE")

        let context = Unmanaged.passUnretained(transfer).toOpaque()
        for (option, name) in [
            (CURLOPT_HEADERDATA, "CURLOPT_HEADERDATA"), (CURLOPT_WRITEDATA, "CURLOPT_WRITEDATA"),
            (CURLOPT_READDATA, "CURLOPT_READDATA"), (CURLOPT_SEEKDATA, "CURLOPT_SEEKDATA"),
            (CURLOPT_PREREQDATA, "CURLOPT_PREREQDATA"),
        ] {
            check.check(ccurl_easy_setopt_pointer(easy, option, context), name)
        }
        try check.get()
    }

    /// Whether two field lists are the same, byte for byte and in order.
    static func sameFields(_ lhs: [(name: String, value: String)], _ rhs: [(name: String, value: String)]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in lhs.indices where lhs[index].name != rhs[index].name || lhs[index].value != rhs[index].value {
            return false
        }
        return true
    }

    /// libcurl's list of header lines for `fields`, each line written once into a stack buffer (libcurl copies it).
    static func headerList(for fields: [(name: String, value: String)]) -> UnsafeMutablePointer<curl_slist>? {
        var list: UnsafeMutablePointer<curl_slist>?
        var sawAccept = false
        for (name, value) in fields {
            if !sawAccept && name.utf8.count == 6 && name.lowercased() == "accept" { sawAccept = true }
            list = appendLine(list, name: name, value: value)
        }
        // Suppress libcurl's own defaults so only the client's headers go out.
        if !sawAccept { list = curl_slist_append(list, "Accept:") }
        list = curl_slist_append(list, "Expect:")
        return list
    }

    /// Appends "Name: value" to `list`; "Name;" for an empty value, since "Name:" would tell libcurl to drop it.
    private static func appendLine(
        _ list: UnsafeMutablePointer<curl_slist>?, name: String, value: String
    ) -> UnsafeMutablePointer<curl_slist>? {
        let (nameCount, valueCount) = (name.utf8.count, value.utf8.count)
        let length = value.isEmpty ? nameCount + 1 : nameCount + 2 + valueCount
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length + 1) { line in
            var end = line.initialize(fromContentsOf: name.utf8)
            if value.isEmpty {
                line[end] = UInt8(ascii: ";")
                end += 1
            } else {
                line[end] = UInt8(ascii: ":")
                line[end + 1] = UInt8(ascii: " ")
                end += 2
                end = UnsafeMutableBufferPointer(rebasing: line[end...]).initialize(fromContentsOf: value.utf8) + end
            }
            line[end] = 0
            return line.baseAddress!.withMemoryRebound(to: CChar.self, capacity: length + 1) {
                curl_slist_append(list, $0)
            }
        }
    }
}

let transferHeaderCallback: ccurl_data_callback = { pointer, size, count, context in
    let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard let delegate = transfer.delegate,
        delegate.transfer(transfer, didReceiveHeaderLine: UnsafeRawBufferPointer(start: pointer, count: length))
    else { return 0 }
    return length
}

let transferWriteCallback: ccurl_data_callback = { pointer, size, count, context in
    let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard let delegate = transfer.delegate else { return 0 }
    switch delegate.transfer(transfer, didReceiveBody: UnsafeRawBufferPointer(start: pointer, count: length)) {
    case .accepted:
        transfer.bodyBytesReceived += length
        return length
    case .pause:
        return CCURL_WRITEFUNC_PAUSE
    case .abort:
        return 0
    }
}

let transferReadCallback: ccurl_data_callback = { pointer, size, count, context in
    let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    let buffer = UnsafeMutableRawBufferPointer(start: pointer, count: size * count)
    if case .buffered(let bytes) = transfer.request.body {
        return transfer.readBuffered(bytes, into: buffer)
    }
    guard let delegate = transfer.delegate else { return CCURL_READFUNC_ABORT }
    switch delegate.transfer(transfer, readBodyInto: buffer) {
    case .bytes(let count): return count
    case .pause: return CCURL_READFUNC_PAUSE
    case .abort: return CCURL_READFUNC_ABORT
    }
}

/// libcurl rewinds only to send the body again after a silent re-send; a buffered body allows it.
let transferSeekCallback: ccurl_seek_callback = { context, offset, origin in
    let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    guard case .buffered = transfer.request.body, offset == 0, origin == SEEK_SET else {
        return CCURL_SEEKFUNC_CANTSEEK
    }
    transfer.bodyOffset = 0
    return CCURL_SEEKFUNC_OK
}

/// Called each time libcurl is about to send the request on a connection, fresh or reused. A second call means
/// libcurl is silently re-sending after a reused connection died: always refused, so that every send is an attempt
/// the caller counts, budgets and decides on (the retry rules may then send it again, as a counted attempt).
let transferPrereqCallback: ccurl_prereq_callback = { context, _, _, _, _ in
    let transfer = Unmanaged<Transfer>.fromOpaque(context!).takeUnretainedValue()
    transfer.sendCount += 1
    if transfer.sendCount > 1 {
        return CCURL_PREREQFUNC_ABORT
    }
    return CCURL_PREREQFUNC_OK
}
