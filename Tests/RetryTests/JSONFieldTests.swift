import Retry
import Testing

@Suite struct JSONFieldTests {
    private func value(_ path: String, _ json: String) -> String? {
        JSONField(path)!.value(in: Array(json.utf8))
    }

    @Test func nestedFieldsAndArrayIndices() {
        let body = #"{"requestId":"r-1","data":{"result":{"status":"RUNNING","n":3}},"items":[{"id":"a"},{"id":"b"}]}"#
        #expect(value("requestId", body) == "r-1")
        #expect(value("data.result.status", body) == "RUNNING")
        #expect(value("data.result.n", body) == "3")
        #expect(value("items.1.id", body) == "b")
        #expect(value("items.2.id", body) == nil)
    }

    @Test func scalarsKeepTheirJSONText() {
        let body = #"{"a": true, "b": null, "c": -1.5e3, "d": false}"#
        #expect(value("a", body) == "true")
        #expect(value("b", body) == "null")
        #expect(value("c", body) == "-1.5e3")
        #expect(value("d", body) == "false")
    }

    @Test func missingFieldsContainersAndNonJSONGiveNothing() {
        #expect(value("data.status", #"{"data":{}}"#) == nil)
        #expect(value("data", #"{"data":{"status":"x"}}"#) == nil, "an object is not a value")
        #expect(value("status", "<html>502 Bad Gateway</html>") == nil)
        #expect(value("status", "") == nil)
        #expect(value("status", #"["status"]"#) == nil)
        #expect(value("a", #"{"a": tru}"#) == nil)
        #expect(value("a", #"{"a": 01}"#) == nil)
    }

    @Test func escapesAreResolved() {
        #expect(value("k", #"{"k":"a\"b\\c\/d\u00e9\ud83d\ude00"}"#) == "a\"b\\c/dé😀")
        #expect(
            value("k\"", #"{"k\"":"quoted key"}"#) == "quoted key", "a path segment is compared with the decoded key")
        #expect(value("x", #"{"x":"\ud800"}"#) == "\u{FFFD}")
        #expect(value("x", "{\"x\":\"line\nbreak\"}") == nil, "raw control characters are not JSON")
    }

    @Test func theFieldIsFoundBeforeACutAndSkippedValuesAreWalkedNotTrusted() {
        // A body cut at 64 KiB still yields a field that came before the cut.
        let cut = #"{"requestId":"r-9","data":{"list":[1,2,3"#
        #expect(value("requestId", cut) == "r-9")
        #expect(value("n", #"{"n":12"#) == nil, "a number cut at the end may have lost digits")
        #expect(value("n", #"{"n":12}"#) == "12")
        #expect(value("data.other", cut) == nil)
        // A key inside a skipped string does not count.
        #expect(value("status", #"{"note":"\"status\":\"x\"","status":"y"}"#) == "y")
        // First of duplicate keys wins.
        #expect(value("a", #"{"a":"1","a":"2"}"#) == "1")
    }

    @Test func hugeAndDeepBodiesAreBounded() {
        let big = "{\"pad\":\"" + String(repeating: "x", count: 200_000) + "\",\"id\":\"end\"}"
        #expect(value("id", big) == "end")
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(value("a", "{\"x\":\(deep),\"a\":\"1\"}") == nil, "nesting past the limit counts as missing")
        let fine = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        #expect(value("a", "{\"x\":\(fine),\"a\":\"1\"}") == "1")
    }

    @Test func badPathsAreRefused() {
        #expect(JSONField("") == nil)
        #expect(JSONField("a..b") == nil)
        #expect(JSONField(".a") == nil)
        #expect(JSONField("a.b")?.segments == ["a", "b"])
    }
}
