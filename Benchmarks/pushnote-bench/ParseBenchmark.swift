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
    let notes = GeneratedNotes.weeks(bytes: bytes)
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
      let sources = try notes.map { try SourceText(bytes: $0) }
      round.markdown = try ParseBenchmark.cpuSeconds(ParseBenchmark.processCPU) {
        for source in sources { _ = try MarkdownDocument(source: source) }
      }
      round.model = try ParseBenchmark.cpuSeconds(ParseBenchmark.processCPU) {
        for source in sources { _ = try NoteParser(source: source, config: config).parse() }
      }
      let parsed = try sources.map { try ParsedNote(source: $0, config: config) }
      round.lint = ParseBenchmark.cpuSeconds(ParseBenchmark.processCPU) {
        for note in parsed { _ = NoteLinter().lint(note, config: config) }
      }
      rounds.append(round)
    }
    func median(_ value: (Round) -> Double) -> Double { Timing.median(rounds.map(value)) * 1000 }
    print("corpus: \(notes.count) notes, \(total) bytes; \(modelItems) items and compare links found")
    print("CPU time (user + system), median of \(rounds.count) rounds that run both sides back to back")
    print(String(format: "pushnote parse (Markdown, model, lint): %.1f ms", median(\.ours)))
    print(String(format: "  Markdown layer alone (libcmark, Swift tree of the whole note): %.1f ms", median(\.markdown)))
    print(String(format: "  note model (libcmark and the model, piece by piece, no tree kept): %.1f ms", median(\.model)))
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
}
