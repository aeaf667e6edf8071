import Glibc

/// A pipe whose write end a log handler writes to and whose read end the test drains.
final class PipeCapture {
    /// The descriptor to hand to the handler.
    let writeFD: Int32
    private let readFD: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ReceiverError.setup("pipe") }
        // Non-blocking reads let `text()` drain what is there without knowing how much to expect.
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Everything written so far, without waiting.
    func text() -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The complete lines written so far, newlines removed.
    func lines() -> [String] {
        text().split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }
}
