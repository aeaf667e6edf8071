import CCurl

/// One attempt in flight: a libcurl easy handle, its request, and the delegate that receives the response.
package final class Transfer {
    /// The request this attempt sends.
    package let request: UpstreamRequest
    /// Receives the response; held strongly while the transfer runs.
    package internal(set) var delegate: TransferDelegate?
    /// How many times libcurl was about to send the request on a connection (more than 1 means a silent re-send).
    package internal(set) var sendCount = 0
    /// Response body bytes delivered so far.
    package internal(set) var bodyBytesReceived = 0

    /// The easy handle; back in the forwarder's pool (and possibly another transfer's) once this one ends.
    let handle: EasyHandle
    var bodyOffset = 0
    var isActive = false

    init(request: UpstreamRequest, delegate: TransferDelegate?, handle: EasyHandle) {
        self.request = request
        self.delegate = delegate
        self.handle = handle
    }

    var easy: UnsafeMutableRawPointer { handle.easy }

    /// Whether any byte of the request may have left: libcurl had a ready connection for it at least once.
    package var mayHaveBeenSent: Bool { sendCount > 0 }

    /// libcurl's message for the failure; read before the handle goes back to the pool.
    var errorText: String {
        String(cString: handle.errorBuffer)
    }

    /// Copies the next part of a buffered body into libcurl's buffer.
    func readBuffered(_ body: [UInt8], into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, body.count - bodyOffset)
        guard count > 0 else { return 0 }
        body.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + bodyOffset, byteCount: count)
        }
        bodyOffset += count
        return count
    }
}

/// The options an easy handle keeps from one attempt to the next: they depend on the upstream, not the request.
struct EasyBase: Equatable {
    var origin: String
    var caFile: String?
    var connectTimeout: Duration

    init(_ request: UpstreamRequest) {
        self.init(origin: request.origin, caFile: request.caFile, connectTimeout: request.connectTimeout)
    }

    init(origin: String, caFile: String?, connectTimeout: Duration) {
        self.origin = origin
        self.caFile = caFile
        self.connectTimeout = connectTimeout
    }
}

/// A libcurl easy handle with its error buffer, pooled between attempts without `curl_easy_reset`.
final class EasyHandle {
    let easy: UnsafeMutableRawPointer
    let errorBuffer: UnsafeMutablePointer<CChar>
    /// What the handle is configured for; nil when new.
    var base: EasyBase?
    /// The request-target libcurl holds for the handle; nil when none is set.
    var target: String?
    /// The header lines libcurl holds for the handle (owned here, freed with the handle or when replaced), and the
    /// fields they were written from.
    var headerList: UnsafeMutablePointer<curl_slist>?
    var headerFields: [(name: String, value: String)] = []
    /// The `connect_to` the handle is set up for (kept beside the base, not in it: a fourth field made every copy
    /// and comparison of ``EasyBase`` go through its value witnesses, ~1k instructions per request), and the
    /// CURLOPT_CONNECT_TO list libcurl holds for it, owned here.
    var connectTo: String?
    var connectToList: UnsafeMutablePointer<curl_slist>?

    init() {
        easy = curl_easy_init()!
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    /// Forgets the per-request options after `curl_easy_reset`, so the next request sets them all again.
    func forgetRequestOptions() {
        target = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        headerFields = []
        // curl_easy_reset cleared CURLOPT_CONNECT_TO too.
        if let connectToList { curl_slist_free_all(connectToList) }
        connectToList = nil
        connectTo = nil
    }

    deinit {
        curl_easy_cleanup(easy)
        if let headerList { curl_slist_free_all(headerList) }
        if let connectToList { curl_slist_free_all(connectToList) }
        errorBuffer.deallocate()
    }
}
