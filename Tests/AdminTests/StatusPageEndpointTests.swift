import Admin
import Foundation
import TestSupport
import Testing

/// `GET /` on a live admin listener on 127.0.0.1, in front of a real proxy and upstream.
@Suite("Status page endpoint")
struct StatusPageEndpointTests {
    @Test("/ answers HTML that no cache keeps; HEAD announces its length; other methods and paths are as before")
    func answersHTML() throws {
        let harness = try AdminHarness(try TestUpstream(responses: [.respond(status: 200)]))
        let page = try harness.request("/")
        #expect(page.status == 200)
        #expect(page.header("Content-Type") == "text/html; charset=utf-8")
        #expect(page.header("Cache-Control") == "no-store")
        #expect(page.bodyString.hasPrefix("<!DOCTYPE html>"))
        #expect(page.bodyString.contains("<b>api</b>"))
        #expect(page.bodyString.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        #expect(page.bodyString.contains("no journal (no state_dir)"))
        #expect(try harness.request("/?refresh=0").bodyString.contains("http-equiv") == false)

        let head = try harness.request("/", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Type") == "text/html; charset=utf-8")
        #expect((Int(head.header("Content-Length") ?? "") ?? 0) > 1000)

        let post = try harness.request("/", method: "POST", body: Array("x".utf8))
        #expect(post.status == 405)
        #expect(post.header("Allow") == "GET, HEAD")
        let unknown = try harness.request("/index.html")
        #expect(unknown.status == 404)
        #expect(unknown.header("Content-Type") == "application/json")
        #expect(unknown.jsonObject?["error"] as? String == "not_found")
    }

    @Test("after failures the page shows the give-ups by reason, the open breaker, its transition and its refusals")
    func showsWhatHappened() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 503, text: "down")])
        let asked = LockedBox<[Int]>([])
        let hostileID = "<script>alert(1)</script>"
        let harness = try AdminHarness(
            upstream,
            configure: { upstream in
                upstream.retry.maxAttempts = 2
                upstream.retry.schedule = [.milliseconds(5)]
                upstream.breaker.minRequests = 4
                upstream.breaker.openFor = .seconds(30)
            },
            recentGiveUps: { limit in
                asked.mutate { $0.append(limit) }
                return .rows([
                    StatusPage.GiveUp(
                        time: Date().timeIntervalSince1970, upstream: "api", method: "GET", path: "/v1/jobs/3",
                        status: 503, reason: "attempts_exhausted", attempts: 2,
                        requestIDs: [(name: "X-Request-Id", value: hostileID)])
                ])
            })
        for index in 0..<4 { #expect(try harness.proxy("/v1/jobs/\(index)").status == 503) }
        #expect(try harness.proxy("/v1/jobs/fast").status == 503)

        let html = try harness.request("/").bodyString
        #expect(asked.value == [StatusPage.giveUpLimit])
        #expect(
            html.contains("<td>api</td><td><code>attempts_exhausted</code></td><td class=\"num\">4</td>"), "\(html)")
        #expect(html.contains("<span class=\"chip bad\">open</span>"))
        #expect(html.contains("4 of 4 failed, open for 30s"))
        #expect(html.contains("1 refused"))
        #expect(html.contains("<td class=\"num\">5</td>"), "five requests answered")
        #expect(html.contains("<code>X-Request-Id: &lt;script&gt;alert(1)&lt;/script&gt;</code>"))
        #expect(!html.contains(hostileID))
        // The journal was read off the loop; the loop still serves.
        #expect(try harness.request("/healthz").status == 200)
    }
}

/// What `/status` says of each quota bucket's pacing, which the page shows in its quota table.
@Suite("Quota pacing in /status")
struct QuotaPacingStatusTests {
    static func bucket(_ harness: AdminHarness) throws -> [String: Any] {
        let status = try #require(try harness.request("/status").jsonObject)
        let api = try #require((status["upstreams"] as? [[String: Any]])?.first)
        return try #require((api["quota"] as? [[String: Any]])?.first)
    }

    @Test("on once the vendor reports its quota, with the window's limit and what is left")
    func reported() throws {
        let quota = [("RateLimit-Limit", "100"), ("RateLimit-Remaining", "42"), ("RateLimit-Reset", "30")]
        let upstream = try TestUpstream(responses: [.respond(status: 200, headers: quota)])
        let harness = try AdminHarness(upstream)
        #expect(try harness.proxy("/v1/jobs").status == 200)
        let bucket = try Self.bucket(harness)
        #expect(bucket["pace"] as? String == "on")
        #expect(bucket["window_limit"] as? Int == 100)
        #expect(bucket["quota_left"] as? Int == 42)
    }

    @Test("no_headers when a success carries no quota, off when pacing is turned off")
    func unreportedAndOff() throws {
        let upstream = try TestUpstream(responses: [.respond(status: 200)])
        let silent = try AdminHarness(upstream)
        #expect(try silent.proxy("/v1/jobs").status == 200)
        #expect(try Self.bucket(silent)["pace"] as? String == "no_headers")
        let off = try AdminHarness(upstream) { $0.quota.pace = false }
        #expect(try off.proxy("/v1/jobs").status == 200)
        #expect(try Self.bucket(off)["pace"] as? String == "off")
    }
}
