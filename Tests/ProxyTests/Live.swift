import Testing

/// The live suites of this module: a real retryd on 127.0.0.1 with in-process upstreams, grouped so that a filter
/// (`swift test --filter Live`) can run them apart from the pure ones. They run in parallel with everything else:
/// a bound on a duration in them sits seconds away from the failure it guards against, so a loaded machine cannot
/// fail them; exact timing is tested in the pure suites, with an injected clock.
@Suite enum Live {}
