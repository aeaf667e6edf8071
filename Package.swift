// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: retryd -> Admin -> Proxy -> {Listener, Forwarder, Retry, HTTP1, Config}.
// HTTP1 and Retry are pure (no I/O, no clock, no randomness); only Listener imports CLinux,
// only Forwarder imports CCurl and only Redis imports CHiredis. Redis -> Listener: its hiredis socket
// and timers live on the same event loop. Nothing here may pull in SwiftNIO.
let package = Package(
    name: "retryd",
    products: [
        .executable(name: "retryd", targets: ["retryd"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
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
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(name: "HTTP1"),
        .target(name: "Retry"),
        .target(
            name: "Config",
            dependencies: ["Retry", "HTTP1", "TOMLKit"]
        ),
        .target(
            name: "Listener",
            dependencies: ["CLinux", "HTTP1"]
        ),
        .target(
            name: "Forwarder",
            dependencies: ["CCurl", "Listener", "HTTP1"]
        ),
        .target(
            name: "Redis",
            dependencies: ["CHiredis", "Listener"]
        ),
        .target(
            name: "Proxy",
            dependencies: [
                "Listener", "Forwarder", "Retry", "HTTP1", "Config",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Admin",
            dependencies: [
                "Listener", "HTTP1", "Proxy", "Config", "Retry",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "retryd",
            dependencies: [
                "Proxy", "Config", "Listener", "Service", "Admin", "Notify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Notify",
            dependencies: [
                "Forwarder", "Listener", "Retry", "Proxy", "Config", "HTTP1",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Service",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"]),
        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "RetryTests", dependencies: ["Retry"]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Retry"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "Listener"]),
        .testTarget(name: "ListenerTests", dependencies: ["Listener", "TestSupport"]),
        .testTarget(name: "ServiceTests", dependencies: ["Service", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "RetrydTests", dependencies: ["retryd", "Config", "Listener", "TestSupport"]),
        .testTarget(
            name: "AdminTests",
            dependencies: [
                "Admin", "Proxy", "Config", "Retry", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ProxyTests",
            dependencies: [
                "Proxy", "Forwarder", "Config", "Retry", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "NotifyTests",
            dependencies: [
                "Notify", "TestSupport", "Proxy", "Config", "Retry",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)
