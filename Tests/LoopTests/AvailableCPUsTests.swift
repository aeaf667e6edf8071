import Testing

@testable import Loop

/// What `workers` defaults to: the affinity mask, lowered to a cgroup's CPU quota.
@Suite("Available CPUs")
struct AvailableCPUsTests {
    @Test(
        arguments: [
            ("max 100000\n", nil),
            ("100000 100000\n", 1),
            ("150000 100000\n", 2),
            ("50000 100000", 1),
            ("400000 100000\n", 4),
            ("", nil),
            ("garbage", nil),
            ("0 100000", nil),
        ] as [(String, Int?)])
    func quotaFromCPUMax(line: String, expected: Int?) {
        #expect(Sys.cpuQuota(cpuMax: line) == expected)
    }

    @Test func withoutAQuotaFileTheAffinityMaskCounts() {
        let unlimited = Sys.availableCPUs(cpuMaxPath: "/nonexistent/cpu.max")
        #expect(unlimited >= 1)
        #expect(Sys.availableCPUs(cpuMaxPath: "/dev/null") == unlimited, "an empty file is no quota")
    }
}
