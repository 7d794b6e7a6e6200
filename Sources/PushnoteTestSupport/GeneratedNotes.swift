import PushnoteCore

/// Generated notes for the benchmarks and the tests that keep the output of big notes unchanged.
public enum GeneratedNotes {
  /// The repositories the generated compare links name.
  static let repositories = ["zamboni", "fireplace", "solitude", "webpay", "spartacus", "commbadge", "marketplace-stats", "transonic"]

  /// Notes in the template's shape, with pad-era notes mixed in (every fifth), until `bytes` is reached.
  ///
  /// The sequence is fixed: week N is the same note in every run.
  public static func weeks(bytes: Int) -> [[UInt8]] {
    var notes: [[UInt8]] = []
    var size = 0
    var week = 0
    while size < bytes {
      week += 1
      let note = Array(self.week(week).utf8)
      notes.append(note)
      size += note.count
    }
    return notes
  }

  /// The note of week `week`, counted from Tuesday 2020-01-07.
  public static func week(_ week: Int) -> String {
    let day = PushDate(daysSinceEpoch: 18_268 + 7 * week)
    let previous = day.adding(days: -7)
    let tag = PushTag(date: day).name
    var text: String
    if week % 5 == 0 {
      text = "This week's push hero is cvan\nops: jason\n\nBlockers:\n\nPushing:\n\n"
      for name in repositories { text += "    https://github.com/mozilla/\(name)/compare/\(PushTag(date: previous).name)...\(tag)\n" }
      text += "\nAfter we're done:\n\n* run `./manage.py waffle_switch enable-\(week) on`\n\nstart: 9:17am Pacific\nend: 17:33 UTC\n"
      return text
    }
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
    return text
  }

  /// One note of about `bytes` bytes of short lines: checklist items, timeline entries, text,
  /// blank lines, now and then a compare link, and a `##` section every 2,000 lines.
  ///
  /// The lines are drawn from `seed`, so the same seed gives the same note.
  public static func shortLines(bytes: Int, seed: UInt64) -> [UInt8] { lines(bytes: bytes, seed: seed, asOneList: false) }

  /// One note of about `bytes` bytes that is a single list under one heading, with no blank line.
  ///
  /// The mix of ``shortLines(bytes:seed:)``, with nested items for its text and blank lines and
  /// no `##` sections, as in a log pasted into a note: without a blank line, only item starts can
  /// cut it.
  ///
  /// The lines are drawn from `seed`, so the same seed gives the same note.
  public static func oneList(bytes: Int, seed: UInt64) -> [UInt8] { lines(bytes: bytes, seed: seed, asOneList: true) }

  /// The short lines of either note.
  private static func lines(bytes: Int, seed: UInt64, asOneList: Bool) -> [UInt8] {
    var random = SeededRandom(seed: seed)
    var text = Array("# Marketplace push 2026-12-01\n\n- Release manager: ddurst\n- Tag: 2026.12.01\n\n".utf8)
    if asOneList { text += Array("## Log\n\n".utf8) }
    text.reserveCapacity(bytes + 100)
    var line = 0
    while text.count < bytes {
      if !asOneList, line % 2000 == 0 { text += Array("\n## Section \(line / 2000)\n\n".utf8) }
      line += 1
      let entry: String
      switch random.below(100) {
      case 0..<35: entry = "- [ ] step \(line)\n"
      case 35..<55: entry = "- [x] step \(line)\n"
      case 55..<65: entry = "- 11:\(10 + random.below(50)) event \(line)\n"
      case 65..<80: entry = asOneList ? "  - detail \(line)\n" : "text \(line)\n"
      case 80: entry = "- https://github.com/mozilla/zamboni/compare/2026.11.24...2026.12.01\n"
      default: entry = asOneList ? "  - detail \(line)\n" : "\n"
      }
      text += Array(entry.utf8)
    }
    return text
  }
}
