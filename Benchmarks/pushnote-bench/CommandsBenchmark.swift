import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

/// `pushnote-bench commands`: whole `pushnote` commands as processes, the way a user feels them,
/// each against a reference program run on the same input in the same rounds.
///
/// Every round runs pushnote and then its reference once; the medians of the rounds and the median
/// of the per-round ratios are printed, with the issue's goal. Output goes to `/dev/null`, as with
/// `>/dev/null` in a shell, for both sides.
struct CommandsBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "commands", abstract: "Whole pushnote commands as processes against cmark, hello world and curl; peak memory.")

  @Option(help: "Rounds; each runs both sides back to back, and the median counts.")
  var rounds = 11

  @Option(help: ArgumentHelp("The pushnote to measure (default: the release build beside this benchmark).", valueName: "PATH"))
  var pushnote: String?

  @Option(
    help: ArgumentHelp(
      "The installed pushnote for the start-up row (default: `pushnote` on PATH, as scripts/install.sh puts it).",
      valueName: "PATH"))
  var installed: String?

  @Option(help: ArgumentHelp("Size of the large note, in bytes.", valueName: "BYTES"))
  var largeBytes = 2_400_000

  @Option(help: ArgumentHelp("Size of the huge note of short lines (the memory row), in bytes; 0 leaves the row out.", valueName: "BYTES"))
  var hugeBytes = 50_000_000

  @Option(help: ArgumentHelp("The reference CommonMark program (Debian package cmark).", valueName: "PATH"))
  var cmark = "/usr/bin/cmark"

  @Option(help: ArgumentHelp("Only these rows (repeatable; default: all).", valueName: "ROWS"))
  var only: [Rows] = []

  /// Groups of rows `--only` picks.
  enum Rows: String, CaseIterable, ExpressibleByArgument {
    /// `show --json`, `show` and `lint` on the large note.
    case large
    /// `show` on a small note, built and installed.
    case startup
    /// The no-op `sync`.
    case sync
    /// `stats --json`.
    case stats
    /// The huge note's time and peak memory.
    case memory
  }

  /// Whether `--only` leaves these rows in.
  private func wants(_ rows: Rows) -> Bool { only.isEmpty || only.contains(rows) }

  func run() async throws {
    let binary = try pushnote ?? Bench.releasePushnote()
    let folder = try TemporaryDirectory(prefix: "pushnote-bench-commands")
    print("pushnote: \(Bench.relativeToPackage(binary)); \(rounds) interleaved rounds; wall time, medians")
    print(Row.header)

    if wants(.large) {
      let large = folder.appending("large.md")
      try Bench.write(Array(GeneratedNotes.weeks(bytes: largeBytes).joined()), to: large)
      let cmarkLarge = Side(cmark, [large])
      try measure("show --json, \(Self.size(large)) note", goal: 1.5, Side(binary, ["show", "--json", large]), cmarkLarge)
      try measure("show, same note", goal: 1.5, Side(binary, ["show", large]), cmarkLarge)
      try measure("lint, same note", goal: 1.5, Side(binary, ["lint", large]), cmarkLarge, allowedStatus: [0, 65])
    }
    if wants(.startup) { try startUp(binary: binary, folder: folder) }
    if wants(.sync) { try await noOpSync(binary: binary, folder: folder) }
    if wants(.stats) {
      let stats = folder.appending("stats")
      let files = try StatsBenchmark.generate(notes: 311, into: stats)
      try Data().write(to: URL(fileURLWithPath: (stats as NSString).appendingPathComponent(Notebook.configFileName)))
      try measure("stats --json, 311 notes", goal: 2, Side(binary, ["-C", stats, "stats", "--json"]), Side(cmark, files))
    }
    if hugeBytes > 0 && wants(.memory) { try memory(binary: binary, folder: folder) }
  }

  /// `show` on a small note, built and installed, against a Swift hello world.
  private func startUp(binary: String, folder: TemporaryDirectory) throws {
    let small = folder.appending("small.md")
    try Bench.write(GeneratedNotes.weeks(bytes: 3_000)[0], to: small)
    let hello = try Self.helloWorld(in: folder)
    try measure("show, \(Self.size(small)) note (start-up)", goal: 2, Side(binary, ["show", small]), Side(hello, []))
    if let installed = installed ?? Self.onPath("pushnote") {
      try measure("  the same, installed binary", goal: 2, Side(installed, ["show", small]), Side(hello, []))
    } else {
      print("  (no installed pushnote on PATH: run scripts/install.sh for the start-up row of the installed binary)")
    }
  }

  /// One program and its arguments, as a side of a row.
  private struct Side {
    var executable: String
    var arguments: [String]
    var environment: [String: String] = [:]
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) {
      self.executable = executable
      self.arguments = arguments
      self.environment = environment
    }

    /// One measured run; a status outside `allowed` fails the benchmark.
    func run(allowed: Set<Int32> = [0]) throws -> ProcessRunner.Measurement {
      let result = try ProcessRunner.measure(executable, arguments, environment: environment)
      guard allowed.contains(result.status) else {
        let rerun = try ProcessRunner.runSynchronously(executable, arguments, environment: environment)
        throw ValidationError("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): \(rerun.stderr)")
      }
      return result
    }
  }

  /// A printed line of the table.
  private enum Row {
    static let header = "command                                   pushnote   reference   ratio   goal"

    static func line(_ label: String, ours: Double, reference: Double, ratio: Double, goal: Double) -> String {
      let verdict = ratio <= goal ? "met" : "NOT met"
      return label.padding(toLength: 40, withPad: " ", startingAt: 0)
        + String(format: " %8.1f ms %8.1f ms %6.2fx  <= %.1fx %@", ours * 1000, reference * 1000, ratio, goal, verdict)
    }
  }

  /// Runs both sides in interleaved rounds and prints the row.
  private func measure(_ label: String, goal: Double, _ ours: Side, _ reference: Side, allowedStatus: Set<Int32> = [0]) throws {
    var times: (ours: [Double], reference: [Double], ratios: [Double]) = ([], [], [])
    _ = try ours.run(allowed: allowedStatus)  // warm the page cache for both
    _ = try reference.run()
    for _ in 0..<max(1, rounds) {
      let mine = try ours.run(allowed: allowedStatus).seconds
      let theirs = try reference.run().seconds
      times.ours.append(mine)
      times.reference.append(theirs)
      times.ratios.append(mine / theirs)
    }
    print(
      Row.line(
        label, ours: Timing.median(times.ours), reference: Timing.median(times.reference), ratio: Timing.median(times.ratios), goal: goal))
  }

  /// The no-op `pushnote sync` of a synced note against one `curl` of the request it makes.
  private func noOpSync(binary: String, folder: TemporaryDirectory) async throws {
    let server = FakeEtherpad(auth: .apiKey("bench-key"))
    let url = try await server.start()
    let root = folder.appending("sync")
    let notebook = Notebook(root: root, config: NotebookConfig())
    let date = PushDate(year: 2026, month: 12, day: 1) ?? PushDate(daysSinceEpoch: 20_788)
    let path = notebook.notePath(for: date)
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Bench.write(Array(SyncBenchmark.note(sections: 12, linesPerSection: 8).utf8), to: path)
    try Bench.gitCommitAll(in: root)
    let environment = ["PUSHNOTE_PAD_URL": url, "PUSHNOTE_PAD_APIKEY": "bench-key", "HOME": root]
    let sync = Side(binary, ["sync", "-C", root, path], environment: environment)
    let first = try ProcessRunner.runSynchronously(sync.executable, sync.arguments, environment: environment)
    guard first.status == 0 else { throw ValidationError("the first sync failed: \(first.stderr)") }
    let body = "apikey=bench-key&padID=\(notebook.padID(for: date))"
    let curl = Side("/usr/bin/curl", ["-s", "-X", "POST", "--data", body, "\(url)/api/1.3.1/getRevisionsCount"])
    try measure("no-op sync", goal: 1.5, sync, curl)
    await server.stop()
  }

  /// `show --json` on a huge note of short lines, and on one as big that is a single list: wall
  /// time and the child's peak resident memory.
  private func memory(binary: String, folder: TemporaryDirectory) throws {
    let notes = [
      ("short lines", GeneratedNotes.shortLines(bytes: hugeBytes, seed: 1)),
      ("one list", GeneratedNotes.oneList(bytes: hugeBytes, seed: 1)),
    ]
    for (index, (name, bytes)) in notes.enumerated() {
      let huge = folder.appending("huge-\(index).md")
      try Bench.write(bytes, to: huge)
      let side = Side(binary, ["show", "--json", huge])
      var runs: [ProcessRunner.Measurement] = []
      for _ in 0..<3 { runs.append(try side.run()) }
      let seconds = Timing.median(runs.map(\.seconds))
      let peak = runs.map(\.peakResidentBytes).max() ?? 0
      let size = Double(bytes.count)
      print(
        String(
          format: "show --json, %@ of %@: %.2f s (goal <= 3 s), peak RSS %.0f MB = %.2fx the file (goal <= 4x), median of 3",
          Self.size(huge), name, seconds, Double(peak) / 1e6, Double(peak) / size))
    }
  }

  /// A Swift hello world that links Foundation, compiled with `swiftc -O`: the floor of start-up.
  private static func helloWorld(in folder: TemporaryDirectory) throws -> String {
    let source = folder.appending("hello.swift")
    let binary = folder.appending("hello")
    try Data("import Foundation\nprint(\"hello, \\(ProcessInfo.processInfo.processName)\")\n".utf8).write(
      to: URL(fileURLWithPath: source))
    let result = try ProcessRunner.runSynchronously("swiftc", ["-O", source, "-o", binary], timeout: 600)
    guard result.status == 0 else { throw ValidationError("swiftc failed: \(result.stderr)") }
    return binary
  }

  /// The first `name` on PATH, if any.
  private static func onPath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// A file's size as `2.4 MB` or `3.1 KB`.
  private static func size(_ path: String) -> String {
    let bytes = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
    return bytes >= 1e6 ? String(format: "%.1f MB", bytes / 1e6) : String(format: "%.1f KB", bytes / 1e3)
  }
}
