// swift-tools-version: 6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Vetter",
    products: [
        .executable(name: "vetter", targets: ["vetter"]),
        .library(name: "VetterService", targets: ["VetterService"]),
        // The readers and the matcher on their own: what the fuzz targets in Fuzz/ drive.
        .library(name: "VetterLists", targets: ["VetterLists"]),
        .library(name: "VetterMatch", targets: ["VetterMatch"]),
        .library(name: "VetterRules", targets: ["VetterRules"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Already built for Hummingbird; named here for the server's index follower service and its metrics.
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.4.1"),
        // Small (no dependency beyond swift-metrics and swift-atomics): the Prometheus text for /metrics.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        // The PostgreSQL store's wire protocol client (no ORM); swift-nio-ssl and swift-log come with it and are
        // named for its TLS settings and its logger.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
        .target(name: "VetterCore", swiftSettings: swiftSettings),
        .target(name: "VetterLists", dependencies: ["VetterCore", "CZlib"], swiftSettings: swiftSettings),
        .target(
            name: "VetterMatch", dependencies: ["VetterCore"], resources: [.copy("Resources/cedict-names.tsv")],
            swiftSettings: swiftSettings),
        .target(name: "VetterRules", dependencies: ["VetterCore", "VetterMatch"], swiftSettings: swiftSettings),
        // Ownership chains: OFAC's 50 percent rule and BIS's Affiliates rule over the user's ownership data.
        .target(name: "VetterOwnership", dependencies: ["VetterCore", "VetterLists"], swiftSettings: swiftSettings),
        .target(
            name: "VetterStore",
            dependencies: ["VetterCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL store: the same ``Store`` on a database several servers share.
        .target(
            name: "VetterPostgres",
            dependencies: [
                "VetterCore", "VetterStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "VetterService",
            dependencies: [
                "VetterCore", "VetterLists", "VetterMatch", "VetterRules", "VetterOwnership", "VetterStore",
                "VetterPostgres",
            ],
            resources: [.copy("Resources/csl-2022-05.csv.gz")],
            swiftSettings: swiftSettings
        ),
        // The CLI and the server reach the store and the readers only through VetterService: neither may depend
        // on VetterStore or VetterLists.
        .target(
            name: "VetterServer",
            dependencies: [
                "VetterCore", "VetterMatch", "VetterRules", "VetterService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.process("Resources")],
            swiftSettings: swiftSettings
        ),
        .target(name: "VetterTesting", dependencies: ["VetterCore", "VetterLists"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "vetter",
            dependencies: [
                "VetterCore", "VetterMatch", "VetterRules", "VetterOwnership", "VetterService", "VetterServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "VetterCoreTests", dependencies: ["VetterCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VetterOwnershipTests", dependencies: ["VetterCore", "VetterOwnership"], swiftSettings: swiftSettings),
        .testTarget(
            name: "VetterListsTests", dependencies: ["VetterCore", "VetterLists", "VetterTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VetterMatchTests",
            dependencies: ["VetterCore", "VetterLists", "VetterMatch", "VetterService", "VetterTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VetterStoreTests",
            dependencies: [
                "VetterCore", "VetterLists", "VetterMatch", "VetterOwnership", "VetterStore", "VetterPostgres",
                "VetterService", "VetterTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VetterRulesTests",
            dependencies: [
                "VetterCore", "VetterLists", "VetterMatch", "VetterRules", "VetterService", "VetterTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VetterMonitoringTests",
            dependencies: [
                "VetterCore", "VetterLists", "VetterMatch", "VetterStore", "VetterPostgres", "VetterService",
                "VetterTesting",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VetterServerTests",
            dependencies: [
                "VetterCore", "VetterServer", "VetterService", "VetterTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "VetterCLITests", dependencies: ["vetter", "VetterTesting"], swiftSettings: swiftSettings
        ),
    ]
)
