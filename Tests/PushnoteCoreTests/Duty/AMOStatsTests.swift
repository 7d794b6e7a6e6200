import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Stats over the AMO team's hand-written notes (`Tests/Fixtures/amo`), figures checked by reading the notes.
@Suite struct AMOStatsTests {
  static let stats = DutyStats.collect(notebook: Notebook(root: Fixtures.fixture("amo"), config: NotebookConfig()))

  private func week(_ day: String) throws -> WeekStats {
    try #require(Self.stats.weeks.first { $0.date.iso == day }, "no week \(day)")
  }

  @Test func padEraNotesGiveTheirDurationInAnyZone() throws {
    // "start: 5:20pm UTC / end: 6pm UTC".
    let january = try week("2017-01-05")
    #expect(january.durationSeconds == 40 * 60)
    #expect(january.file == "2017/01/05.md")
    #expect(january.releaseManager == "cgrebs")
    #expect((january.pushes, january.cherryPicks) == (1, 0))
    // "start: 9:11am Pacific / end: 9:43am Pacific"; tag 2017.04.13-1; one commit link to pick.
    let april = try week("2017-04-13")
    #expect(april.durationSeconds == 32 * 60)
    #expect((april.pushes, april.cherryPicks, april.releaseManager) == (2, 1, "tofumatt"))
    // "start: 16:26 UTC / end: 17:05 UTC"; tag 2017.07.20-2; three commit links.
    let july = try week("2017-07-20")
    #expect(july.durationSeconds == 39 * 60)
    #expect((july.pushes, july.cherryPicks, july.releaseManager) == (3, 3, "mat"))
  }

  @Test func markdownEraNotesCountRepeatTagsAndStruckCherryPicks() throws {
    // Tag 2019.08.01-3, three struck-through commit links, three struck checklist items, empty start and end.
    let august = try week("2019-08-01")
    #expect((august.pushes, august.cherryPicks, august.releaseManager) == (4, 3, "eviljeff"))
    #expect((august.checklistDone, august.checklistTotal) == (3, 3))
    #expect(august.durationSeconds == nil)
    // Tag 2020.05.28-4, four struck-through commit links.
    let may = try week("2020-05-28")
    #expect((may.pushes, may.cherryPicks) == (5, 4))
  }

  @Test func totalsOverTheSample() {
    let totals = Self.stats.totals
    #expect(totals.weeks == 24)
    #expect(totals.weeksWithDuration == 3)
    #expect(totals.medianDurationSeconds == 39 * 60)
    #expect(totals.weeksWithRepeatPush == 13)
    #expect(Self.stats.quarters.first?.quarter == "2017-Q1")
    #expect(Self.stats.quarters.count == 24)
  }

  @Test func whatANoteDoesNotSayIsAWarningWithItsLine() {
    let warnings = Self.stats.warnings.map(\.description)
    // "start: " and "end:" are there in 2018/09/06.md but empty.
    #expect(warnings.contains("2018/09/06.md:32:1: warning: no time read in timeline entry 'start'"))
    #expect(warnings.contains("2018/09/06.md:1:1: warning: no push duration: no start and end time read"))
    #expect(!warnings.contains { $0.hasPrefix("2017/01/05.md") })
  }
}
