import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `pushnote sync` binary killed with SIGKILL at every step and at random moments,
/// then run again against a healthy fake Etherpad: nothing lost, nothing duplicated, converged.
@Suite(.serialized) struct SyncCommandTests {
  static let note = "# Push\n\n## Monday\n\n- [ ] tag zamboni\n\n## Friday\n\n- [ ] verify stage\n"

  /// A notebook with a note in git, and the fake server.
  struct Setup {
    let folder: TemporaryDirectory
    let server: FakeEtherpad
    let url: String
    var notePath: String { folder.appending("2026/mkt-2026-12-01.md") }

    /// A notebook syncing over `transport` (`pad.transport`; these tests check the HTTP API's
    /// guarded write unless they say otherwise).
    init(auth: FakeEtherpad.Auth = .apiKey("cli-key"), transport: NotebookConfig.PadConfig.Transport = .api) async throws {
      folder = try TemporaryDirectory(prefix: "pushnote-sync-cli")
      server = FakeEtherpad(auth: auth)
      url = try await server.start()
      #expect(url.hasPrefix("http://127.0.0.1:"))
      try FileManager.default.createDirectory(atPath: folder.appending("2026"), withIntermediateDirectories: true)
      try SyncCommandTests.note.write(toFile: notePath, atomically: true, encoding: .utf8)
      try "pad:\n  transport: \(transport.rawValue)\n".write(toFile: folder.appending("pushnote.yml"), atomically: true, encoding: .utf8)
      for arguments in [
        ["init", "-q", "-b", "main"], ["config", "user.name", "T"], ["config", "user.email", "t@example.org"],
        ["add", "-A"], ["commit", "-qm", "note"],
      ] {
        let directory = folder.path
        _ = try await ProcessRunner.run("git", arguments, workingDirectory: directory)
      }
    }

    var environment: [String: String] {
      [
        "PUSHNOTE_PAD_URL": url, "PUSHNOTE_PAD_APIKEY": "cli-key", "PUSHNOTE_PAD_TIMEOUT": "30", "PUSHNOTE_PAD_BACKOFF": "0.01",
        "HOME": folder.path,
      ]
    }

    /// Runs `pushnote sync` off the cooperative pool (the fake server needs it meanwhile).
    func sync(_ extra: [String: String] = [:], arguments: [String] = []) async throws -> ProcessRunner.Result {
      let binary = Fixtures.builtExecutable("pushnote")
      var environment = self.environment
      for (key, value) in extra { environment[key] = value }
      let args = ["sync", "--notebook", folder.path, notePath] + arguments
      let env = environment
      return try await ProcessRunner.run(binary, args, environment: env)
    }

    func file() -> String { (try? String(contentsOfFile: notePath, encoding: .utf8)) ?? "" }
    func pad() async -> String? { await server.pads["mkt-2026-12-01"]?.text }
  }

  @Test func oauthTokenIsCachedOutsideTheNotebook() async throws {
    let secret = "cli-secret-\(UUID().uuidString)"
    let setup = try await Setup(auth: .clientCredentials(id: "cli", secret: secret))
    let cache = try TemporaryDirectory(prefix: "pushnote-sync-cli-cache")
    let oauth = [
      "PUSHNOTE_PAD_APIKEY": "", "PUSHNOTE_PAD_CLIENT_ID": "cli", "PUSHNOTE_PAD_CLIENT_SECRET": secret,
      "PUSHNOTE_CACHE_DIR": cache.appending("tokens"),
    ]
    let first = try await setup.sync(oauth)
    #expect(first.status == 0, "\(first.stderr)")
    let second = try await setup.sync(oauth, arguments: ["--json"])
    #expect(second.status == 0 && second.stdout.contains("\"requests\" : 1"), "\(second.stdout)")
    #expect(await setup.server.count("token") == 1)
    let files = try FileManager.default.contentsOfDirectory(atPath: cache.appending("tokens"))
    #expect(files.count == 1 && files.allSatisfy { $0.hasPrefix("token-") })
    for file in files {
      let path = cache.appending("tokens/\(file)")
      #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
      #expect(try !String(contentsOfFile: path, encoding: .utf8).contains(secret))
    }
  }

  @Test func exitCodesAndJSON() async throws {
    let setup = try await Setup()
    let first = try await setup.sync(arguments: ["--json"])
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.stdout.contains("\"outcome\" : \"synced\""))
    JSONShapes.check(first.stdout, documentedAs: "pushnote sync --json")
    #expect(await setup.pad() == setup.file())
    let bad = try await setup.sync(["PUSHNOTE_PAD_APIKEY": "BAD-KEY-4711"])
    #expect(bad.status == 77 && !bad.stderr.contains("BAD-KEY-4711"))
    try (setup.file().replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni LOCAL")).write(
      toFile: setup.notePath, atomically: true, encoding: .utf8)
    await setup.server.colleagueSets(
      "mkt-2026-12-01", SyncCommandTests.note.replacingOccurrences(of: "- [ ] tag zamboni", with: "- [-] PAD"))
    let conflict = try await setup.sync()
    #expect(conflict.status == 1 && setup.file().contains("<<<<<<< local"))
    let dry = try await setup.sync(arguments: ["--dry-run"])
    #expect(dry.status == 0 && dry.stdout.contains("dry run"))
    let unconfigured = try await setup.sync(["PUSHNOTE_PAD_URL": ""])
    #expect(unconfigured.status == 78 && unconfigured.stderr.contains("no pad server"))
    var bytes = Array(SyncCommandTests.note.utf8)
    bytes.insert(0xC3, at: 3)
    FileManager.default.createFile(atPath: setup.notePath, contents: Data(bytes))
    let invalid = try await setup.sync()
    #expect(invalid.status == 65 && invalid.stderr.contains("offset 3"))
    try SyncCommandTests.note.write(toFile: setup.notePath, atomically: true, encoding: .utf8)
    await setup.server.stop()
    #expect(try await setup.sync().status == 75)
  }

  /// git's identity is asked for right before the first write or commit: without one a sync that
  /// would create the pad or push an edit stops with 78 and nothing changed, and a sync with
  /// nothing to do works (and runs no git).
  @Test func identityIsNeededOnlyForASyncThatWrites() async throws {
    let setup = try await Setup()
    let identityless = try NoGitIdentity()
    let nobody = identityless.environment
    let git = Git(directory: setup.folder.path)
    func forget() async throws { for key in ["user.name", "user.email"] { try await git.run(["config", "--unset", key]) } }
    let head = try await git.run(["rev-parse", "HEAD"])
    try await forget()

    let unknown = try await setup.sync(nobody)
    #expect(unknown.status == 78 && unknown.stderr.contains("git config --global user.email"), "\(unknown.stderr)")
    #expect(await setup.pad() == nil && setup.file() == SyncCommandTests.note)
    try await git.run(["config", "user.name", "T"])
    try await git.run(["config", "user.email", "t@example.org"])
    #expect(try await setup.sync().status == 0)
    try await forget()

    let idle = try await setup.sync(nobody, arguments: ["--json"])
    #expect(idle.status == 0 && idle.stdout.contains("\"outcome\" : \"unchanged\"") && idle.stdout.contains("\"requests\" : 1"))
    let edited = SyncCommandTests.note.replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni")
    try edited.write(toFile: setup.notePath, atomically: true, encoding: .utf8)
    let pushing = try await setup.sync(nobody)
    #expect(pushing.status == 78 && pushing.stderr.contains("nothing was changed"), "\(pushing.stderr)")
    #expect(await setup.pad() == SyncCommandTests.note && setup.file() == edited)
    #expect(try await git.run(["rev-list", "--count", "\(head.trimmingCharacters(in: .newlines))..HEAD"]) == "1\n")
  }

  /// Kills at each step boundary, with edits on both sides, then runs again.
  @Test(arguments: [
    "after-revision", "after-read", "after-merge", "after-guard", "after-record", "after-push", "after-write", "after-base",
    "after-commit",
  ])
  func killedAtAStepThenConverges(step: String) async throws {
    let setup = try await Setup()
    #expect(try await setup.sync().status == 0)
    try setup.file().replacingOccurrences(of: "- [ ] tag zamboni", with: "- [ ] tag zamboni\n- [ ] LOCAL-TOKEN").write(
      toFile: setup.notePath, atomically: true, encoding: .utf8)
    let pad = await setup.pad() ?? ""
    await setup.server.colleagueSets(
      "mkt-2026-12-01", pad.replacingOccurrences(of: "- [ ] verify stage", with: "- [ ] verify stage\n- [ ] PAD-TOKEN"))
    let killed = try await setup.sync(["PUSHNOTE_SYNC_CRASH_AT": step])
    #expect(killed.status == 128 + SIGKILL, "\(step): \(killed.stderr)")
    try await Self.checkConverged(setup, context: step)
  }

  /// A colleague's edit lands between the read and the write, and the sync is killed before it
  /// could check: the next sync finds the write in the pad's history and merges the edit again.
  @Test func killedRightAfterAWriteThatOverwroteAColleagueThenRepairs() async throws {
    let setup = try await Setup()
    #expect(try await setup.sync().status == 0)
    try setup.file().replacingOccurrences(of: "- [ ] tag zamboni", with: "- [ ] tag zamboni\n- [ ] LOCAL-TOKEN").write(
      toFile: setup.notePath, atomically: true, encoding: .utf8)
    await setup.server.inject(
      .colleagueEdit { $0.replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage\n- [ ] PAD-TOKEN") }, into: "setText")
    let killed = try await setup.sync(["PUSHNOTE_SYNC_CRASH_AT": "after-push"])
    #expect(killed.status == 128 + SIGKILL, "\(killed.stderr)")
    #expect(await setup.pad()?.contains("PAD-TOKEN") == false)
    try await Self.checkConverged(setup, context: "killed after an overwriting write")
    #expect(setup.file().contains("- [x] verify stage\n"))
  }

  /// Kills at random moments (seeded, slow server to widen the windows), then runs again.
  @Test func killedAtRandomMomentsThenConverges() async throws {
    let replay = ProcessInfo.processInfo.environment["PUSHNOTE_KILL_SEED"].flatMap(UInt64.init)
    let seed = replay ?? UInt64.random(in: 1...UInt64(UInt32.max))
    print("killedAtRandomMoments seed \(seed) (replay with PUSHNOTE_KILL_SEED=\(seed))")
    var state = seed
    for round in 0..<8 {
      let setup = try await Setup()
      #expect(try await setup.sync().status == 0)
      try setup.file().replacingOccurrences(of: "- [ ] tag zamboni", with: "- [ ] tag zamboni\n- [ ] LOCAL-TOKEN").write(
        toFile: setup.notePath, atomically: true, encoding: .utf8)
      let pad = await setup.pad() ?? ""
      await setup.server.colleagueSets(
        "mkt-2026-12-01", pad.replacingOccurrences(of: "- [ ] verify stage", with: "- [ ] verify stage\n- [ ] PAD-TOKEN"))
      for function in ["getRevisionsCount", "getText", "setText"] { await setup.server.inject(.delay(0.05), into: function) }
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let delay = Double((state >> 40) % 400) / 1000
      let process = Process()
      process.executableURL = URL(fileURLWithPath: Fixtures.builtExecutable("pushnote"))
      process.arguments = ["sync", "--notebook", setup.folder.path, setup.notePath]
      process.environment = ProcessInfo.processInfo.environment.merging(setup.environment) { _, new in new }
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      try process.run()
      try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
      kill(process.processIdentifier, SIGKILL)
      try await Self.offPool { process.waitUntilExit() }
      try await Self.checkConverged(setup, context: "seed \(seed) round \(round)")
    }
  }

  /// Runs blocking work on a Dispatch thread, leaving the cooperative pool to the fake server.
  static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
  }

  static func checkConverged(_ setup: Setup, context: String) async throws {
    let again = try await setup.sync()
    #expect(again.status == 0, "\(context): \(again.stderr)")
    let file = setup.file(), pad = await setup.pad() ?? ""
    #expect(file == pad, "\(context)")
    for token in ["LOCAL-TOKEN", "PAD-TOKEN", "tag zamboni", "verify stage"] {
      #expect(file.components(separatedBy: token).count == 2, "\(context): \(token) lost or duplicated")
    }
    #expect(!file.contains("<<<<<<<"), "\(context)")
    let status = try await ProcessRunner.run("git", ["status", "--porcelain"], workingDirectory: setup.folder.path)
    #expect(status.stdout.isEmpty, "\(context): \(status.stdout)")
    let third = try await setup.sync()
    #expect(third.status == 0 && third.stdout.contains("in sync"), "\(context): \(third.stdout)")
  }
}

extension SyncCommandTests {
  /// `--watch` syncs again and again, a line for each sync that changed something (the time in the
  /// notebook's zone), and ends cleanly on SIGINT.
  @Test func watchSyncsUntilInterrupted() async throws {
    let setup = try await Setup()
    let output = setup.folder.appending("watch.out")
    FileManager.default.createFile(atPath: output, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Fixtures.builtExecutable("pushnote"))
    process.arguments = ["sync", "--notebook", setup.folder.path, setup.notePath, "--watch", "--interval", "0.2"]
    process.environment = ProcessInfo.processInfo.environment.merging(setup.environment) { _, new in new }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardError = FileHandle.nullDevice
    try process.run()
    try await Task.sleep(nanoseconds: 1_500_000_000)
    await setup.server.colleagueSets("mkt-2026-12-01", SyncCommandTests.note + "- [ ] WATCHED\n")
    try await Task.sleep(nanoseconds: 1_500_000_000)
    kill(process.processIdentifier, SIGINT)
    try await Self.offPool { process.waitUntilExit() }
    #expect(process.terminationStatus == 0)
    let lines = ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n")
    // About fifteen syncs: the first, the colleague's edit, and nothing for the ones in between.
    #expect(lines.count == 2, "\(lines)")
    #expect(lines.contains { $0.contains("from the pad") })
    #expect(!lines.contains { $0.contains("in sync") })
    for line in lines {
      #expect(line.range(of: #"^\d\d:\d\d:\d\d P[SD]T "#, options: .regularExpression) != nil, "\(line)")
    }
    #expect(setup.file().contains("WATCHED"))
  }
}
