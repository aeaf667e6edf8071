import HTTP1
import Testing

@Suite struct HTTPHeadersTests {
    @Test func lookupsIgnoreCaseAndKeepOrder() {
        let headers: HTTPHeaders = [("Accept", "a"), ("X-Id", "1"), ("accept", "b")]
        #expect(headers.count == 3)
        #expect(headers["ACCEPT"] == ["a", "b"])
        #expect(headers.first(name: "accept") == "a")
        #expect(headers.contains(name: "x-id"))
        #expect(!headers.contains(name: "x-i"))
        #expect(headers.first(name: "missing") == nil)
        #expect(headers.map(\.name) == ["Accept", "X-Id", "accept"])
    }

    @Test func addRemoveReplace() {
        var headers = HTTPHeaders([("A", "1"), ("B", "2"), ("a", "3"), ("C", "4")])
        headers.replaceOrAdd(name: "a", value: "new")
        #expect(headers == [("A", "new"), ("B", "2"), ("C", "4")])
        headers.replaceOrAdd(name: "D", value: "5")
        #expect(headers == [("A", "new"), ("B", "2"), ("C", "4"), ("D", "5")])
        headers.add(name: "b", value: "6")
        headers.remove(name: "B")
        #expect(headers == [("A", "new"), ("C", "4"), ("D", "5")])
    }

    @Test func equalityIsExactAndOrdered() {
        let one: HTTPHeaders = [("A", "1"), ("B", "2")]
        #expect(one == HTTPHeaders([("A", "1"), ("B", "2")]))
        #expect(one != [("B", "2"), ("A", "1")])
        #expect(one != [("a", "1"), ("B", "2")])
        #expect(HTTPHeaders() == [])
    }

    @Test func removingHopByHopDropsFixedAndNominatedFields() {
        let headers: HTTPHeaders = [
            ("Host", "a"), ("Connection", "keep-alive, X-Secret , Upgrade"), ("connection", "x-other"),
            ("X-Secret", "s"), ("X-OTHER", "o"), ("Keep-Alive", "timeout=5"), ("Proxy-Connection", "close"),
            ("TE", "trailers"), ("Transfer-Encoding", "chunked"), ("Upgrade", "h2c"), ("Proxy-Authorization", "x"),
            ("Authorization", "Bearer t"), ("X-Keep", "k"),
        ]
        #expect(headers.removingHopByHop() == [("Host", "a"), ("Authorization", "Bearer t"), ("X-Keep", "k")])
    }

    @Test func aConnectionHeaderOfOnlyKeepAliveOrCloseDropsOnlyTheFixedList() {
        let headers: HTTPHeaders = [
            ("Server", "nginx"), ("CONNECTION", "Keep-Alive"), ("Content-Type", "application/json"),
            ("connection", "close"), ("Keep-Alive", "timeout=5"), ("Close", "nominated by the close option"),
            ("X-Close", "x"),
        ]
        #expect(
            headers.removingHopByHop() == [("Server", "nginx"), ("Content-Type", "application/json"), ("X-Close", "x")])
    }

    @Test func removingHopByHopKeepsFieldsWhoseNameOnlyResemblesANominatedOne() {
        let headers: HTTPHeaders = [
            ("Connection", "x-secret"), ("X-Secrets", "1"), ("X-Secre", "2"), ("x-SECRET", "3"),
        ]
        #expect(headers.removingHopByHop() == [("X-Secrets", "1"), ("X-Secre", "2")])
    }
}
