import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `pushnote-bench parse`: parse about 2.5 MB of generated notes into the model (lint included) and
/// compare with the `cmark` command rendering the same bytes to HTML, measured in the same run.
struct ParseBenchmark: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "parse", abstract: "Parse ~2.5 MB of notes into the model; report the time as a ratio to the cmark CLI.")

  @Option(help: "Approximate size of the generated corpus, in bytes.")
  var bytes = 2_500_000

  @Option(help: "Rounds; each runs both sides back to back, and the median round counts.")
  var runs = 9

  @Option(help: "The reference program (Debian package cmark).")
  var cmark = "/usr/bin/cmark"

  func run() async throws {
    let notes = ParseBenchmark.corpus(bytes: bytes)
    let total = notes.reduce(0) { $0 + $1.count }
    let folder = try TemporaryDirectory(prefix: "pushnote-bench")
    let joined = folder.appending("corpus.md")
    try Data(notes.joined()).write(to: URL(fileURLWithPath: joined))
    let config = NotebookConfig()

    // Rounds interleave the sides, so that a busy moment of a shared machine slows both alike.
    var rounds: [Round] = []
    var modelItems = 0
    for _ in 0..<max(1, runs) {
      var round = Round()
      round.ours = try ParseBenchmark.cpuSeconds(ParseBenchmark.processCPU) {
        modelItems = 0
        for (index, note) in notes.enumerated() {
          let parsed = try ParsedNote(bytes: note, path: "2026/mkt-\(index).md", config: config)
          modelItems += parsed.note.sections.reduce(0) { $0 + $1.items.count } + parsed.note.compare.count
        }
      }
      round.reference = try ParseBenchmark.cpuSeconds(ParseBenchmark.childrenCPU) {
        let result = try ProcessRunner.runSynchronously(cmark, [joined])
        guard result.status == 0 else { throw ValidationError("\(cmark) failed: \(result.stderr)") }
      }
      var documents: [MarkdownDocument] = []
      round.markdown = try ParseBenchmark.cpuSeconds(ParseBenchmark.processCPU) {
        documents = try notes.map { try MarkdownDocument(bytes: $0) }
      }
      round.model = ParseBenchmark.cpuSeconds(ParseBenchmark.processCPU) {
        for document in documents { _ = NoteParser(document: document, config: config).parse() }
      }
      let parsed = documents.map { ParsedNote(document: $0, config: config) }
      round.lint = ParseBenchmark.cpuSeconds(ParseBenchmark.processCPU) {
        for note in parsed { _ = NoteLinter().lint(note, config: config) }
      }
      rounds.append(round)
    }
    func median(_ value: (Round) -> Double) -> Double { Timing.median(rounds.map(value)) * 1000 }
    print("corpus: \(notes.count) notes, \(total) bytes; \(modelItems) items and compare links found")
    print("CPU time (user + system), median of \(rounds.count) rounds that run both sides back to back")
    print(String(format: "pushnote parse (Markdown, model, lint): %.1f ms", median(\.ours)))
    print(String(format: "  Markdown layer (UTF-8 check, libcmark, Swift tree): %.1f ms", median(\.markdown)))
    print(String(format: "  note model from the tree: %.1f ms", median(\.model)))
    print(String(format: "  lint: %.1f ms", median(\.lint)))
    print(String(format: "cmark CLI (render to HTML, one process): %.1f ms", median(\.reference)))
    print("ratio per round: " + rounds.map { String(format: "%.2f", $0.ours / $0.reference) }.joined(separator: " "))
    print(String(format: "ratio: %.2fx (median round; goal <= 1.5x)", Timing.median(rounds.map { $0.ours / $0.reference })))
  }

  /// CPU seconds of one round's parts.
  private struct Round {
    var ours = 0.0
    var reference = 0.0
    var markdown = 0.0
    var model = 0.0
    var lint = 0.0
  }

  /// CPU seconds this process has used.
  static func processCPU() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
  }

  /// CPU seconds the finished child processes have used.
  static func childrenCPU() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    func seconds(_ value: timeval) -> Double { Double(value.tv_sec) + Double(value.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
  }

  /// The CPU seconds (by `clock`) that `body` takes.
  ///
  /// The machine is shared, so CPU time is the fair measure.
  private static func cpuSeconds(_ clock: () -> Double, _ body: () throws -> Void) rethrows -> Double {
    let start = clock()
    try body()
    return clock() - start
  }

  /// Notes in the template's shape, with pad-era notes mixed in, until `bytes` is reached.
  static func corpus(bytes: Int) -> [[UInt8]] {
    var notes: [[UInt8]] = []
    var size = 0
    var week = 0
    let repositories = ["zamboni", "fireplace", "solitude", "webpay", "spartacus", "commbadge", "marketplace-stats", "transonic"]
    while size < bytes {
      week += 1
      let day = PushDate(daysSinceEpoch: 18_268 + 7 * week)  // from Tuesday 2020-01-07
      let previous = day.adding(days: -7)
      let tag = PushTag(date: day).name
      var text: String
      if week % 5 == 0 {
        text = "This week's push hero is cvan\nops: jason\n\nBlockers:\n\nPushing:\n\n"
        for name in repositories { text += "    https://github.com/mozilla/\(name)/compare/\(PushTag(date: previous).name)...\(tag)\n" }
        text += "\nAfter we're done:\n\n* run `./manage.py waffle_switch enable-\(week) on`\n\nstart: 9:17am Pacific\nend: 17:33 UTC\n"
      } else {
        text = "# Marketplace push \(day.iso)\n\n- Release manager: ddurst\n- QA: krupa\n- Ops: jason\n- Tag: \(tag)\n\n## Compare\n\n"
        for name in repositories { text += "- https://github.com/mozilla/\(name)/compare/\(PushTag(date: previous).name)...\(tag)\n" }
        text += "\n## Cherry-picks\n\n- [x] https://github.com/mozilla/zamboni/commit/4be0ca4973917a4f9aba5d6db94757112e639ca0 \(tag)-1\n"
        text += "- ~~https://github.com/mozilla/fireplace/commit/973611e432b8fcf7702d3c714a123cada21541d3~~\n\n## Before we push\n\n"
        for step in 1...12 {
          text += "- [\(step % 3 == 0 ? " " : "x")] Step \(step): check **stage** and `logs` for [bug \(step)](https://bugzil.la/\(step))\n"
        }
        text += "\n## Flags\n\n- [x] switch `search-\(week)` on\n- [ ] flag `paid-apps` off\n\n## Migrations\n\n"
        text += "- [x] `migrations/\(week)-add-index.sql` (zamboni)\n\n## Notes\n\n"
        for paragraph in 1...6 {
          text += "Paragraph \(paragraph) of the week's notes: *QA* found nothing worrying; see <https://example.org/\(paragraph)> and "
          text += "the dashboard, then \"ship it\" — as usual.\n\n"
        }
        text += "## Sign-offs\n\n- [x] QA: krupa \(day.iso) 12:10\n- [x] Ops: jason 12:20\n- [ ] RM:\n\n"
        text += "## Timeline\n\n- 11:02 push started\n- 11:40 stage verified\n- 17:33 UTC: Push complete\n"
      }
      let note = Array(text.utf8)
      notes.append(note)
      size += note.count
    }
    return notes
  }
}
