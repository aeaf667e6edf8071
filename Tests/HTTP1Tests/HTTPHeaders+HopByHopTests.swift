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
