#if canImport(Glibc)
    import Glibc
#endif

/// Starts a detached pthread, in place of Foundation's `Thread`: loops, the journal's writer and the demo each run
/// on a thread of their own, and whoever waits for one uses a ``Semaphore``.
package enum DetachedThread {
    /// Runs `body` on a new detached thread with the default attributes (the stack size `ulimit -s` gives).
    ///
    /// A process that cannot create a thread (EAGAIN at the thread limit) stops here: the callers cannot run
    /// without theirs.
    package static func start(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let error = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard error == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            preconditionFailure("pthread_create failed: \(SysError(call: "pthread_create", errno: error))")
        }
        pthread_detach(thread)
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
