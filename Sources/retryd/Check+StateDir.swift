import Config
import FoundationEssentials
import Journal

#if canImport(Glibc)
    import Glibc
#endif

extension Check {
    /// What `check` says about the journal: where it is and its bounds, or why it cannot work there.
    static func journalLine(_ config: RetrydConfig) -> (line: String, problem: String?) {
        guard let directory = config.stateDir else { return ("journal: off (no state_dir)", nil) }
        let bounds =
            "retention \(Self.days(config.journal.retention)), max_rows \(config.journal.maxRows)"
        let line = "journal: \(JournalStore.path(in: directory)) (\(bounds))"
        return (line, stateDirProblem(directory))
    }

    /// Why `directory` cannot hold the journal (not creatable, not a directory, not writable), or nil when it can.
    /// Tries for real, since only the kernel knows (root passes permission checks, /proc refuses everyone): creates
    /// what is missing and a probe file, then removes both again, so check leaves nothing behind.
    static func stateDirProblem(_ directory: String) -> String? {
        var isDirectory = false
        var missing: [String] = []
        var existing = directory
        while !FileManager.default.fileExists(atPath: existing, isDirectory: &isDirectory) {
            missing.append(existing)
            existing = Self.parent(of: existing)
        }
        guard isDirectory else {
            return missing.isEmpty
                ? "state_dir \(directory) is not a directory"
                : "cannot create state_dir \(directory): \(existing) is not a directory"
        }
        var created: [String] = []
        defer { for path in created.reversed() { rmdir(path) } }
        for path in missing.reversed() {
            guard mkdir(path, 0o700) == 0 else {
                return "cannot create state_dir \(directory): \(path): \(String(cString: strerror(errno)))"
            }
            created.append(path)
        }
        let probe = (directory.hasSuffix("/") ? directory : directory + "/") + ".retryd-check-\(getpid())"
        let fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            return "state_dir \(directory) is not writable: \(String(cString: strerror(errno)))"
        }
        close(fd)
        unlink(probe)
        return nil
    }

    /// The directory holding `path` ("/var/lib/retryd/" -> "/var/lib"), "/" for a top-level one and "." for a
    /// relative name without a slash, which always exists, so the walk up from a missing state_dir ends.
    static func parent(of path: String) -> String {
        var trimmed = path[...]
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    private static func days(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds % 86_400 == 0 ? "\(seconds / 86_400)d" : "\(seconds)s"
    }
}
