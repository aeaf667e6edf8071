import Glibc

/// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
final class DatagramReceiver {
    /// What to put in `NOTIFY_SOCKET`: the path, or "@name" for an abstract socket.
    let notifySocket: String
    private let fd: Int32
    private let directory: String?

    /// Binds a socket file in a fresh temporary directory.
    static func path() throws -> DatagramReceiver {
        var template = Array("/tmp/retryd-notify-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template) else { throw ReceiverError.setup("mkdtemp") }
        let dir = String(cString: directory)
        return try DatagramReceiver(notifySocket: dir + "/notify", directory: dir)
    }

    /// Binds an abstract-namespace name unique to this process and call.
    static func abstract() throws -> DatagramReceiver {
        try DatagramReceiver(
            notifySocket: "@retryd-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))", directory: nil)
    }

    private init(notifySocket: String, directory: String?) throws {
        self.notifySocket = notifySocket
        self.directory = directory
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ReceiverError.setup("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(notifySocket.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 } else { bytes.append(0) }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sockaddr_un>.offset(of: \.sun_path)! + bytes.count)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else {
            close(fd)
            throw ReceiverError.setup("bind \(errno)")
        }
    }

    deinit {
        close(fd)
        if let directory {
            unlink(directory + "/notify")
            rmdir(directory)
        }
    }

    /// The datagrams queued so far, without waiting: a local datagram is queued before sendto(2) returns.
    func received() -> [String] {
        var messages: [String] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count >= 0 else { return messages }
            messages.append(String(decoding: buffer[0..<count], as: UTF8.self))
        }
    }
}

/// A test fixture that could not be set up.
enum ReceiverError: Error {
    case setup(String)
}
