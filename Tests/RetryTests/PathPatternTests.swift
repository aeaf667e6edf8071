import Retry
import Testing

@Suite struct PathPatternTests {
    @Test func literalMatchesOnlyItself() {
        let pattern = PathPattern("/v1/jobs")
        #expect(pattern.matches("/v1/jobs"))
        #expect(!pattern.matches("/v1/jobs/1"))
        #expect(!pattern.matches("/v1/job"))
        #expect(!pattern.matches("/V1/jobs"))
    }

    @Test func starStaysWithinOneSegment() {
        let pattern = PathPattern("/v1/jobs/*/status")
        #expect(pattern.matches("/v1/jobs/42/status"))
        #expect(pattern.matches("/v1/jobs//status"))
        #expect(!pattern.matches("/v1/jobs/42/43/status"))
        #expect(PathPattern("/v1/*.json").matches("/v1/report.json"))
        #expect(!PathPattern("/v1/*.json").matches("/v1/a/report.json"))
    }

    @Test func doubleStarCrossesSegments() {
        let pattern = PathPattern("/v1/**")
        #expect(pattern.matches("/v1/"))
        #expect(pattern.matches("/v1/jobs/42/status"))
        #expect(!pattern.matches("/v1"))
        #expect(!pattern.matches("/v2/jobs"))
        #expect(PathPattern("/**/status").matches("/v1/jobs/42/status"))
        #expect(PathPattern("**").matches("/anything/at/all"))
        #expect(PathPattern("/a/***").matches("/a/b/c"))
    }

    @Test func queryAndFragmentAreIgnored() {
        #expect(PathPattern("/v1/jobs").matches("/v1/jobs?page=2"))
        #expect(PathPattern("/v1/*").matches("/v1/jobs?next=/v1/x/y"))
        #expect(PathPattern("/v1/jobs").matches("/v1/jobs#top"))
    }

    @Test func pathologicalPatternFinishesQuickly() {
        let pattern = PathPattern(String(repeating: "*a", count: 40) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 4_000)))
        #expect(pattern.matches(String(repeating: "a", count: 4_000) + "b"))
    }

    @Test func patternsCompareByGlob() {
        #expect(PathPattern("/v1/*") == PathPattern("/v1/*"))
        #expect(PathPattern("/v1/*") != PathPattern("/v1/**"))
    }
}
