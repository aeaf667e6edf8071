import Foundation
import Loop
import TestSupport
import Testing

@testable import Redis

/// Commands against a real redis-server started by each test.
@Suite struct RedisClientTests {
    @Test func setGetIncrRoundTrip() throws {
        let server = try RedisServerProcess()
        let harness = try ClientHarness(url: server.url)
        #expect(harness.wait(for: .connected))
        #expect(try harness.call(["SET", "greeting", "hello"])?.get() == .status("OK"))
        #expect(try harness.call(["GET", "greeting"])?.get() == .string("hello"))
        #expect(try harness.call(["GET", "missing"])?.get() == .null)
        #expect(try harness.call(["INCR", "hits"])?.get() == .integer(1))
        #expect(try harness.call(["INCRBY", "hits", "41"])?.get() == .integer(42))
        #expect(try harness.call(["LPUSH", "list", "a", "b"])?.get() == .integer(2))
        #expect(try harness.call(["LRANGE", "list", "0", "-1"])?.get() == .array([.string("b"), .string("a")]))
        #expect(harness.states.value == [.connecting, .connected])
    }

    @Test func valuesAreBinarySafe() throws {
        let server = try RedisServerProcess()
        let harness = try ClientHarness(url: server.url)
        #expect(harness.wait(for: .connected))
        let bytes = (0...255).map(UInt8.init) + [13, 10, 0]
        let outcome = LockedBox<Result<RedisValue, RedisError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        harness.onLoop { client in
            client.command([Array("SET".utf8), [0, 1, 2], bytes]) { _ in
                client.command([Array("GET".utf8), [0, 1, 2]]) { result in
                    outcome.mutate { $0 = result }
                    done.signal()
                }
            }
        }
        #expect(done.wait(timeout: .now() + 10) == .success)
        #expect(try outcome.value?.get() == .string(bytes))
    }

    @Test func errorRepliesFailTheCallAlone() throws {
        let server = try RedisServerProcess()
        let harness = try ClientHarness(url: server.url)
        #expect(harness.wait(for: .connected))
        _ = harness.call(["SET", "text", "abc"])
        guard case .failure(.server(let message)) = harness.call(["INCR", "text"]) else {
            Issue.record("INCR of a string did not fail")
            return
        }
        #expect(message.hasPrefix("ERR"))
        #expect(try harness.call(["PING"])?.get() == .status("PONG"))
    }

    @Test func scriptsRunByDigestAndFallBackToSourceOnNoscript() throws {
        let server = try RedisServerProcess()
        let harness = try ClientHarness(url: server.url)
        #expect(harness.wait(for: .connected))
        let script = RedisScript("return {KEYS[1], ARGV[1], redis.call('INCR', KEYS[1])}")
        let expected = RedisValue.array([.string("quota"), .string("x"), .integer(1)])
        #expect(try evaluate(script, on: harness) == expected)
        #expect(try harness.call(["SCRIPT", "EXISTS", script.sha1])?.get() == .array([.integer(1)]))
        #expect(try evaluate(script, on: harness)?.elements?.last == .integer(2))
        // The second run found the script cached: two EVALSHA, one EVAL (the fallback of the first).
        #expect(try commandCalls(["evalsha", "eval"], on: harness) == [2, 1])
        #expect(try harness.call(["SCRIPT", "LOAD", script.source])?.get() == .string(script.sha1))

        _ = harness.call(["SCRIPT", "FLUSH"])
        #expect(try evaluate(script, on: harness)?.elements?.last == .integer(3))
        #expect(try commandCalls(["evalsha", "eval"], on: harness) == [3, 2])

        guard
            case .failure(.server(let message)) = evaluateResult(RedisScript("return redis.call('NOPE')"), on: harness)
        else {
            Issue.record("a failing script did not fail")
            return
        }
        #expect(message.contains("Unknown Redis command"))
    }

    @Test func wrongPasswordEndsDisconnectedWithTheServersError() throws {
        let server = try RedisServerProcess(password: "right")
        var url = server.url
        url.password = "wrong"
        let harness = try ClientHarness(url: url)
        #expect(harness.thread.wait(timeout: .seconds(10)) { harness.client.value!.lastError != nil })
        #expect(harness.onLoop { $0.lastError?.serverErrorCode } == "WRONGPASS")
        #expect(harness.onLoop { $0.state } != .connected)
        #expect(failure(of: harness.call(["PING"])) == .notConnected)

        url.password = nil
        let anonymous = try ClientHarness(url: url)
        #expect(anonymous.thread.wait(timeout: .seconds(10)) { anonymous.client.value!.lastError != nil })
        #expect(anonymous.onLoop { $0.lastError?.serverErrorCode } == "NOAUTH")

        let good = try ClientHarness(url: server.url)
        #expect(good.wait(for: .connected))
        #expect(try good.call(["PING"])?.get() == .status("PONG"))
    }

    @Test func unixSocketAndSelectedDatabase() throws {
        let server = try RedisServerProcess()
        let overSocket = try ClientHarness(url: RedisURL(parsing: "unix://\(server.socketPath)?db=5"))
        #expect(overSocket.wait(for: .connected))
        _ = overSocket.call(["SET", "where", "db5"])
        let database0 = try ClientHarness(url: server.url)
        var url5 = server.url
        url5.database = 5
        let database5 = try ClientHarness(url: url5)
        #expect(database0.wait(for: .connected) && database5.wait(for: .connected))
        #expect(try database0.call(["GET", "where"])?.get() == .null)
        #expect(try database5.call(["GET", "where"])?.get() == .string("db5"))
    }

    @Test func unknownHostFailsWithinTheConnectTimeout() throws {
        var options = RedisClientOptions()
        options.connectTimeout = .milliseconds(300)
        let harness = try ClientHarness(url: RedisURL(parsing: "redis://no-such-host.invalid:6379"), options: options)
        #expect(harness.thread.wait(timeout: .seconds(10)) { harness.client.value!.lastError != nil })
        guard case .connectFailed = harness.onLoop({ $0.lastError }) else {
            Issue.record("unexpected error \(String(describing: harness.onLoop { $0.lastError }))")
            return
        }
        #expect(failure(of: harness.call(["PING"])) == .notConnected)
    }

    @Test func namesAreResolvedOffTheLoopAndAnsweredOnIt() throws {
        let thread = try LoopThread()
        defer { thread.stop() }
        #expect(HostResolver.numericAddress("10.1.2.3") == "10.1.2.3")
        #expect(HostResolver.numericAddress("::1") == "::1")
        #expect(HostResolver.numericAddress("localhost") == "127.0.0.1")
        #expect(HostResolver.numericAddress("cache.internal") == nil)
        let answer = LockedBox<(Result<String, RedisError>, Bool)?>(nil)
        let loop = thread.loop
        thread.sync {
            let loopThread = Thread.current
            HostResolver.resolve("localhost", on: loop) { result in
                answer.mutate { $0 = (result, Thread.current == loopThread) }
            }
        }
        #expect(thread.wait(timeout: .seconds(10)) { answer.value != nil })
        let (result, onLoop) = try #require(answer.value)
        #expect(onLoop)
        #expect(["127.0.0.1", "::1"].contains(try result.get()))
    }

    @Test func connectionRefusedBacksOffUntilTheServerAppears() throws {
        let server = try RedisServerProcess()
        server.stop()
        let harness = try ClientHarness(url: server.url)
        #expect(harness.thread.wait(timeout: .seconds(10)) { harness.client.value!.lastError != nil })
        guard case .connectFailed(let reason) = harness.onLoop({ $0.lastError }) else {
            Issue.record("unexpected error \(String(describing: harness.onLoop { $0.lastError }))")
            return
        }
        #expect(reason.lowercased().contains("refused"))
        #expect(failure(of: harness.call(["PING"])) == .notConnected)
        try server.start()
        #expect(harness.wait(for: .connected, timeout: .seconds(10)))
        #expect(try harness.call(["PING"])?.get() == .status("PONG"))
    }

    @Test func closeFailsPendingCallsAndStops() throws {
        let server = try RedisServerProcess()
        let harness = try ClientHarness(url: server.url)
        #expect(harness.wait(for: .connected))
        let outcome = harness.onLoop { client -> [RedisError?] in
            var errors: [RedisError?] = []
            client.command(["BLPOP", "nothing", "5"], timeout: .seconds(3)) { errors.append(failure(of: $0)) }
            client.close()
            client.command(["PING"]) { errors.append(failure(of: $0)) }
            return errors
        }
        #expect(outcome == [.closed, .notConnected])
        #expect(harness.onLoop { $0.state } == .disconnected)
        // The server sees the connection go: only the observer's own remains.
        let observer = try ClientHarness(url: server.url)
        #expect(observer.wait(for: .connected))
        var clients = -1
        _ = try poll(every: .milliseconds(20)) {
            let list = try observer.call(["CLIENT", "LIST"])?.get().text ?? ""
            clients = list.split(whereSeparator: \.isNewline).count
            return clients == 1
        }
        #expect(clients == 1)
    }

    private func evaluateResult(_ script: RedisScript, on harness: ClientHarness) -> Result<RedisValue, RedisError>? {
        let outcome = LockedBox<Result<RedisValue, RedisError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        harness.onLoop { client in
            client.evaluate(script, keys: ["quota"], arguments: ["x"], timeout: .seconds(5)) { result in
                outcome.mutate { $0 = result }
                done.signal()
            }
        }
        _ = done.wait(timeout: .now() + 10)
        return outcome.value
    }

    private func evaluate(_ script: RedisScript, on harness: ClientHarness) throws -> RedisValue? {
        try evaluateResult(script, on: harness)?.get()
    }

    /// How often the server ran each command, from `INFO commandstats`.
    private func commandCalls(_ names: [String], on harness: ClientHarness) throws -> [Int] {
        let info = try harness.call(["INFO", "commandstats"])?.get().text ?? ""
        return names.map { name in
            let prefix = "cmdstat_\(name):calls="
            guard let line = info.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix(prefix) }) else {
                return 0
            }
            return Int(line.dropFirst(prefix.count).prefix { $0.isNumber }) ?? -1
        }
    }
}
