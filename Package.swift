// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way:
//   retryd -> {Config, Proxy, Admin, Notify, Service, Journal, TLS}   (the executable wires the modules together)
//   Config -> {Proxy, Admin, Notify, Listener, Forwarder, Journal, Redis, Admission, Loop, Retry, HTTP1, TOML, TLS}
//   Proxy -> {ExchangeCore, Listener, Forwarder, Admission, Redis, Events, Retry, HTTP1, TLS}
//   Admin -> {Listener, Events, Retry, HTTP1}       Notify -> {Forwarder, Journal, Events, Retry, HTTP1}
//   Service -> {Loop, Events, Retry, HTTP1}         Journal -> {CSQLite, Loop, Retry, Events} (its writer thread alone
//                                                    touches the disk)
//   Listener -> {ListenerCore, Loop, HTTP1}         Forwarder -> {Loop, CCurl, HTTP1, Retry}
//   TLS -> {COpenSSL, Loop, Listener} (the forward proxy's CA, minted leaves and TLS sessions on the loop)
//   Redis -> {Loop, CHiredis}                       Admission -> Retry          Events -> Retry       Loop -> CLinux
// The two pure state machines have modules of their own, so the compiler keeps I/O, clocks and syscalls out of them:
//   ExchangeCore -> {Admission, Retry, HTTP1} (one exchange)       ListenerCore -> HTTP1 (one client connection)
// Each module declares its own settings with their defaults (Proxy's UpstreamSettings and ProxyLimits, Admin's
// AdminSettings, Notify's NotifySettings, Listener's ServerLimits and ListenAddress, Journal's JournalPolicy, Redis's
// RedisURL); only Config reads the file and maps it onto them, and only the executable imports Config.
// HTTP1, Retry and TOML are pure (no I/O, no clock, no randomness) and depend on nothing of ours. TOML is our own
// TOML 1.0 parser: it gives every value its line, and imports no Foundation (TOMLKit brought Foundation and ICU).
// Only Loop imports CLinux, only TLS imports COpenSSL, only Forwarder imports CCurl, only Journal imports CSQLite and only Redis imports CHiredis
// (its socket and timers live on the same loop). Nothing here may pull in SwiftNIO.
let package = Package(
    name: "retryd",
    products: [
        .executable(name: "retryd", targets: ["retryd"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        .target(
            name: "CLinux",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            // No pkgConfig: sqlite3.pc adds -D_FILE_OFFSET_BITS=64, which SwiftPM refuses with a warning; the header
            // is in /usr/include and the module map links the library.
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "Journal",
            dependencies: ["CSQLite", "Loop", "Retry", "Events", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "HTTP1"),
        .target(name: "TOML"),
        .target(name: "Retry"),
        .target(name: "ExchangeCore", dependencies: ["Admission", "Retry", "HTTP1"]),
        .target(name: "Admission", dependencies: ["Retry"]),
        .target(
            name: "Config",
            dependencies: [
                "Retry", "HTTP1", "Listener", "Forwarder", "Admission", "Redis", "Journal", "Proxy", "Admin", "Notify",
                "TOML", "Loop", "TLS",
            ]
        ),
        .target(
            name: "Loop",
            dependencies: ["CLinux"]
        ),
        .target(name: "ListenerCore", dependencies: ["HTTP1"]),
        .target(name: "TLS", dependencies: ["COpenSSL", "Loop", "Listener"]),
        .target(
            name: "Listener",
            dependencies: ["Loop", "HTTP1", "ListenerCore"]
        ),
        .target(
            name: "Forwarder",
            dependencies: ["CCurl", "Loop", "HTTP1", "Retry"]
        ),
        .target(
            name: "Events",
            dependencies: ["Retry"]
        ),
        .target(
            name: "Redis",
            dependencies: ["CHiredis", "Loop"]
        ),
        .target(
            name: "Proxy",
            dependencies: [
                "Listener", "Loop", "Forwarder", "Retry", "HTTP1", "Events", "Admission", "Redis", "ExchangeCore",
                "TLS",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Admin",
            dependencies: [
                "Listener", "Loop", "HTTP1", "Events", "Retry",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "retryd",
            dependencies: [
                "Proxy", "Config", "Listener", "Forwarder", "Loop", "Service", "Admin", "Notify", "Events", "Journal",
                "TLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Notify",
            dependencies: [
                "Forwarder", "Loop", "Retry", "Events", "HTTP1", "Journal",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Service",
            dependencies: ["Loop", "Retry", "HTTP1", "Events", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "Loop", "Retry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "COpenSSL", "Loop", "TestSupport"]),
        .testTarget(name: "TOMLTests", dependencies: ["TOML"]),
        .testTarget(name: "JournalTests", dependencies: ["Journal", "Retry", "TestSupport"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "RetryTests", dependencies: ["Retry", "TestSupport"]),
        .testTarget(name: "AdmissionTests", dependencies: ["Admission", "Retry"]),
        .testTarget(name: "EventsTests", dependencies: ["Events", "Retry"]),
        .testTarget(
            name: "ConfigTests",
            dependencies: [
                "Config", "Retry", "Admission", "Redis", "Journal", "Listener", "Forwarder", "Proxy", "Admin", "Notify",
                "TOML", "TLS",
            ]),
        .testTarget(name: "LoopTests", dependencies: ["Loop", "TestSupport"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "Loop", "TestSupport"]),
        .testTarget(name: "ListenerTests", dependencies: ["Listener", "ListenerCore", "HTTP1", "Loop", "TestSupport"]),
        .testTarget(name: "ForwarderTests", dependencies: ["Forwarder", "CCurl", "Loop", "HTTP1", "TestSupport"]),
        .testTarget(name: "ExchangeCoreTests", dependencies: ["ExchangeCore", "HTTP1", "Retry", "TestSupport"]),
        .testTarget(
            name: "ServiceTests",
            dependencies: ["Service", "Events", "Loop", "Retry", .product(name: "Logging", package: "swift-log")]),
        .testTarget(
            name: "RetrydTests",
            dependencies: [
                "retryd", "Listener", "Loop", "Events", "Journal", "Retry", "TestSupport", "Proxy", "TLS", "Forwarder",
            ]),
        .testTarget(
            name: "AdminTests",
            dependencies: [
                "Admin", "Proxy", "Events", "Listener", "Forwarder", "Retry", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProxyTests",
            dependencies: [
                "Proxy", "Forwarder", "Listener", "Loop", "Events", "Retry", "Redis", "Admission", "TestSupport", "TLS",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NotifyTests",
            dependencies: [
                "Notify", "TestSupport", "Proxy", "Events", "Forwarder", "Listener", "Retry", "Journal",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

// Release builds drop the run-time exclusivity checks (`swift_beginAccess` on every class property and global
// access): 7.7% of the instructions of a proxied request under callgrind (235k -> 217k). The compile-time checks
// stay, and debug builds, which run the tests, keep the run-time ones.
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings =
        (target.swiftSettings ?? [])
        + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}
