import FoundationEssentials
import Logging

extension Journal {
    /// The writer thread: takes what the loop handed over, a batch at a time, until `close()`.
    func runWriter() {
        // Open at once, so an unusable state_dir is reported at start-up rather than at the first give-up.
        _ = openStore(now: clock())
        while true {
            condition.lock()
            while commands.isEmpty && !stopping { condition.wait() }
            if commands.isEmpty && stopping {
                condition.unlock()
                break
            }
            var batch: [Command] = []
            var records = 0
            while !commands.isEmpty, records < policy.batchLimit {
                let command = commands.removeFirst()
                if case .record = command { records += 1 }
                batch.append(command)
            }
            recordsQueued -= records
            condition.unlock()
            process(batch)
        }
        if let store {
            // Once more at the end, so a short run leaves the file within its bounds too.
            lastPrune = nil
            pruneIfDue(store, now: clock())
        }
        store = nil
        finished.signal()
    }

    /// Writes runs of records in one transaction each, answering loads and flushes in order between them.
    func process(_ batch: [Command]) {
        var run: [JournalRecord] = []
        for command in batch {
            switch command {
            case .record(let record):
                run.append(record)
            case .loadPending(let limit, let reply):
                write(run)
                run = []
                reply(readPending(limit: limit))
            case .flush(let done):
                write(run)
                run = []
                done.signal()
            }
        }
        write(run)
    }

    private func write(_ records: [JournalRecord]) {
        guard !records.isEmpty else { return }
        let now = clock()
        let giveUps = records.count { if case .giveUp = $0 { true } else { false } }
        guard let store = openStore(now: now) else {
            drop(giveUps)
            return
        }
        do {
            let inserted = try store.write(records, now: now)
            counters.addWritten(inserted)
            onCount?(.written, inserted)
            insertedSincePrune += inserted
        } catch {
            drop(giveUps)
            failed(error, doing: "writing \(giveUps) give-ups", now: now)
            return
        }
        pruneIfDue(store, now: now)
    }

    private func readPending(limit: Int) -> [PendingDelivery] {
        let now = clock()
        guard let store = openStore(now: now) else { return [] }
        do {
            return try store.pendingDeliveries(limit: limit)
        } catch {
            failed(error, doing: "reading undelivered events", now: now)
            return []
        }
    }

    /// The open store, opening it when none is and the last failed attempt is `reopenInterval` old.
    private func openStore(now: Double) -> JournalStore? {
        if let store { return store }
        if let lastOpenAttempt, now - lastOpenAttempt < JournalStore.seconds(policy.reopenInterval) { return nil }
        lastOpenAttempt = now
        do {
            let opened = try JournalStore(writingIn: directory)
            store = opened
            logger.info("journal: writing give-ups to \(JournalStore.path(in: directory))")
            pruneIfDue(opened, now: now)
            return opened
        } catch {
            failed(error, doing: "opening", now: now)
            // A corrupt file was just moved aside: a new one can be created at once.
            if error.isCorruption, let fresh = try? JournalStore(writingIn: directory) {
                store = fresh
                return fresh
            }
            return nil
        }
    }

    private func pruneIfDue(_ store: JournalStore, now: Double) {
        let interval = JournalStore.seconds(policy.pruneInterval)
        let due = lastPrune.map { now - $0 >= interval } ?? true
        // A burst prunes every batchLimit rows, so max_rows holds within one batch even between intervals.
        guard due || insertedSincePrune >= policy.batchLimit else { return }
        lastPrune = now
        insertedSincePrune = 0
        do {
            let pruned = try store.prune(
                olderThan: now - JournalStore.seconds(policy.retention), maxRows: policy.maxRows)
            if pruned > 0 {
                counters.addPruned(pruned)
                onCount?(.pruned, pruned)
                logger.debug("journal: pruned \(pruned) rows past retention")
            }
        } catch {
            failed(error, doing: "pruning", now: now)
        }
    }

    private func drop(_ count: Int) {
        guard count > 0 else { return }
        counters.addDropped(count)
        onCount?(.dropped, count)
    }

    /// Counts and logs (throttled) a failure; a corrupt file is moved aside so the next open starts a fresh one.
    private func failed(_ error: any Error, doing what: String, now: Double) {
        counters.addError()
        onCount?(.errors, 1)
        var detail = "\(error)"
        if let sqlite = error as? SQLiteError, sqlite.isCorruption {
            store = nil
            lastOpenAttempt = nil
            detail += "; " + moveCorruptFileAside(now: now)
        }
        guard let occurrences = errorLog.admit(now: Self.nanoseconds(now)) else { return }
        let suppressed = occurrences - 1
        let more = suppressed > 0 ? " (\(suppressed) more errors since the last line)" : ""
        logger.error("journal: \(what) failed, give-ups are not being recorded: \(detail)\(more); proxying goes on")
    }

    private func moveCorruptFileAside(now: Double) -> String {
        let path = JournalStore.path(in: directory)
        let aside = path + ".corrupt-\(Int(now))"
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
        }
        return "moved it to \(aside) and starting a new journal"
    }
}
