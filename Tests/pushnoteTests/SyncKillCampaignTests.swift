import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif
/// The line-counting kill campaign: nothing typed on either side is lost, however sync is killed,
/// on either transport.
///
/// Round after round, the file and the pad both get new lines and ticks while the sync runs (the
/// pad's as a colleague types them: through the fake Etherpad's HTTP API when pushnote writes with
/// `setText`, in a browser over the realtime socket when pushnote writes changesets), `pushnote
/// sync` is SIGKILLed at a random moment or at a checkpoint (on the socket: before USER_CHANGES is
/// sent, after it is sent and before ACCEPT_COMMIT, after it), then a normal sync runs. Every line
/// typed on either side must end up in both, ticked where it was ticked, and the pad never holds a
/// conflict marker.
///
/// `PUSHNOTE_KILL_SEED` replays a campaign (with the same `PUSHNOTE_KILL_LANES`, 2 by default);
/// `PUSHNOTE_KILL_ROUNDS` changes its length (200 by default, split between the transports).
@Suite(.serialized) struct SyncKillCampaignTests {
  static let note = "# Campaign\n\n## Local\n\n- [ ] local seed\n\n## Pad\n\n- [ ] pad seed\n\n## Shared\n\n- shared seed\n"
  /// The checkpoints a transport passes, in the order a sync reaches them.
  static func checkpoints(_ transport: NotebookConfig.PadConfig.Transport) -> [String] {
    let write = transport == .api ? ["after-guard", "after-record", "after-push"] : ["after-record", "after-send", "after-push"]
    return ["after-revision", "after-read", "after-merge"] + write + ["after-write", "after-base", "after-commit"]
  }

  /// What was typed, and which of it was ticked.
  struct Ledger {
    var lines: [String] = []
    var ticked: Set<String> = []
    var localUnticked: [String] = []
    var padUnticked: [String] = []

    /// Tokens missing from `text` (or not ticked there although they were ticked).
    ///
    /// One pass over the text's lines, then set lookups: the check runs every round on notes of
    /// a thousand lines and more, on the threads the in-process servers need too.
    func missing(in text: String) -> [String] {
      let present = Set(text.split(separator: "\n").map(String.init))
      return lines.filter { token in
        if ticked.contains(token) { return !present.contains("- [x] \(token)") }
        return !present.contains("- \(token)") && !present.contains("- [ ] \(token)") && !present.contains("- [x] \(token)")
      }
    }
  }

  /// What one lane of the campaign found.
  struct Outcome: Sendable {
    var typed = 0
    var ticked = 0
    var lost: [String] = []
    var failures: [String] = []
    var leftovers = ""
    /// Kills that left a write record for the next sync to repair.
    var recordsLeft = 0
    /// Writes that went over the socket (USER_CHANGES) and with `setText`.
    var socketWrites = 0
    var setTexts = 0
  }

  @Test(arguments: [NotebookConfig.PadConfig.Transport.api, .realtime])
  func nothingTypedOnEitherSideIsLostUnderKills(transport: NotebookConfig.PadConfig.Transport) async throws {
    let environment = ProcessInfo.processInfo.environment
    let seed = environment["PUSHNOTE_KILL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64(UInt32.max))
    let rounds = (environment["PUSHNOTE_KILL_ROUNDS"].flatMap(Int.init) ?? 200) / 2
    // Lanes of separate notebooks and servers run side by side: a round mostly waits (on its
    // kill timer, the server's delays, git); two lanes use two cores without starving the rest
    // of the suite, which runs meanwhile.
    let lanes = environment["PUSHNOTE_KILL_LANES"].flatMap(Int.init) ?? 2
    let name = transport.rawValue
    print("kill campaign (\(name)) seed \(seed), \(rounds) rounds in \(lanes) lanes (replay with PUSHNOTE_KILL_SEED=\(seed))")
    let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
      for lane in 0..<lanes {
        let share = rounds / lanes + (lane < rounds % lanes ? 1 : 0)
        group.addTask { try await Self.campaign(seed: seed, lane: lane, rounds: share, transport: transport) }
      }
      var all: [Outcome] = []
      for try await outcome in group { all.append(outcome) }
      return all
    }
    let typed = outcomes.map(\.typed).reduce(0, +), lost = outcomes.flatMap(\.lost)
    let socketWrites = outcomes.map(\.socketWrites).reduce(0, +), setTexts = outcomes.map(\.setTexts).reduce(0, +)
    print(
      "kill campaign (\(name)) seed \(seed): \(lost.count) lost of \(typed) typed, \(outcomes.map(\.ticked).reduce(0, +)) ticked, "
        + "\(outcomes.map(\.recordsLeft).reduce(0, +)) kills left a write record; \(socketWrites) USER_CHANGES, \(setTexts) setText"
    )
    for outcome in outcomes {
      #expect(outcome.failures.isEmpty, "\(outcome.failures.joined(separator: "\n"))")
      #expect(outcome.leftovers.isEmpty, "seed \(seed): \(outcome.leftovers)")
    }
    #expect(lost.isEmpty, "\(name) seed \(seed): lost \(lost.sorted())")
    #expect(rounds < 100 || typed >= 500)
    // Each transport really wrote the way it is named.
    #expect(transport == .api ? socketWrites == 0 && setTexts > 0 : setTexts == 0 && socketWrites > 0)
  }

  /// One lane: a notebook, a server, `rounds` rounds; lane `lane` of the campaign `seed`.
  static func campaign(
    seed: UInt64, lane: Int, rounds: Int, transport: NotebookConfig.PadConfig.Transport
  ) async throws -> Outcome {
    var random = SeededRandom(seed: seed &+ UInt64(lane) &* 0x1000_0000_01B3)
    let setup = try await SyncCommandTests.Setup(transport: transport)
    // The author token lives outside the notebook, as a user's does: one author for every sync.
    let cache = try TemporaryDirectory(prefix: "pushnote-campaign-cache")
    try Self.note.write(toFile: setup.notePath, atomically: true, encoding: .utf8)
    _ = try await ProcessRunner.run("git", ["commit", "-qam", "campaign note"], workingDirectory: setup.folder.path)
    #expect(try await Self.sync(setup, cache: cache).status == 0)
    let browser =
      transport == .api ? nil : try await FakeBrowser(baseURL: setup.url, padID: "mkt-2026-12-01", name: "colleague")
    let colleague = Colleague(url: setup.url, key: "cli-key", browser: browser)
    var ledger = Ledger()
    var outcome = Outcome()
    let checkpoints = Self.checkpoints(transport)

    for round in 0..<rounds {
      let context = "seed \(seed) lane \(lane) round \(round)"
      // The file's side, typed while no sync runs (an editor's save during one is another test).
      var file = setup.file()
      for index in 0..<2 {
        let token = "L\(round)-\(index)"
        file = Self.replacingFirst("\n\n## Pad\n", with: "\n- [ ] \(token)\n\n## Pad\n", in: file)
        ledger.lines.append(token)
        ledger.localUnticked.append(token)
      }
      if ledger.localUnticked.count > 4 {
        let token = ledger.localUnticked.remove(at: random.below(ledger.localUnticked.count - 2))
        file = Self.replacingFirst("- [ ] \(token)\n", with: "- [x] \(token)\n", in: file)
        ledger.ticked.insert(token)
      }
      let shared = "SL\(round)"
      file += "- \(shared)\n"
      ledger.lines.append(shared)
      try AtomicFile.write(file, to: setup.notePath)
      // The pad's side, before the sync and while it runs.
      let before = "P\(round)-0"
      try await colleague.insert(before)
      ledger.lines.append(before)
      ledger.padUnticked.append(before)

      var during: [Colleague.Edit] = [.insert("P\(round)-1"), .append("SP\(round)")]
      if ledger.padUnticked.count > 4 {
        let token = ledger.padUnticked.remove(at: random.below(ledger.padUnticked.count - 2))
        during.append(.tick(token))
      }
      for edit in during {
        switch edit {
        case .insert(let token):
          ledger.lines.append(token)
          ledger.padUnticked.append(token)
        case .append(let token): ledger.lines.append(token)
        case .tick(let token): ledger.ticked.insert(token)
        }
      }
      let atCheckpoint = round % 3 == 0
      let step = checkpoints[(round / 3) % checkpoints.count]
      let killAfter = 0.02 + random.unit() * 0.25
      let editTimes = during.map { _ in random.unit() * 0.2 }
      await setup.server.setDelays(0...0.012)
      var childEnvironment = Self.environment(setup, cache: cache)
      if atCheckpoint { childEnvironment["PUSHNOTE_SYNC_CRASH_AT"] = step }
      let pid = try Self.spawn(
        Fixtures.builtExecutable("pushnote"), ["sync", "--notebook", setup.folder.path, setup.notePath], environment: childEnvironment)
      try await withThrowingTaskGroup(of: Void.self) { group in
        for (edit, time) in zip(during, editTimes) {
          group.addTask {
            try await Task.sleep(nanoseconds: UInt64(time * 1_000_000_000))
            try await colleague.apply(edit)
          }
        }
        if !atCheckpoint {
          group.addTask {
            try await Task.sleep(nanoseconds: UInt64(killAfter * 1_000_000_000))
            kill(pid, SIGKILL)
          }
        }
        try await group.waitForAll()
      }
      await Self.reap(pid)
      await setup.server.setDelays(nil)
      // git children of a killed sync finish on their own; a user would wait for them too.
      let indexLock = setup.folder.appending(".git/index.lock")
      for _ in 0..<100 where FileManager.default.fileExists(atPath: indexLock) { try await Task.sleep(nanoseconds: 20_000_000) }

      if SyncStore(root: setup.folder.path, padID: colleague.padID).loadState().writeRecord != nil { outcome.recordsLeft += 1 }
      // Exit 75 means "nothing lost, sync again" (a starved test server can time out): a user would.
      var again = try await Self.sync(setup, cache: cache)
      for _ in 0..<2 where again.status == 75 { again = try await Self.sync(setup, cache: cache) }
      let fileNow = setup.file(), padNow = await setup.pad() ?? ""
      let lost = Set(ledger.missing(in: fileNow) + ledger.missing(in: padNow))
      if again.status != 0 || fileNow != padNow || !lost.isEmpty || padNow.contains("<<<<<<<") {
        outcome.failures.append(
          "\(context) (\(atCheckpoint ? "killed at \(step)" : "killed after \(killAfter) s")): exit \(again.status) "
            + "\(again.stderr) lost \(lost.sorted()) file == pad: \(fileNow == padNow)")
        if outcome.failures.count >= 3 { break }
      }
    }
    let fileAtEnd = setup.file(), padAtEnd = await setup.pad() ?? ""
    outcome.typed = ledger.lines.count
    outcome.ticked = ledger.ticked.count
    outcome.lost = Array(Set(ledger.missing(in: fileAtEnd) + ledger.missing(in: padAtEnd)))
    if padAtEnd.contains("<<<<<<<") || fileAtEnd.contains("<<<<<<<") { outcome.failures.append("lane \(lane): conflict markers left") }
    outcome.leftovers = try await ProcessRunner.run("git", ["status", "--porcelain"], workingDirectory: setup.folder.path).stdout
    let browserWrites = try await colleague.writes()
    outcome.socketWrites = await setup.server.socketMessages.filter { $0 == "USER_CHANGES" }.count - browserWrites
    outcome.setTexts = await setup.server.count("setText")
    await browser?.close()
    await setup.server.stop()
    return outcome
  }

  /// Starts a program with posix_spawn, its output discarded.
  ///
  /// Not Foundation's `Process`: with the campaign's hundreds of launches (and kills) next to the
  /// other tests' launches, `Process.run()` crashed (a bad read in its memcpy), several times.
  static func spawn(
    _ path: String, _ arguments: [String], environment: [String: String], errorsTo errors: String = "/dev/null"
  ) throws -> pid_t {
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      argv.forEach { free($0) }
      envp.forEach { free($0) }
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var pid: pid_t = 0
    let status = posix_spawn(&pid, path, &actions, nil, argv, envp)
    guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
    return pid
  }

  /// Waits for the child `pid` on a thread of its own (neither the cooperative pool, which the
  /// in-process servers need, nor one of Dispatch's few workers); returns its exit status, or
  /// 128 plus the signal that ended it.
  @discardableResult
  static func reap(_ pid: pid_t) async -> Int32 {
    await withCheckedContinuation { continuation in
      Thread {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        continuation.resume(returning: signal == 0 ? (status >> 8) & 0xFF : 128 + signal)
      }.start()
    }
  }

  /// The environment of a sync in the lane: the server, and the cache folder outside the notebook.
  static func environment(_ setup: SyncCommandTests.Setup, cache: TemporaryDirectory) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment.merging(setup.environment) { _, new in new }
    environment["PUSHNOTE_CACHE_DIR"] = cache.path
    return environment
  }

  /// A normal `pushnote sync` of the lane's note: its exit status and what it wrote to stderr.
  static func sync(_ setup: SyncCommandTests.Setup, cache: TemporaryDirectory) async throws -> (status: Int32, stderr: String) {
    let errors = setup.folder.appending(".git/campaign-sync.stderr")  // inside .git: never a change of the notebook
    let environment = Self.environment(setup, cache: cache)
    let pid = try spawn(
      Fixtures.builtExecutable("pushnote"), ["sync", "--notebook", setup.folder.path, setup.notePath], environment: environment,
      errorsTo: errors)
    let status = await reap(pid)
    return (status, (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "")
  }

  static func replacingFirst(_ old: String, with new: String, in text: String) -> String {
    guard let range = text.range(of: old) else { return text }
    return text.replacingCharacters(in: range, with: new)
  }
}

/// A colleague typing in the pad: through the server's HTTP API, or in a browser over the
/// realtime socket (each edit one changeset, rebased by the server like a browser's).
struct Colleague: Sendable {
  /// One browser edit.
  enum Edit: Sendable {
    /// A new item at the end of the Pad section.
    case insert(String)
    /// A line at the end of the pad (`appendText`).
    case append(String)
    /// The item's box ticked.
    case tick(String)
  }

  let url: String
  let key: String
  let padID = "mkt-2026-12-01"
  /// The browser the colleague types in; nil: the HTTP API.
  var browser: FakeBrowser?

  func apply(_ edit: Edit) async throws {
    switch edit {
    case .insert(let token): try await insert(token)
    case .append(let token):
      if browser != nil { return try await type { $0 + "- \(token)\n" } }
      try await post("/api/1.3.1/appendText", ["padID": padID, "text": "\n- \(token)", "apikey": key])
    case .tick(let token):
      if browser != nil { return try await type { Self.replacing("- [ ] \(token)\n", with: "- [x] \(token)\n", in: $0) } }
      try await post("/test/replace", ["padID": padID, "old": "- [ ] \(token)\n", "new": "- [x] \(token)\n"])
    }
  }

  func insert(_ token: String) async throws {
    if browser != nil { return try await type { Self.replacing("\n\n## Shared\n", with: "\n- [ ] \(token)\n\n## Shared\n", in: $0) } }
    try await post("/test/replace", ["padID": padID, "old": "\n\n## Shared\n", "new": "\n- [ ] \(token)\n\n## Shared\n"])
  }

  /// How many commits the browser made.
  func writes() async throws -> Int { browser == nil ? 0 : await counter.value }

  private let counter = Counter()

  private func type(_ edit: @escaping @Sendable (String) -> String?) async throws {
    guard let browser else { return }
    let missing = Flag()
    try await browser.type { text in
      guard let edited = edit(text) else {
        missing.set()
        return text
      }
      return edited
    }
    await counter.increment()
    if missing.isSet { throw URLError(.badServerResponse) }
  }

  /// `text` with the first `old` replaced, or nil when it holds none (the HTTP hook's "no such text").
  private static func replacing(_ old: String, with new: String, in text: String) -> String? {
    guard let range = text.range(of: old) else { return nil }
    return text.replacingCharacters(in: range, with: new)
  }

  private func post(_ path: String, _ fields: [String: String]) async throws {
    guard let target = URL(string: url + path) else { throw URLError(.badURL) }
    var request = HTTPTransport.Request(url: target)
    request.method = "POST"
    request.setValue("application/x-www-form-urlencoded; charset=utf-8", forHTTPHeaderField: "Content-Type")
    request.body = Data(EtherpadClient.formEncode(fields).utf8)
    // A long deadline: an answer that never came would leave it unknown whether the edit was made.
    let response = try await HTTPTransport(timeout: 60).send(request)
    let answer = String(decoding: response.body, as: UTF8.self)
    guard response.status == 200, answer.contains("\"code\":0") else { throw URLError(.badServerResponse) }
  }
}

/// A count the colleague's concurrent edits share.
private actor Counter {
  private(set) var value = 0
  func increment() { value += 1 }
}

/// Set on the browser's thread, read after it.
private final class Flag: @unchecked Sendable {
  private let lock = NSLock()
  private var flag = false
  var isSet: Bool { lock.withLock { flag } }
  func set() { lock.withLock { flag = true } }
}
