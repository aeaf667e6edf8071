import CLinux
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Something registered with the event loop for readiness events.
package protocol EventHandler: AnyObject {
    /// Called on the loop with the events epoll reported.
    func handle(_ events: EPollEvents)
}

/// Something that wants to run once at the end of the current loop iteration (e.g. to flush writes in one syscall).
package protocol DeferredWork: AnyObject {
    /// Called once per iteration in which it was requested.
    func runDeferred()
}

/// A registration: the slot in the loop's table and the generation that makes stale events harmless.
package struct Registration: Sendable, Equatable {
    let slot: UInt32
    let generation: UInt32
    /// The registered descriptor.
    package let fd: Int32
}

/// One epoll event loop: descriptors, timers and deferred work on a single thread.
///
/// Everything except ``execute(_:)`` and ``stop()`` must be called on the loop's thread.
package final class EventLoop: @unchecked Sendable {
    private struct Slot {
        var generation: UInt32 = 0
        var handler: EventHandler?
    }

    private let epfd: Int32
    private let wakeFD: Int32
    private var slots: [Slot] = [Slot()]
    private var freeSlots: [UInt32] = []
    private var timers = TimerHeap()
    private var deferred: [DeferredWork] = []
    private var deferredNext: [DeferredWork] = []
    private var stopping = false
    private let injected = LockedValue<[@Sendable () -> Void]>([])
    /// The thread that may touch the loop's state directly: the one that made it until a thread runs it, then the
    /// one that ran it last (which also tears down what lives on the loop once ``run()`` returns).
    private let ownerThread = Atomic<UInt>(UInt(pthread_self()))

    /// Monotonic time in nanoseconds, refreshed each iteration.
    package private(set) var now: Int64

    /// Runs on the loop at the end of every iteration, before it waits again (e.g. to write batched log lines).
    package var afterIteration: (() -> Void)?

    /// One buffer for every socket read on this loop, whose bytes are used before the handler returns: a connection
    /// then needs storage of its own only for what is left over (as nginx and HAProxy keep idle connections small).
    package let readBuffer: UnsafeMutableRawBufferPointer

    /// Creates an epoll set and its wake-up eventfd.
    /// - Parameter readBufferSize: the most one read on this loop takes from a socket.
    package init(readBufferSize: Int = 64 * 1024) throws(SysError) {
        epfd = try Sys.check("epoll_create1") { clinux_epoll_create() }
        wakeFD = try Sys.check("eventfd") { clinux_eventfd(0) }
        readBuffer = .allocate(byteCount: readBufferSize, alignment: 16)
        now = Sys.monotonicNanoseconds()
        // Slot 0 is the wake-up descriptor.
        _ = try Sys.check("epoll_ctl") { clinux_epoll_ctl(epfd, CLINUX_EPOLL_CTL_ADD, wakeFD, CLINUX_EPOLLIN, 0) }
    }

    deinit {
        Sys.close(wakeFD)
        Sys.close(epfd)
        readBuffer.deallocate()
    }

    /// Registers `fd` for `events`; `handler` is retained until ``deregister(_:)``.
    package func register(fd: Int32, events: EPollEvents, handler: EventHandler) throws(SysError) -> Registration {
        let slot: UInt32
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = UInt32(slots.count)
            slots.append(Slot())
        }
        slots[Int(slot)].generation &+= 1
        slots[Int(slot)].handler = handler
        let registration = Registration(slot: slot, generation: slots[Int(slot)].generation, fd: fd)
        do {
            _ = try Sys.check("epoll_ctl") {
                clinux_epoll_ctl(epfd, CLINUX_EPOLL_CTL_ADD, fd, events.rawValue, Self.userData(registration))
            }
        } catch {
            release(slot)
            throw error
        }
        return registration
    }

    /// Changes the events a registration waits for; a stale registration is left alone, like in ``deregister(_:)``.
    package func modify(_ registration: Registration, events: EPollEvents) throws(SysError) {
        guard isCurrent(registration) else { return }
        _ = try Sys.check("epoll_ctl") {
            clinux_epoll_ctl(epfd, CLINUX_EPOLL_CTL_MOD, registration.fd, events.rawValue, Self.userData(registration))
        }
    }

    /// Removes a registration; events already read for it this iteration are dropped by generation.
    ///
    /// A stale registration (already removed, its descriptor perhaps closed and reused by a new owner) changes
    /// nothing: deleting by descriptor first would take the new owner's registration off epoll.
    package func deregister(_ registration: Registration) {
        guard isCurrent(registration) else { return }
        _ = clinux_epoll_ctl(epfd, CLINUX_EPOLL_CTL_DEL, registration.fd, 0, 0)
        release(registration.slot)
    }

    /// Whether `registration` is still the live one for its slot.
    func isCurrent(_ registration: Registration) -> Bool {
        Int(registration.slot) < slots.count && slots[Int(registration.slot)].generation == registration.generation
    }

    private func release(_ slot: UInt32) {
        slots[Int(slot)].handler = nil
        slots[Int(slot)].generation &+= 1
        freeSlots.append(slot)
    }

    private static func userData(_ registration: Registration) -> UInt64 {
        UInt64(registration.slot) << 32 | UInt64(registration.generation)
    }

    /// Arms (or re-arms) `timer` to fire `delay` from now.
    package func schedule(_ timer: LoopTimer, after delay: Duration) {
        schedule(timer, at: now + delay.nanoseconds)
    }

    /// Arms (or re-arms) `timer` to fire at the monotonic `deadline` in nanoseconds.
    package func schedule(_ timer: LoopTimer, at deadline: Int64) {
        timers.insertOrUpdate(timer, deadline: deadline)
    }

    /// Disarms `timer`; harmless when it is not armed.
    package func cancel(_ timer: LoopTimer) {
        timers.remove(timer)
    }

    /// Runs `work.runDeferred()` once at the end of this iteration.
    package func runAtEndOfIteration(_ work: DeferredWork) {
        deferred.append(work)
    }

    /// Runs `body` on the loop thread soon; callable from any thread.
    package func execute(_ body: @escaping @Sendable () -> Void) {
        injected.withLock { $0.append(body) }
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    /// Runs `body` at once on the loop's thread (see ``isCurrentThread``), else on the loop soon: for state that
    /// several loops touch and one loop owns (a quota gate's timer, the Redis connection). `body` is handed to the
    /// loop's thread, so it must capture only what that thread may use. From another thread after the loop stopped
    /// for good, `body` never runs.
    package func runOnLoop(_ body: @escaping () -> Void) {
        if isCurrentThread {
            body()
            return
        }
        let box = UncheckedBox(body)
        execute { box.value?() }
    }

    /// Makes ``run()`` return after the current iteration; callable from any thread.
    package func stop() {
        execute { [unowned self] in self.stopping = true }
    }

    /// Whether the caller may touch the loop's state directly: it is the thread that made the loop and nobody has
    /// run it yet (set-up), or the thread that runs it (or ran it, and now tears down). Shared state (quota gates)
    /// uses it to hop to the loop that owns its timer.
    ///
    /// A loop that is merely not running belongs to no other thread: another loop's thread started a moment before
    /// this one (a worker, at start-up) or still running after it (at shutdown) queues its work instead of racing
    /// the owner.
    package var isCurrentThread: Bool {
        pthread_equal(pthread_t(ownerThread.load(ordering: .acquiring)), pthread_self()) != 0
    }

    /// Gives the loop up before another thread runs it: until that thread is inside ``run()``, work for the loop
    /// (``runOnLoop(_:)``) queues, from the creating thread too, rather than racing the thread that is starting.
    package func handOver() {
        ownerThread.store(0, ordering: .releasing)
    }

    /// Runs until ``stop()``.
    package func run() throws(SysError) {
        stopping = false
        ownerThread.store(UInt(pthread_self()), ordering: .releasing)
        var events = [clinux_epoll_event](repeating: clinux_epoll_event(), count: 256)
        while !stopping {
            let count = try events.withUnsafeMutableBufferPointer { (buffer) throws(SysError) -> Int32 in
                try Sys.check("epoll_wait") { clinux_epoll_wait(epfd, buffer.baseAddress, 256, nextTimeout()) }
            }
            now = Sys.monotonicNanoseconds()
            for index in 0..<Int(count) {
                dispatch(events[index])
            }
            fireTimers()
            runDeferred()
            afterIteration?()
        }
    }

    private func dispatch(_ event: clinux_epoll_event) {
        let slot = Int(event.data >> 32)
        let generation = UInt32(truncatingIfNeeded: event.data)
        if slot == 0 {
            drainInjected()
            return
        }
        guard slot < slots.count, slots[slot].generation == generation, let handler = slots[slot].handler else {
            return
        }
        handler.handle(EPollEvents(rawValue: event.events))
        runDeferred()
    }

    private func drainInjected() {
        var value: UInt64 = 0
        _ = Glibc.read(wakeFD, &value, 8)
        let work = injected.withLock { pending -> [@Sendable () -> Void] in
            defer { pending.removeAll() }
            return pending
        }
        for body in work { body() }
    }

    private func fireTimers() {
        while let timer = timers.first, timer.deadline <= now {
            timers.remove(timer)
            timer.action()
            runDeferred()
        }
    }

    private func runDeferred() {
        while !deferred.isEmpty {
            swap(&deferred, &deferredNext)
            for work in deferredNext { work.runDeferred() }
            deferredNext.removeAll(keepingCapacity: true)
        }
    }

    private func nextTimeout() -> Int32 {
        if !deferred.isEmpty { return 0 }
        guard let timer = timers.first else { return -1 }
        let remaining = timer.deadline - Sys.monotonicNanoseconds()
        if remaining <= 0 { return 0 }
        // Round up so a timer never fires early and the loop never spins on a sub-millisecond remainder.
        return Int32(clamping: (remaining + 999_999) / 1_000_000)
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    package var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled &+ attoseconds / 1_000_000_000
    }
}
