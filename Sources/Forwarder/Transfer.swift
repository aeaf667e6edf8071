import CCurl

/// One attempt in flight: a libcurl easy handle, its request, and the delegate that receives the response.
public final class Transfer {
    /// The request this attempt sends.
    public let request: UpstreamRequest
    /// Receives the response; held strongly while the transfer runs.
    public internal(set) var delegate: TransferDelegate?
    /// How many times libcurl was about to send the request on a connection (more than 1 means a silent re-send).
    public internal(set) var sendCount = 0
    /// Response body bytes delivered so far.
    public internal(set) var bodyBytesReceived = 0

    let easy: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    var bodyOffset = 0
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    var isActive = false

    init(request: UpstreamRequest, delegate: TransferDelegate, easy: UnsafeMutableRawPointer) {
        self.request = request
        self.delegate = delegate
        self.easy = easy
    }

    deinit {
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// Whether any byte of the request may have left: libcurl had a ready connection for it at least once.
    public var mayHaveBeenSent: Bool { sendCount > 0 }

    var errorText: String {
        errorBuffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
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
