import Glibc
import Testing

@testable import TestSupport

@Suite struct ProbesTests {
    @Test func readsThisProcessResidentSetSize() throws {
        let rss = try #require(readRSSBytes(pid: getpid()))
        #expect(rss > 1024 * 1024)
        #expect(readRSSBytes(pid: -1) == nil)
    }

    @Test func measureReturnsTheResultAndTheTimeTaken() {
        let ((), elapsed) = measure { _ = poll(nil, 0, 50) }
        #expect(elapsed >= .milliseconds(50) && elapsed < .seconds(1))
    }

    @Test func aRefusingPortRefusesForAsLongAsItLives() throws {
        let refusing = try RefusingPort()
        #expect(refusing.port > 0)
        #expect(throws: ClientError.connectFailed(ECONNREFUSED)) { try TestClient(port: refusing.port) }
        #expect(throws: ClientError.connectFailed(ECONNREFUSED)) { try TestClient(port: refusing.port) }
    }
}
