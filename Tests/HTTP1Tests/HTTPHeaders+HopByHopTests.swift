import Testing

@testable import HTTP1

@Suite struct HopByHopNameTests {
    @Test func recognisesEveryListedNameInAnyCase() {
        for name in HTTPHeaders.hopByHopNames {
            #expect(HTTPHeaders.isHopByHop(name))
            #expect(HTTPHeaders.isHopByHop(name.uppercased()))
        }
    }

    @Test(arguments: ["tf", "upgrades", "connectio", "keep-alivE2", "proxy-authorizatio", "host", ""])
    func turnsAwayOtherNames(name: String) {
        #expect(!HTTPHeaders.isHopByHop(name))
    }
}

@Suite struct RelayedFieldsTests {
    /// What the one pass must equal: the end-to-end fields, then the replacement applied the two-step way.
    private func twoSteps(_ headers: HTTPHeaders, name: String, value: String) -> HTTPHeaders {
        var expected = headers.removingHopByHop()
        expected.replaceOrAdd(name: name, value: value)
        return expected
    }

    @Test(arguments: [
        [("Content-Type", "text/plain"), ("Connection", "keep-alive"), ("Content-Length", "2")],
        [("x-retryd-attempts", "9"), ("A", "1"), ("X-Retryd-Attempts", "8")],
        [("Connection", "X-Retryd-Attempts, close"), ("X-Retryd-Attempts", "7"), ("close", "1"), ("B", "2")],
        [("Transfer-Encoding", "chunked"), ("Keep-Alive", "timeout=5"), ("C", "3")],
        [],
    ])
    func settingMatchesRemovingThenReplacing(fields: [(String, String)]) {
        let headers = HTTPHeaders(fields)
        let relayed = headers.removingHopByHop(setting: "X-Retryd-Attempts", to: "2")
        #expect(relayed == twoSteps(headers, name: "X-Retryd-Attempts", value: "2"))
        #expect(relayed["x-retryd-attempts"] == ["2"])
    }

    @Test func firstMatchKeepsItsPlaceAndSpelling() {
        let headers: HTTPHeaders = [("A", "1"), ("x-retryd-attempts", "5"), ("B", "2"), ("X-RETRYD-ATTEMPTS", "6")]
        let relayed = headers.removingHopByHop(setting: "X-Retryd-Attempts", to: "3")
        #expect(relayed == [("A", "1"), ("x-retryd-attempts", "3"), ("B", "2")])
    }

    @Test func fieldListHoldsTheFieldsInOrder() {
        let headers: HTTPHeaders = [("A", "1"), ("b", "2"), ("A", "3")]
        #expect(headers.fieldList.map { "\($0.name)=\($0.value)" } == ["A=1", "b=2", "A=3"])
    }
}
