import Config
import Foundation
import Journal

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
    /// Creates the directory as retryd would, and a probe file it removes again.
    static func stateDirProblem(_ directory: String) -> String? {
        do {
            try JournalStore.createDirectory(directory)
        } catch {
            return error.message
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

    private static func days(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds % 86_400 == 0 ? "\(seconds / 86_400)d" : "\(seconds)s"
    }
}
