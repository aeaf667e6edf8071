import COpenSSL

/// A failed OpenSSL operation or CA file problem, with OpenSSL's own reason when it gave one.
package struct TLSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was being done, e.g. `"sign the CA certificate"`.
    package let operation: String
    /// OpenSSL's reasons (its error queue, drained), or our own explanation.
    package let detail: String

    /// An error for `operation`, taking OpenSSL's pending reasons as the detail when `detail` is nil.
    package init(_ operation: String, detail: String? = nil) {
        self.operation = operation
        self.detail = detail ?? Self.drainErrorQueue()
    }

    /// `"sign the CA certificate: error:...:bad signature"`.
    package var description: String {
        detail.isEmpty ? operation : "\(operation): \(detail)"
    }

    /// Empties this thread's OpenSSL error queue into one line (the queue would otherwise blame a later call).
    static func drainErrorQueue() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            reasons.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return reasons.joined(separator: "; ")
    }
}
