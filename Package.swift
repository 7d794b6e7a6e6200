// swift-tools-version:6.2
import PackageDescription

// Products of the dependencies, named once.
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let yams: Target.Dependency = .product(name: "Yams", package: "Yams")
let mustache: Target.Dependency = .product(name: "Mustache", package: "swift-mustache")
let subprocess: Target.Dependency = .product(name: "Subprocess", package: "swift-subprocess")
// Tests only: the in-process HTTP server behind the fake Etherpad and Jenkins.
let flyingFox: Target.Dependency = .product(name: "FlyingFox", package: "FlyingFox")

let package = Package(
  name: "pushnote",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "pushnote", targets: ["pushnote"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
  ],
  targets: [
    // All C interop lives in this one target; only Markdown/CommonMarkConverter.swift imports it.
    .systemLibrary(name: "CCmark", pkgConfig: "libcmark", providers: [.apt(["libcmark-dev"])]),
    // TLS for every socket client (SMTP, IRC, the realtime pad); only Support/Network/TCPConnection.swift imports it.
    // Not linked: libssl is loaded on the first handshake (see its shim.h), so it needs no pkg-config libs.
    .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
    .target(name: "PushnoteCore", dependencies: ["CCmark", "COpenSSL", logging, yams, mustache, subprocess]),
    .executableTarget(name: "pushnote", dependencies: ["PushnoteCore", argumentParser, logging]),
    // Fixtures and fake servers shared by the test targets and the benchmarks.
    .target(name: "PushnoteTestSupport", dependencies: ["PushnoteCore", flyingFox]),
    .executableTarget(
      name: "pushnote-bench",
      dependencies: ["PushnoteCore", "PushnoteTestSupport", argumentParser],
      path: "Benchmarks/pushnote-bench"
    ),
    .testTarget(name: "PushnoteCoreTests", dependencies: ["PushnoteCore", "PushnoteTestSupport"]),
    .testTarget(name: "pushnoteTests", dependencies: ["pushnote", "PushnoteCore", "PushnoteTestSupport"]),
  ]
)
