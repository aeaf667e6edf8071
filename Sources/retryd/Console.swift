import Loop

#if canImport(Glibc)
    import Glibc
#endif

/// What the commands write for a person to read, straight to the descriptor: print's buffer would hold it back
/// when stdout is a pipe, and a failed write (a closed pipe) is not worth a crash.
enum Console {
    /// Writes `text` to `fd` (standard output unless told) at once.
    static func write(_ text: String, to fd: Int32 = STDOUT_FILENO) {
        _ = Sys.writeAll(fd, Array(text.utf8))
    }
}
