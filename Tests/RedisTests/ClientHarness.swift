import Foundation
import Loop
import Redis
import TestSupport

/// A ``RedisClient`` on its own loop thread, driven from the test thread.
final class ClientHarness: @unchecked Sendable {
    let thread: LoopThread
    let client: Handoff<RedisClient>
    let states = LockedBox<[RedisConnectionState]>([])

    init(url: RedisURL, options: RedisClientOptions = .init(), connect: Bool = true) throws {
        thread = try LoopThread()
        let loop = thread.loop
        let states = states
        client = thread.sync {
            let client = RedisClient(url: url, loop: loop, options: options, random: SeededRandom(seed: 7))
            client.onStateChange = { state in states.mutate { $0.append(state) } }
            if connect { client.connect() }
            return Handoff(client)
        }
    }

    deinit {
        let client = client
        thread.sync { client.value = nil }
        thread.stop()
    }

    /// Runs `body` with the client on the loop.
    func onLoop<T>(_ body: @escaping (RedisClient) -> T) -> T {
        let client = client
        return thread.sync { body(client.value!) }
    }

    /// Waits up to `timeout` for the client to reach `state`.
    func wait(for state: RedisConnectionState, timeout: Duration = .seconds(10)) -> Bool {
        let client = client
        return thread.wait(timeout: timeout) { client.value!.state == state }
    }

    /// Sends one command and waits for its outcome (at most `timeout` plus a second, so a hang fails the test).
    ///
    /// The default is generous where the client's own is 50 ms: these calls check what Redis answers, and on a
    /// loaded machine a loopback round trip can take longer than that. Tests of the timeout pass their own.
    func call(_ arguments: [String], timeout: Duration? = .seconds(5)) -> Result<RedisValue, RedisError>? {
        let outcome = LockedBox<Result<RedisValue, RedisError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        onLoop { client in
            client.command(arguments, timeout: timeout) { result in
                outcome.mutate { $0 = result }
                done.signal()
            }
        }
        let limit = (timeout ?? .milliseconds(50)) + .seconds(1)
        let milliseconds = Int(limit.components.seconds * 1000 + limit.components.attoseconds / 1_000_000_000_000_000)
        guard done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success else { return nil }
        return outcome.value
    }
}

/// The error of a failed call; nil when it succeeded or never finished.
func failure(of result: Result<RedisValue, RedisError>?) -> RedisError? {
    if case .failure(let error) = result { return error }
    return nil
}
