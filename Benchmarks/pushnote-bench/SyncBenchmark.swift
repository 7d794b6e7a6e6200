import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

/// `pushnote-bench sync`: HTTP requests per kind of sync against the fake Etherpad; the merge of
/// a 50,000-line note changed on every line on both sides against `git merge-file --diff3` on the
/// same three files (and a note of few distinct lines, where a diff goes quadratic if unbounded);
/// a no-op sync's wall time, in process and as the release `pushnote` binary, against one bare
/// `curl` of `getRevisionsCount`; the realtime transport beside `setText` (SyncRealtimeBenchmark.swift).
struct SyncBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync", abstract: "Requests per sync, merge time against git merge-file, no-op sync against curl.")

  @Option(name: .long, help: "Lines of the large note.")
  var lines = 50_000

  @Option(name: .long, help: "Runs of each timing; the median is reported.")
  var runs = 5

  @Option(name: .long, help: "Rounds of the watch latency, each way and each transport.")
  var watchRounds = 5

  @Option(name: .long, help: "Seconds between syncs of the polling (setText) watch.")
  var watchInterval = 2.0

  func run() async throws {
    try await requestCounts()
    try await realtimeFigures()
    try mergeTimes()
  }

  /// Syncs of each kind against the fake server, counting requests; then no-op sync vs curl.
  private func requestCounts() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-bench-sync")
    let server = FakeEtherpad(auth: .apiKey("bench-key"))
    let url = try await server.start()
    let notebook = Notebook(root: folder.path, config: NotebookConfig())
    let date = PushDate(year: 2026, month: 12, day: 1) ?? PushDate(daysSinceEpoch: 20_788)
    let path = notebook.notePath(for: date)
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Self.note(sections: 12, linesPerSection: 8).write(toFile: path, atomically: true, encoding: .utf8)
    try Bench.gitCommitAll(in: folder.path)
    let padID = notebook.padID(for: date)
    func sync() async throws -> SyncReport {
      let client = try EtherpadClient(server: url, credentials: .apiKey("bench-key"))
      return try await SyncEngine(notebook: notebook, notePath: path, client: client).run()
    }
    func editFile(_ old: String, _ new: String) throws {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }
    let first = try await sync()
    let noOp = try await sync()
    try editFile("- [ ] item 3-2\n", "- [x] item 3-2 local\n")
    let oneSided = try await sync()
    try editFile("- [ ] item 5-1\n", "- [x] item 5-1 local\n")
    if let text = await server.pads[padID]?.text {
      await server.colleagueSets(padID, text.replacingOccurrences(of: "- [ ] item 9-4\n", with: "- [x] item 9-4 pad\n"))
    }
    let twoSided = try await sync()
    print(
      "HTTP requests: first sync \(first.requests); no-op \(noOp.requests) (goal 1); one-sided change \(oneSided.requests); "
        + "two-sided merge \(twoSided.requests) (goal at most 5: count, text, the check before the write, setText, the check after)")
    print("HTTP requests with OAuth2: no-op sync with the token cached \(try await Self.oauthNoOpRequests()) (goal 1)")

    var syncTimes: [Double] = []
    for _ in 0..<max(runs, 3) {
      let start = Date()
      let report = try await sync()
      syncTimes.append(Date().timeIntervalSince(start))
      guard report.outcome == .unchanged else { throw ValidationError("the no-op sync was not a no-op") }
    }
    var curlTimes: [Double] = []
    let body = "apikey=bench-key&padID=\(padID)"
    for _ in 0..<max(runs, 3) {
      let start = Date()
      let result = try ProcessRunner.runSynchronously("curl", ["-s", "-X", "POST", "--data", body, "\(url)/api/1.3.1/getRevisionsCount"])
      curlTimes.append(Date().timeIntervalSince(start))
      guard result.status == 0, result.stdout.contains("\"revisions\"") else { throw ValidationError("curl failed: \(result.stderr)") }
    }
    let syncMedian = Timing.median(syncTimes), curlMedian = Timing.median(curlTimes)
    print(String(format: "no-op sync (in process):        %8.2f ms", syncMedian * 1000))
    print(String(format: "curl getRevisionsCount:         %8.2f ms", curlMedian * 1000))
    print(String(format: "no-op sync / curl:              %8.2fx", syncMedian / curlMedian))
    let binary = try Bench.releasePushnote()
    var binaryTimes: [Double] = []
    let environment = ["PUSHNOTE_PAD_URL": url, "PUSHNOTE_PAD_APIKEY": "bench-key", "HOME": folder.path]
    for _ in 0..<max(runs, 3) {
      let start = Date()
      let result = try ProcessRunner.runSynchronously(binary, ["sync", "--notebook", folder.path, path], environment: environment)
      binaryTimes.append(Date().timeIntervalSince(start))
      guard result.status == 0, result.stdout.contains("in sync") else { throw ValidationError("pushnote sync failed: \(result.stderr)") }
    }
    let timed = Bench.relativeToPackage(binary)
    print(String(format: "no-op `pushnote sync` process:  %8.2f ms (%@)", Timing.median(binaryTimes) * 1000, timed))
    print(String(format: "pushnote process / curl:        %8.2fx", Timing.median(binaryTimes) / curlMedian))
    await server.stop()
  }

  /// The requests of a no-op sync with OAuth2 client credentials, the token cached by the sync before.
  private static func oauthNoOpRequests() async throws -> Int {
    let folder = try TemporaryDirectory(prefix: "pushnote-bench-oauth")
    let cache = try TemporaryDirectory(prefix: "pushnote-bench-oauth-cache")
    let server = FakeEtherpad(auth: .clientCredentials(id: "bench", secret: "bench-secret"))
    let url = try await server.start()
    defer { Task { await server.stop() } }
    let notebook = Notebook(root: folder.path, config: NotebookConfig())
    let path = folder.appending("mkt-2026-12-01.md")
    try note(sections: 3, linesPerSection: 4).write(toFile: path, atomically: true, encoding: .utf8)
    var requests = 0
    for _ in 0..<2 {
      let client = try EtherpadClient(
        server: url, credentials: .clientCredentials(id: "bench", secret: "bench-secret"), tokenCache: PadTokenCache(directory: cache.path))
      requests = try await SyncEngine(notebook: notebook, notePath: path, client: client).run().requests
    }
    return requests
  }

  /// The large merge: every body line changed on both sides, with and without headings; then a
  /// note of few distinct lines (no line unique, the case that makes a diff go quadratic).
  private func mergeTimes() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-bench-merge")
    let cases = [
      ("sections of 25 lines", Self.note(sections: lines / 25, linesPerSection: 24)),
      ("no headings, one section", Self.flat(lines, suffix: "")),
      ("few distinct lines, none unique", Self.repetitive(lines)),
    ]
    for (label, base) in cases {
      var counter = 0
      func changed(_ box: String, _ suffix: String, every step: Int) -> String {
        base.split(separator: "\n", omittingEmptySubsequences: false).map { line in
          counter += 1
          guard line.hasPrefix("- [ ] "), counter % step == 0 else { return String(line) }
          return "- [\(box)] " + line.dropFirst(6) + suffix
        }.joined(separator: "\n")
      }
      let repetitive = label.hasPrefix("few")
      let local = changed("x", repetitive ? "" : " local", every: repetitive ? 3 : 1)
      let pad = changed("-", repetitive ? "" : " pad", every: repetitive ? 5 : 1)
      let files = [("base", base), ("local", local), ("pad", pad)].map { name, text in (folder.appending(name), text) }
      for (file, text) in files { try text.write(toFile: file, atomically: true, encoding: .utf8) }
      var conflicts = 0
      var merged = (ours: [UInt8](), git: "")
      let inputs = [base, local, pad].map { Array($0.utf8) }
      let sectioning = try Timing.medianSeconds(runs) { for input in inputs { _ = try NoteSections(bytes: input) } }
      let (ours, git) = try Self.interleavedMedians(runs) {
        let merge = NoteMerge(
          base: try NoteSections(bytes: inputs[0]), local: try NoteSections(bytes: inputs[1]), pad: try NoteSections(bytes: inputs[2]))
        conflicts = merge.newConflicts.count
        merged.ours = merge.localBytes
      } reference: {
        let result = try ProcessRunner.runSynchronously("git", ["merge-file", "-p", "--diff3", files[1].0, files[0].0, files[2].0])
        guard result.status >= 0, result.status < 128 else { throw ValidationError("git merge-file failed: \(result.stderr)") }
        merged.git = result.stdout
      }
      let lineCount = base.utf8.lazy.filter { $0 == 0x0A }.count
      let edits = repetitive ? "every 3rd/5th line changed locally/on the pad" : "every body line changed on both sides"
      print("merge of \(lineCount) lines, \(edits) (\(label)): \(conflicts) sections in conflict")
      let blocks = (ours: Self.conflictBlocks(String(decoding: merged.ours, as: UTF8.self)), git: Self.conflictBlocks(merged.git))
      print("  conflict blocks:              \(blocks.ours) (git merge-file: \(blocks.git))")
      print(
        String(format: "  pushnote section + merge:     %8.1f ms (sectioning the three texts: %.1f ms)", ours * 1000, sectioning * 1000))
      print(String(format: "  git merge-file --diff3:       %8.1f ms", git * 1000))
      let ratio = String(format: "%8.2fx", ours / git)
      print("  pushnote / git:               \(ratio) (goal at most 1.5x; medians of \(max(1, runs)) interleaved runs)")
    }
  }

  /// The number of conflict blocks (`<<<<<<<` lines) in a merged text.
  private static func conflictBlocks(_ text: String) -> Int {
    text.split(separator: "\n").filter { $0.hasPrefix("<<<<<<<") }.count
  }

  /// The medians of `runs` runs of `body` and of `reference`, taken in turns so that a change in
  /// the machine's load hits both alike.
  private static func interleavedMedians(
    _ runs: Int, _ body: () throws -> Void, reference: () throws -> Void
  ) throws -> (Double, Double) {
    var ours: [Double] = [], theirs: [Double] = []
    for _ in 0..<max(1, runs) {
      ours.append(try Timing.medianSeconds(1, body))
      theirs.append(try Timing.medianSeconds(1, reference))
    }
    return (Timing.median(ours), Timing.median(theirs))
  }

  /// A note of `sections` sections of `linesPerSection` checklist lines.
  static func note(sections: Int, linesPerSection: Int) -> String {
    var text = "# Marketplace push 2026-12-01\n"
    for section in 0..<sections {
      text += "## Section \(section)\n"
      for line in 0..<linesPerSection { text += "- [ ] item \(section)-\(line)\n" }
    }
    return text
  }

  /// `count` lines cycling through a few checklist items and blank lines: no line is unique.
  static func repetitive(_ count: Int) -> String {
    let cycle = [
      "- [ ] check the logs\n", "- [ ] check the graphs\n", "\n", "- [ ] ask QA\n", "- [ ] check the logs\n", "\n", "- [ ] deploy\n",
    ]
    return (0..<count).map { cycle[$0 % cycle.count] }.joined()
  }

  /// `count` checklist lines without headings.
  static func flat(_ count: Int, suffix: String) -> String {
    (0..<count).map { "- [ ] item \($0)\(suffix)\n" }.joined()
  }

}
