import Testing

/// The live suites that bound waits and timeouts, and the large streaming tests that would disturb them, run one
/// test at a time: on two busy cores a bound that holds alone can fail beside a 64 MiB transfer. The other live and
/// pure suites run in parallel with them.
@Suite(.serialized) enum Timing {}
