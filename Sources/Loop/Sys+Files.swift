#if canImport(Glibc)
    import Glibc
#endif

/// The file calls the forward proxy's CA makes at start-up: secrets are created with their final mode, never
/// widened afterwards.
extension Sys {
    /// Creates `path` (which must not exist) with `mode` from the first byte, writes `bytes` and syncs them.
    ///
    /// O_EXCL refuses an existing file or a symbolic link planted in its place; the mode is given to open(2), so a key
    /// is never readable by others, not even between a create and a chmod.
    /// - Throws: `SysError` naming the call (`EEXIST` from `open` when the file is there already).
    package static func createFile(_ path: String, mode: mode_t, contents bytes: [UInt8]) throws(SysError) {
        let fd = try check("open \(path)") {
            open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        }
        defer { Self.close(fd) }
        guard writeAll(fd, bytes) else { throw SysError(call: "write \(path)", errno: Glibc.errno) }
        _ = try check("fsync \(path)") { fsync(fd) }
    }

    /// Creates the directory `path` with `mode` unless it exists already.
    package static func makeDirectory(_ path: String, mode: mode_t) throws(SysError) {
        if mkdir(path, mode) == 0 { return }
        let err = Glibc.errno
        if err == EEXIST { return }
        throw SysError(call: "mkdir \(path)", errno: err)
    }

    /// Renames `from` to `to`, replacing `to` atomically.
    package static func rename(_ from: String, to: String) throws(SysError) {
        _ = try check("rename \(from)") { Glibc.rename(from, to) }
    }

    /// Removes the file `path`; a missing one is not an error.
    package static func removeFile(_ path: String) throws(SysError) {
        if unlink(path) == 0 || Glibc.errno == ENOENT { return }
        throw SysError(call: "unlink \(path)", errno: Glibc.errno)
    }

    /// The permission bits of `path` (after symbolic links), or nil when it cannot be examined.
    package static func permissions(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }
}
