// swift-tools-version: 6.2
// libFuzzer targets for every parser of outside input and for the normaliser and scorer. Built and run by
// scripts/fuzz.sh (swift build -Xswiftc -sanitize=fuzzer,address); not part of the main build.
import PackageDescription

let fuzzTargets = [
    "FuzzCSL", "FuzzOFAC", "FuzzOFACXML", "FuzzDPL", "FuzzOtherLists", "FuzzZip", "FuzzPartyCSV", "FuzzTransaction",
    "FuzzScreen",
]

let package = Package(
    name: "VetterFuzz",
    dependencies: [.package(name: "Vetter", path: "..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "VetterLists", package: "Vetter"), .product(name: "VetterMatch", package: "Vetter"),
                .product(name: "VetterRules", package: "Vetter"),
            ])
    ]
        + fuzzTargets.map { name in
            .executableTarget(
                name: name,
                dependencies: [
                    "FuzzSupport", .product(name: "VetterLists", package: "Vetter"),
                    .product(name: "VetterMatch", package: "Vetter"), .product(name: "VetterRules", package: "Vetter"),
                ])
        }
)
