import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct DutyStatsTests {
  /// A note as `pushnote show --json` would give it.
  static func note(
    start: String? = nil, end: String? = nil, timeline extra: [String] = [], signoffs: [String] = [], pushes: Int = 1, cherryPicks: Int = 0,
    items: [String] = [], releaseManager: String? = nil, duration: Int? = nil
  ) throws -> Note {
    var timeline: [[String: Any]] = []
    if let start { timeline.append(["event": "start", "at": start, "line": 10]) }
    if let end { timeline.append(["event": "end", "at": end, "line": 11]) }
    timeline += extra.enumerated().map { ["event": $0.element, "line": 12 + $0.offset] }
    var json: [String: Any] = [
      "people": releaseManager.map { ["release_manager": $0] } ?? [:],
      "sections": [
        [
          "title": "Checklist", "level": 2, "line": 3,
          "items": items.enumerated().map { ["text": "item \($0.offset)", "state": $0.element, "line": 4 + $0.offset] },
          "progress": ["done": items.count { $0 == "done" }, "total": items.count { $0 != "na" }],
        ]
      ],
      "compare": [], "flags": [], "migrations": [], "problems": [],
      "cherry_picks": (0..<cherryPicks).map { ["repo": "mozilla/addons", "sha": "abc\($0)", "url": "u", "done": true, "line": 20 + $0] },
      "signoffs": signoffs.enumerated().map { ["role": "qa", "at": $0.element, "done": true, "line": 30 + $0.offset] },
      "timeline": timeline, "pushes": pushes,
    ]
    if let duration { json["duration_seconds"] = duration }
    let data = try JSONSerialization.data(withJSONObject: json)
    return try JSONDecoder().decode(Note.self, from: data)
  }

  private func date(_ text: String) throws -> PushDate { try #require(PushDate(text)) }

  @Test func aWeekCountsItsNote() throws {
    let note = try Self.note(
      start: "2026-12-01T11:00:00-08:00", end: "2026-12-01T12:30:00-08:00",
      signoffs: ["2026-12-01T12:10:00-08:00", "2026-12-01T20:40:00Z"], pushes: 2, cherryPicks: 3,
      items: ["done", "done", "open", "na"], releaseManager: "cvan", duration: 5400)
    let (week, warnings) = WeekStats.read(note, date: try date("2026-12-01"), file: "2026/mkt-2026-12-01.md")
    #expect(week.durationSeconds == 5400)
    #expect(week.pushes == 2 && week.repeated)
    #expect(week.cherryPicks == 3)
    #expect((week.checklistDone, week.checklistTotal) == (2, 3))
    #expect(week.secondsToLastSignoff == 100 * 60)  // 11:00 -08:00 to 20:40Z is 1 h 40 min.
    #expect(week.releaseManager == "cvan")
    #expect(warnings.isEmpty)
  }

  @Test func whatCannotBeReadBecomesWarnings() throws {
    let note = try Self.note(timeline: ["Push complete, around lunch"], signoffs: ["2017-06-15T12:00:00-07:00"])
    let (week, warnings) = WeekStats.read(note, date: try date("2017-06-15"), file: "2017/06/15.md")
    #expect(week.durationSeconds == nil && week.secondsToLastSignoff == nil)
    #expect(
      warnings.map(\.description) == [
        "2017/06/15.md:12:1: warning: no time read in timeline entry 'Push complete, around lunch'",
        "2017/06/15.md:1:1: warning: no push duration: no start and end time read",
      ])
  }

  @Test func totalsAndQuartersSumTheWeeks() throws {
    func week(_ day: String, _ minutes: Int?, pushes: Int = 1) throws -> WeekStats {
      WeekStats.read(
        try Self.note(pushes: pushes, items: ["done", "open"], duration: minutes.map { $0 * 60 }), date: try date(day), file: day
      ).week
    }
    let stats = DutyStats(
      weeks: [
        try week("2017-05-02", 60), try week("2017-01-03", 30), try week("2017-02-07", 90, pushes: 3),
        try week("2017-03-07", nil), try week("2017-04-04", 120, pushes: 2),
      ], warnings: [])
    #expect(stats.weeks.map(\.date.iso) == ["2017-01-03", "2017-02-07", "2017-03-07", "2017-04-04", "2017-05-02"])
    #expect(stats.totals.weeks == 5 && stats.totals.weeksWithDuration == 4)
    #expect(stats.totals.medianDurationSeconds == 75 * 60)
    #expect(stats.totals.pushes == 8)
    #expect(stats.totals.weeksWithRepeatPush == 2)
    #expect(stats.totals.repeatPushShare == 0.4)
    #expect((stats.totals.checklistDone, stats.totals.checklistTotal) == (5, 10))
    #expect(stats.quarters.map(\.quarter) == ["2017-Q1", "2017-Q2"])
    #expect(stats.quarters.map(\.medianDurationSeconds) == [60 * 60, 90 * 60])
    #expect(stats.quarters.map(\.weeks) == [3, 2])
    #expect(stats.quarters[1].repeatPushShare == 0.5)
  }

  @Test func medianAndQuarterNames() throws {
    #expect(DutyStats.median([]) == nil)
    #expect(DutyStats.median([5, 1, 3]) == 3)
    #expect(DutyStats.median([4, 1, 3, 2]) == 2)
    #expect(DutyStats.quarter(of: try date("2017-12-31")) == "2017-Q4")
    #expect(DutyStats.quarter(of: try date("2018-04-01")) == "2018-Q2")
  }

  @Test func csvHasAHeaderAndQuotesWhatNeedsIt() throws {
    let note = try Self.note(items: ["done"], releaseManager: "Smith, \"Jo\"", duration: 600)
    let week = WeekStats.read(note, date: try date("2017-06-15"), file: "2017/06/15.md").week
    let formula = WeekStats.read(try Self.note(releaseManager: "=cmd()"), date: try date("2017-06-22"), file: "2017/06/22.md").week
    let csv = StatsTable.csv(DutyStats(weeks: [week, formula], warnings: []))
    #expect(
      csv == "date,file,release_manager,duration_seconds,pushes,cherry_picks,checklist_done,checklist_total,seconds_to_last_signoff\r\n"
        + "2017-06-15,2017/06/15.md,\"Smith, \"\"Jo\"\"\",600,1,0,1,1,\r\n"
        + "2017-06-22,2017/06/22.md,'=cmd(),,1,0,0,0,\r\n")
  }

  @Test func collectReadsEveryDatedNoteAndWarnsAboutTheRest() throws {
    let folder = try TemporaryDirectory()
    for path in ["2017/06/15.md", "2017/06/22.md", "2018/01/04.md", "misc/ideas.md", "2018/broken.md"] {
      try FileManager.default.createDirectory(
        atPath: (folder.appending(path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try AtomicFile.write("x", to: folder.appending(path))
    }
    let notebook = Notebook(root: folder.path, config: NotebookConfig())
    struct Unreadable: Error, CustomStringConvertible { var description: String { "invalid UTF-8 at byte offset 7" } }
    let stats = DutyStats.collect(notebook: notebook, since: try date("2017-06-20")) { path in
      if path.hasSuffix("broken.md") { throw Unreadable() }
      return try Self.note(duration: 600)
    }
    #expect(stats.weeks.map(\.file) == ["2017/06/22.md", "2018/01/04.md"])
    #expect(
      stats.warnings.map(\.description).sorted() == [
        "2018/broken.md:1:1: warning: not read: invalid UTF-8 at byte offset 7",
        "misc/ideas.md:1:1: warning: no push date in the path or the note; left out",
      ])
  }
}
