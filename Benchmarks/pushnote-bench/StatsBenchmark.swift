import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

/// `pushnote-bench stats`: `pushnote stats --json` over generated notebooks of 520 and 5,200 notes, the
/// ratio of the two (linear is 10x), and the 520-note time against the `cmark` CLI over the same files.
struct StatsBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "stats", abstract: "Time stats over 520 and 5,200 generated notes; compare with cmark over the same files.")

  @Option(name: .long, help: "Runs of each measurement; the median is reported.")
  var runs = 5

  @Option(name: .long, help: "The reference CommonMark program.")
  var cmark = "cmark"

  func run() async throws {
    let small = try TemporaryDirectory(prefix: "pushnote-bench-520")
    let large = try TemporaryDirectory(prefix: "pushnote-bench-5200")
    let smallFiles = try StatsBenchmark.generate(notes: 520, into: small.path)
    _ = try StatsBenchmark.generate(notes: 5_200, into: large.path)
    let smallBytes = smallFiles.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }

    var read = (weeks: 0, withDuration: 0)
    let statsSmall = try Timing.medianSeconds(runs) { read = try StatsBenchmark.statsJSON(root: small.path) }
    let statsLarge = try Timing.medianSeconds(runs) { _ = try StatsBenchmark.statsJSON(root: large.path) }
    let cmarkSmall = try Timing.medianSeconds(runs) {
      let result = try ProcessRunner.runSynchronously(cmark, smallFiles)
      guard result.status == 0 else { throw ValidationError("\(cmark) failed: \(result.stderr)") }
    }
    print(
      "notes: 520 (\(smallBytes / 1024) KiB, \(read.weeks) weeks read, \(read.withDuration) with a duration) and 5,200; median of \(runs) runs each"
    )
    print(String(format: "stats --json, 520 notes:   %8.1f ms", statsSmall * 1000))
    print(String(format: "stats --json, 5,200 notes: %8.1f ms", statsLarge * 1000))
    print(String(format: "5,200 / 520:               %8.2fx  (linear: 10x, goal < 12x)", statsLarge / statsSmall))
    print(String(format: "cmark CLI, same 520 files: %8.1f ms (one process, all files)", cmarkSmall * 1000))
    print(String(format: "stats 520 / cmark 520:     %8.2fx", statsSmall / cmarkSmall))
  }

  /// What `pushnote stats --json` does: read every note, sum up, encode.
  ///
  /// Returns the weeks read and how many had a duration.
  static func statsJSON(root: String) throws -> (weeks: Int, withDuration: Int) {
    let notebook = Notebook(root: root, config: NotebookConfig())
    let stats = DutyStats.collect(notebook: notebook)
    let json = try JSONWriter.bytes(stats)
    guard !json.isEmpty, stats.warnings.count < stats.weeks.count else { throw ValidationError("generated notes did not read") }
    return (stats.weeks.count, stats.totals.weeksWithDuration)
  }

  /// Writes `notes` weekly notes back from 2026-12-01, as the template makes them and a week of work
  /// fills them in: compare links, cherry-picks and repeat tags now and then, sign-offs, a timeline.
  static func generate(notes: Int, into root: String) throws -> [String] {
    let last = PushDate(daysSinceEpoch: 20_788)  // 2026-12-01, a Tuesday
    var paths: [String] = []
    for index in 0..<notes {
      let date = last.adding(days: -7 * index)
      let folder = (root as NSString).appendingPathComponent(String(date.year))
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      let path = (folder as NSString).appendingPathComponent("mkt-\(date.iso).md")
      // Benchmark input, not a user's file: no fsync per note.
      guard FileManager.default.createFile(atPath: path, contents: Data(note(date: date, seed: index).utf8)) else {
        throw ValidationError("cannot write \(path)")
      }
      paths.append(path)
    }
    return paths
  }

  private static func note(date: PushDate, seed: Int) -> String {
    let people = ["ddurst", "cvan", "andym", "krupa", "jason"]
    let repeats = seed % 7 == 0 ? 1 + seed % 3 : 0
    let tag = date.formatted(separator: ".") + (repeats > 0 ? "-\(repeats)" : "")
    let previous = date.adding(days: -7).formatted(separator: ".")
    let startMinute = 2 + seed % 20
    let minutes = 35 + (seed * 37) % 110
    let end = 11 * 60 + startMinute + minutes
    func clock(_ total: Int) -> String { String(format: "%02d:%02d", total / 60 % 24, total % 60) }
    let picks = (0..<repeats).map { "- [x] https://github.com/mozilla/zamboni/commit/\(String(format: "%040x", seed * 7919 + $0))" }
    let repositories = ["mozilla/zamboni", "mozilla/fireplace", "mozilla/spartacus", "mozilla/commbadge"]
    return """
      # Marketplace push \(date.iso)

      - Release manager: \(people[seed % people.count])
      - QA: krupa
      - Ops: jason
      - Tag: \(tag)
      - Pad: mkt-\(date.iso)

      ## Compare

      \(repositories.map { "- https://github.com/\($0)/compare/\(previous)...\(tag)" }.joined(separator: "\n"))

      ## Notable things shipping

      - Bug \(900_000 + seed): payments *retry* on timeout ([details](https://bugzilla.example.org/\(900_000 + seed)))
      - New review queue for `apps` with **faster** loading

      ## Cherry-picks

      \(picks.isEmpty ? "None this week." : picks.joined(separator: "\n"))

      ## Flags

      - [x] switch `payments-retry` on
      - [\(seed % 2 == 0 ? "x" : " ")] flag `new-queue` on

      ## Before the push

      - [x] Tag every repository (\(date.adding(days: -4).iso))
      - [x] Compare links checked and shared with QA
      - [x] Push to stage
      - [x] QA on stage
      - [\(seed % 3 == 0 ? "-" : "x")] Migrations reviewed with Ops

      ## Push

      - [x] Announce the push in the channel
      - [x] Push to production
      - [\(seed % 5 == 0 ? " " : "x")] Run migrations
      - [x] Flip flags and switches
      - [x] Smoke test production

      ## Sign-offs

      - [x] QA: krupa \(date.iso) \(clock(end - 10))
      - [x] Ops: jason \(date.iso) \(clock(end - 5))
      - [x] RM: \(people[seed % people.count]) \(date.iso) \(clock(end))

      ## Timeline

      - \(clock(11 * 60 + startMinute)) start
      - \(clock(11 * 60 + startMinute + minutes / 2)) zamboni deployed, waiting on the CDN
      - \(clock(end)) end

      ## After the push

      - [x] Send the announcement mail
      - [\(seed % 4 == 0 ? " " : "x")] Hand over to next week's release manager

      """
  }

}
