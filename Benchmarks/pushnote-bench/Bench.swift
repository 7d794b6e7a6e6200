import ArgumentParser
import Foundation
import PushnoteTestSupport

/// Benchmarks that report pushnote's speed as ratios to a reference measured in the same run.
@main
struct Bench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pushnote-bench",
    abstract: "Measure pushnote against a reference tool on the same input, in one run.",
    subcommands: [
      ParseBenchmark.self,
      StatsBenchmark.self,
      MailBenchmark.self,
      TagBenchmark.self,
      StageBenchmark.self,
      SyncBenchmark.self,
      ChatBenchmark.self,
      CommandsBenchmark.self,
    ]
  )
}

extension Bench {
  /// The release `pushnote` beside this (release) bench executable, built first when missing.
  static func releasePushnote() throws -> String {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    let binary = folder.appendingPathComponent("pushnote").path
    if !FileManager.default.isExecutableFile(atPath: binary) {
      let command = ["build", "-c", "release", "--product", "pushnote"]
      print("building the release pushnote: swift \(command.joined(separator: " "))")
      let result = try ProcessRunner.runSynchronously("swift", command, workingDirectory: Fixtures.projectRoot, timeout: 1800)
      guard result.status == 0, FileManager.default.isExecutableFile(atPath: binary) else {
        throw ValidationError("could not build pushnote (run `swift \(command.joined(separator: " "))`): \(result.stderr)")
      }
    }
    return binary
  }

  /// A path as seen from the package root (no absolute path of this machine in the output).
  static func relativeToPackage(_ path: String) -> String {
    let root = URL(fileURLWithPath: Fixtures.projectRoot).resolvingSymlinksInPath().path + "/"
    return path.hasPrefix(root) ? String(path.dropFirst(root.count)) : (path as NSString).lastPathComponent
  }

  /// Writes benchmark input (not a user's file, so no fsync).
  static func write(_ bytes: [UInt8], to path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw ValidationError("cannot write \(path)") }
  }

  /// Makes `root` a git repository with everything in it committed, as a notebook is.
  static func gitCommitAll(in root: String) throws {
    for arguments in [
      ["init", "-q", "-b", "main"], ["config", "user.name", "Bench"], ["config", "user.email", "b@example.org"],
      ["add", "-A"], ["commit", "-qm", "note"],
    ] {
      let result = try ProcessRunner.runSynchronously("git", arguments, workingDirectory: root)
      guard result.status == 0 else { throw ValidationError("git \(arguments.joined(separator: " ")) failed: \(result.stderr)") }
    }
  }
}
