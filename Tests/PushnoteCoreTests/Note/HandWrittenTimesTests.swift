import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// The start and end times of hand-written notes: every pair a person can read gives a duration,
/// approximate times say so in the JSON, and what cannot be read is a lint warning naming the text.
@Suite struct HandWrittenTimesTests {
  private func parse(_ text: String, path: String = "mkt-2026-12-01.md") throws -> ParsedNote {
    try ParsedNote(bytes: Array(text.utf8), path: path, config: NotebookConfig())
  }

  @Test(arguments: [
    ("start: 1733 BST\nend: 1756 BST\n", 23 * 60, [false, false]),
    ("start: 5pm UTC\nend: ~6pm UTC\n", 60 * 60, [false, true]),
    ("start: 0933 PDT\nend: 1010 PDT\n", 37 * 60, [false, false]),
    ("start: about 11:30\nend: 11:55-ish\n", 25 * 60, [true, true]),
    ("start: 1100\nend: 1142\n", 42 * 60, [false, false]),
    ("- start time: around 9am Pacific\n- end time: 9:40am Pacific\n", 40 * 60, [true, false]),
  ])
  func everyReadablePairGivesADuration(text: String, seconds: Int, approximate: [Bool]) throws {
    let parsed = try parse("# Push 2026-12-01\n\n## Stats\n\n" + text)
    #expect(parsed.note.durationSeconds == seconds)
    #expect(parsed.note.timeline.map(\.approximate) == approximate)
    #expect(NoteLinter().lint(parsed, config: NotebookConfig()).filter { $0.message.contains("cannot read the time") }.isEmpty)
  }

  @Test func anApproximateTimeIsMarkedInTheJSONAndAnExactOneIsNot() throws {
    let parsed = try parse("# Push 2026-12-01\n\nstart: 5pm UTC\nend: ~6pm UTC\n")
    let data = try JSONEncoder().encode(parsed.note.timeline)
    let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    #expect(entries.count == 2)
    #expect(entries[0]["approximate"] == nil)
    #expect(entries[1]["approximate"] as? Bool == true)
    #expect(entries[1]["at"] as? String == "2026-12-01T10:00:00-08:00")
  }

  @Test func whatStillCannotBeReadIsAWarningNamingTheText() throws {
    let parsed = try parse("# Push 2026-12-01\n\nstart: half past five\nend: ~teatime\n")
    #expect(parsed.note.durationSeconds == nil)
    let warnings = NoteLinter().lint(parsed, config: NotebookConfig()).filter { $0.severity == .warning }.map(\.message)
    #expect(warnings.contains("cannot read the time 'half past five' of 'start'"))
    #expect(warnings.contains("cannot read the time '~teatime' of 'end'"))
  }

  /// `start:`/`end:` lines (also `start time:`, `- end time:`) as a plain scan finds them, with their values.
  private static let pairScan = try? NSRegularExpression(
    pattern: #"^[ \t]*(?:[-*][ \t]+)?(start|end)(?: time)?[ \t]*:[ \t]*(.*?)[ \t]*$"#, options: [.anchorsMatchLines, .caseInsensitive])

  @Test func everyStartEndPairOfTheAMOSampleThatAPersonCanReadGivesADuration() throws {
    let scan = try #require(HandWrittenTimesTests.pairScan)
    var pairs = 0
    var filled = 0
    var durations = 0
    for relative in AMOCorpusTests.notes {
      let text = try Fixtures.text(relative)
      var values: [String: String] = [:]
      for match in scan.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
        guard let label = Range(match.range(at: 1), in: text), let value = Range(match.range(at: 2), in: text) else { continue }
        values[text[label].lowercased()] = String(text[value])
      }
      guard let start = values["start"], let end = values["end"] else { continue }
      pairs += 1
      guard !start.isEmpty, !end.isEmpty else { continue }
      filled += 1
      let parsed = try ParsedNote(bytes: Array(text.utf8), path: relative)
      #expect(parsed.note.durationSeconds != nil, "\(relative): start: \(start) / end: \(end)")
      if parsed.note.durationSeconds != nil { durations += 1 }
    }
    // 12 start/end pairs in the sample; 9 are the template's empty fields, 3 are written.
    #expect(pairs == 12)
    #expect(filled == 3)
    #expect(durations == filled)
  }
}
