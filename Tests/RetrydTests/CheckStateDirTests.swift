import Testing

@testable import retryd

/// How `check` walks up from a missing state_dir to the directory it would be created in.
@Suite struct CheckStateDirTests {
    @Test func parentsDropTheLastComponent() {
        #expect(Check.parent(of: "/var/lib/retryd/") == "/var/lib")
        #expect(Check.parent(of: "/var") == "/")
        #expect(Check.parent(of: "/") == "/")
        #expect(Check.parent(of: "state") == ".")
    }

    @Test func aMissingStateDirUnderAFileIsReported() {
        #expect(
            Check.stateDirProblem("/dev/null/retryd")
                == "cannot create state_dir /dev/null/retryd: /dev/null is not a directory")
    }
}
