// swift-tools-version: 6.1
import PackageDescription

// The data flows fetch → parse → store → tag → cluster/summarise → digest → publish; each stage is
// a target under Sources/ named after it, and only the stage that needs a C library imports it.
let package = Package(
    name: "ainews",
    products: [
        .executable(name: "ainews", targets: ["ainews"]),
        .executable(name: "ainewsd", targets: ["ainewsd"]),
        .library(name: "AINewsParse", targets: ["AINewsParse"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // C boundaries: only AINewsParse sees libxml2, only AINewsFetch sees libcurl and ISA-L.
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "CCurl",
            path: "Sources/CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // Decodes gzip and deflate response bodies (libcurl's own decoding goes through zlib).
        .systemLibrary(
            name: "CISAL",
            path: "Sources/CISAL",
            providers: [.apt(["libisal-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // ainewsd's allocator (see cjemalloc.c), and its call to give freed memory back.
        .target(
            name: "CJemalloc",
            path: "Sources/CJemalloc",
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),
        .target(name: "AINewsCore", path: "Sources/Core"),
        .target(
            name: "AINewsFetch",
            dependencies: ["AINewsCore", "CCurl", "CISAL"],
            path: "Sources/Fetch"
        ),
        .target(
            name: "AINewsParse",
            dependencies: ["AINewsCore", "CLibXML2"],
            path: "Sources/Parse",
            // The parser is a single-threaded state machine called back from C for every tag;
            // runtime exclusivity checks on its properties cost more than the parsing itself.
            // Static checking stays on.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        .target(
            name: "AINewsStore",
            dependencies: ["AINewsCore", "CSQLite"],
            path: "Sources/Store"
        ),
        .target(
            name: "AINewsSchedule",
            dependencies: ["AINewsCore"],
            path: "Sources/Schedule"
        ),
        .target(
            name: "AINewsTag",
            dependencies: ["AINewsCore"],
            path: "Sources/Tag"
        ),
        .target(
            name: "AINewsCluster",
            dependencies: ["AINewsTag"],
            path: "Sources/Cluster"
        ),
        .target(
            name: "AINewsSummarise",
            dependencies: ["AINewsTag", "AINewsFetch"],
            path: "Sources/Summarise"
        ),
        .target(
            name: "AINewsDigest",
            dependencies: [
                "AINewsCore", "AINewsParse", "AINewsStore", "AINewsTag", "AINewsCluster", "AINewsSummarise", "AINewsUpdate", "AINewsService",
            ],
            path: "Sources/Digest"
        ),
        .target(
            name: "AINewsPublish",
            dependencies: ["AINewsCore", "AINewsDigest", "AINewsStore", "AINewsFetch", "AINewsService", "CCurl"],
            path: "Sources/Publish"
        ),
        .target(
            name: "AINewsUpdate",
            dependencies: ["AINewsCore", "AINewsFetch", "AINewsParse", "AINewsStore", "AINewsSchedule", "AINewsTag"],
            path: "Sources/Update"
        ),
        .target(
            name: "AINewsService",
            dependencies: ["AINewsCore"],
            path: "Sources/Service"
        ),
        .executableTarget(
            name: "ainews",
            dependencies: [
                "AINewsCore", "AINewsParse", "AINewsFetch", "AINewsStore", "AINewsTag", "AINewsCluster", "AINewsDigest", "AINewsUpdate",
                "AINewsService", "AINewsPublish",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ainews"
        ),
        .executableTarget(
            name: "ainewsd",
            dependencies: [
                "AINewsCore", "AINewsFetch", "AINewsStore", "AINewsTag", "AINewsUpdate", "AINewsSchedule", "AINewsService", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/ainewsd"
        ),
        .executableTarget(
            name: "parse-benchmark",
            dependencies: ["AINewsParse"],
            path: "Benchmarks/ParseBenchmark"
        ),
        .executableTarget(
            name: "digest-benchmark",
            dependencies: ["AINewsCore", "AINewsDigest", "AINewsService", "AINewsStore", "AINewsTag"],
            path: "Benchmarks/DigestBenchmark"
        ),
        .executableTarget(
            name: "tag-benchmark",
            dependencies: ["AINewsCore", "AINewsParse", "AINewsTag"],
            path: "Benchmarks/TagBenchmark"
        ),
        .testTarget(
            name: "ScheduleTests",
            dependencies: ["AINewsSchedule", "AINewsCore"],
            path: "Tests/ScheduleTests"
        ),
        .testTarget(
            name: "UpdateTests",
            dependencies: ["AINewsUpdate", "AINewsFetch", "AINewsStore", "AINewsTag", "AINewsCore", "TestSupport"],
            path: "Tests/UpdateTests"
        ),
        .testTarget(
            name: "ServiceTests",
            dependencies: ["AINewsService", "TestSupport"],
            path: "Tests/ServiceTests"
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["AINewsStore", "AINewsCore", "AINewsParse", "TestSupport"],
            path: "Tests/StoreTests"
        ),
        .testTarget(
            name: "TagTests",
            dependencies: ["AINewsTag", "AINewsCore"],
            path: "Tests/TagTests"
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            exclude: ["test-server.py"]
        ),
        .testTarget(
            name: "DigestTests",
            dependencies: [
                "AINewsDigest", "AINewsCluster", "AINewsSummarise", "AINewsStore", "AINewsParse", "AINewsTag", "AINewsUpdate", "AINewsCore",
                "AINewsService", "AINewsFetch", "TestSupport",
            ],
            path: "Tests/DigestTests",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PublishTests",
            dependencies: ["AINewsPublish", "AINewsDigest", "AINewsStore", "AINewsCore", "TestSupport"],
            path: "Tests/PublishTests"
        ),
        .testTarget(
            name: "FetchTests",
            dependencies: ["AINewsFetch", "TestSupport"],
            path: "Tests/FetchTests"
        ),
        .testTarget(
            name: "ParseTests",
            dependencies: ["AINewsParse", "AINewsCore"],
            path: "Tests/ParseTests",
            exclude: ["Fixtures"]
        ),
    ]
)
