import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `pushnote sync --watch` with `pad.transport: realtime`, against the fake realtime Etherpad.
///
/// A scripted browser types. The interval is an hour, so polling explains nothing.
@Suite(.serialized) struct SyncWatchLiveTests {
  /// The watch as a process, its output in files.
  struct Running {
    let process: Process
    let output: String
    let errors: String

    var stdout: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "" }

    /// Whether the process ended within a generous deadline.
    func ended() async -> Bool { await SyncWatchLiveTests.eventually { !process.isRunning } }
  }

  static func watch(_ setup: SyncCommandTests.Setup) throws -> Running {
    try "pad:\n  transport: realtime\n".write(toFile: setup.folder.appending("pushnote.yml"), atomically: true, encoding: .utf8)
    let running = Running(process: Process(), output: setup.folder.appending("watch.out"), errors: setup.folder.appending("watch.err"))
    for file in [running.output, running.errors] { _ = FileManager.default.createFile(atPath: file, contents: nil) }
    running.process.executableURL = URL(fileURLWithPath: Fixtures.builtExecutable("pushnote"))
    running.process.arguments = ["sync", "--notebook", setup.folder.path, setup.notePath, "--watch", "--interval", "3600"]
    running.process.environment = ProcessInfo.processInfo.environment.merging(setup.environment) { _, new in new }
    running.process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: running.output))
    running.process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: running.errors))
    try running.process.run()
    return running
  }

  static func eventually(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if await condition() { return true }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
  }

  /// The watch's first round made the pad, and its socket is open.
  static func started(_ setup: SyncCommandTests.Setup) async -> Bool {
    await eventually {
      let pad = await setup.pad(), sockets = await setup.server.socketCount
      return pad == setup.file() && sockets >= 1
    }
  }

  @Test func aTickInThePadReachesTheFileAndASaveReachesThePad() async throws {
    let setup = try await SyncCommandTests.Setup()
    let watch = try Self.watch(setup)
    defer { if watch.process.isRunning { kill(watch.process.processIdentifier, SIGKILL) } }
    #expect(await Self.started(setup), "\(watch.stderr)")
    let colleague = try await FakeBrowser(baseURL: setup.url, padID: "mkt-2026-12-01", name: "krupa")
    try await colleague.type { $0.replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage") }
    #expect(await Self.eventually { setup.file().contains("- [x] verify stage\n") }, "\(watch.stderr)")
    // An editor's save: a new file renamed over the note.
    let saved = setup.file().replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni")
    try saved.write(toFile: setup.notePath + ".swp", atomically: false, encoding: .utf8)
    #expect(rename(setup.notePath + ".swp", setup.notePath) == 0)
    #expect(await Self.eventually { (try? await colleague.text())?.contains("- [x] tag zamboni\n") == true }, "\(watch.stderr)")
    #expect(await setup.pad() == setup.file())
    #expect(await setup.server.count("setText") == 0)
    kill(watch.process.processIdentifier, SIGINT)
    #expect(await watch.ended())
    #expect(watch.process.terminationStatus == 0, "\(watch.stderr)")
    let lines = watch.stdout.split(separator: "\n")
    #expect(lines.contains { $0.contains("from the pad") }, "\(lines)")
    #expect(lines.contains { $0.contains("to the pad") }, "\(lines)")
    #expect(!lines.contains { $0.contains("in sync") }, "\(lines)")
    for line in lines {
      #expect(line.range(of: #"^\d\d:\d\d:\d\d P[SD]T "#, options: .regularExpression) != nil, "\(line)")
    }
    let log = try await ProcessRunner.run("git", ["log", "--format=%s"], workingDirectory: setup.folder.path)
    #expect(log.stdout.split(separator: "\n").count >= 3, "\(log.stdout)")
    await colleague.close()
  }

  @Test func aDeletedPadEndsTheWatchWithItsExitCode() async throws {
    let setup = try await SyncCommandTests.Setup()
    let watch = try Self.watch(setup)
    defer { if watch.process.isRunning { kill(watch.process.processIdentifier, SIGKILL) } }
    #expect(await Self.started(setup), "\(watch.stderr)")
    await setup.server.disconnectSockets(of: "mkt-2026-12-01", reason: "deleted")
    #expect(await watch.ended())
    #expect(watch.process.terminationStatus == ExitStatus.unavailable.rawValue, "\(watch.stderr)")
    #expect(watch.stderr.contains("mkt-2026-12-01 was deleted"), "\(watch.stderr)")
  }
}
