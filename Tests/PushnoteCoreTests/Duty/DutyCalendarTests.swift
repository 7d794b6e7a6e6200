import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct DutyCalendarTests {
  /// What the Python oracle read.
  struct Oracle: Decodable {
    struct Event: Decodable {
      var uid: String
      var summary: String
      var description: String
      var stamp: String
      var tzid: String
      var startByTzid: String
      var startByVtimezone: String
      var durationMinutes: Int
      var alarmMinutes: [Int]
    }
    var endsWithCrlf: Bool
    var bareLineFeeds: Int
    var longestLineOctets: Int
    var timezones: [String]
    var events: [Event]
  }

  /// Reads the oracle's snake_case JSON.
  static let snakeCaseDecoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return decoder
  }()

  static let stamp = Date(timeIntervalSince1970: 1_796_151_600)  // 2026-12-01T19:00:00Z

  /// Rotation on 2026 Tuesdays from 2026-10-27: ddurst, cvan (swap), andym, skipped, ddurst, cvan, andym, ddurst, cvan.
  static func notebook(
    zone: String = "America/Los_Angeles", extra: String = "", change: (inout NotebookConfig) -> Void = { _ in }
  )
    throws -> Notebook
  {
    let yaml = """
      product: Marketplace
      timezone: \(zone)
      rotation: [ddurst, cvan, andym]
      swaps: {"2026-11-03": cvan}
      skips: [2026-11-17]
      pad: {url: "https://etherpad.example.org"}
      \(extra)
      """
    var config = try NotebookConfig(yaml: yaml, path: "pushnote.yml")
    change(&config)
    return Notebook(root: "/srv/notebook", config: config)
  }

  static func readWithPython(_ text: String) async throws -> Oracle {
    let folder = try TemporaryDirectory()
    let path = folder.appending("duty.ics")
    try AtomicFile.write(text, to: path)
    let result = try await ProcessRunner.run("python3", [Fixtures.fixture("duty/ics_oracle.py"), path])
    #expect(result.status == 0, "\(result.stderr)")
    return try Self.snakeCaseDecoder.decode(Oracle.self, from: Data(result.stdout.utf8))
  }

  static func utc(_ instant: Date) -> String {
    ISO8601DateFormatter().string(from: instant).replacingOccurrences(of: "Z", with: "+00:00")
  }

  private func date(_ text: String) throws -> PushDate { try #require(PushDate(text)) }

  @Test func eventStartsAreRightInUTCAcrossTheAutumnChange() async throws {
    // US daylight-saving time ends on 2026-11-01: 11:00 is 18:00Z before and 19:00Z after.
    let calendar = DutyCalendar(notebook: try Self.notebook(), stamp: Self.stamp)
    let text = calendar.ics(for: try calendar.turns(from: try date("2026-10-27"), weeks: 2, person: nil))
    let oracle = try await Self.readWithPython(text)
    let starts = Dictionary(uniqueKeysWithValues: oracle.events.map { ($0.uid, $0.startByVtimezone) })
    #expect(starts["mkt-2026-10-27-tag@marketplace.pushnote"] == "2026-10-23T18:00:00+00:00")
    #expect(starts["mkt-2026-10-27-push@marketplace.pushnote"] == "2026-10-27T18:00:00+00:00")
    #expect(starts["mkt-2026-10-27-announcement@marketplace.pushnote"] == "2026-10-27T20:00:00+00:00")
    #expect(starts["mkt-2026-11-03-tag@marketplace.pushnote"] == "2026-10-30T18:00:00+00:00")
    #expect(starts["mkt-2026-11-03-push@marketplace.pushnote"] == "2026-11-03T19:00:00+00:00")
    #expect(starts["mkt-2026-11-03-announcement@marketplace.pushnote"] == "2026-11-03T21:00:00+00:00")
    #expect(oracle.events.allSatisfy { $0.startByTzid == $0.startByVtimezone })
  }

  @Test(arguments: ["America/Los_Angeles", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "UTC"])
  func everyStartAgreesWithTheZoneDatabaseThroughTheOwnVTimeZone(zone: String) async throws {
    // 30 weeks from March cover both changes of the northern and the southern hemisphere.
    let notebook = try Self.notebook(zone: zone)
    let calendar = DutyCalendar(notebook: notebook, stamp: Self.stamp)
    let events = try calendar.turns(from: try date("2026-03-01"), weeks: 30, person: nil).flatMap(calendar.events(for:))
    let oracle = try await Self.readWithPython(calendar.ics(events: events))
    // Foundation names UTC "GMT"; both are zones of the IANA database.
    #expect(oracle.timezones == [notebook.config.timeZone.identifier])
    #expect(oracle.events.count == events.count)
    for (mine, theirs) in zip(events, oracle.events) {
      #expect(theirs.uid == mine.uid)
      #expect(theirs.startByVtimezone == Self.utc(mine.start), "\(mine.uid) in \(zone)")
      #expect(theirs.startByTzid == Self.utc(mine.start), "\(mine.uid) in \(zone)")
    }
  }

  @Test func eventsCarryTheWeekTheRotationAndTheAlarms() async throws {
    let notebook = try Self.notebook(
      extra: "calendar: {push_duration_minutes: 90}\nmail: {note_url: \"https://notes.example.org/{{path}}\"}")
    let calendar = DutyCalendar(notebook: notebook, stamp: Self.stamp)
    let oracle = try await Self.readWithPython(calendar.ics(for: try calendar.turns(from: try date("2026-11-10"), weeks: 3, person: nil)))
    // 2026-11-17 is skipped: two weeks of three events each.
    #expect(oracle.events.map(\.uid).filter { $0.contains("2026-11-17") }.isEmpty)
    #expect(oracle.events.count == 6)
    let push = try #require(oracle.events.first { $0.uid == "mkt-2026-11-10-push@marketplace.pushnote" })
    #expect(push.summary == "Marketplace push 2026-11-10: andym (release manager)")
    #expect(push.durationMinutes == 90)
    #expect(push.alarmMinutes == [15])
    #expect(push.stamp == "2026-12-01T19:00:00+00:00")
    #expect(push.tzid == "America/Los_Angeles")
    #expect(
      push.description.hasPrefix(
        "Note: https://notes.example.org/2026/mkt-2026-11-10.md\nPad: https://etherpad.example.org/p/mkt-2026-11-10\n"))
    let tag = try #require(oracle.events.first { $0.uid == "mkt-2026-11-10-tag@marketplace.pushnote" })
    #expect(tag.summary == "Marketplace tag 2026.11.10: andym (release manager)")
    #expect(tag.alarmMinutes == [15])
    let announcement = try #require(oracle.events.first { $0.uid == "mkt-2026-11-10-announcement@marketplace.pushnote" })
    #expect(announcement.alarmMinutes.isEmpty)
    #expect(announcement.startByVtimezone == "2026-11-10T20:30:00+00:00")
    // The week after 2026-11-10 is skipped: the hand-over goes to who pushes next, on 2026-11-24.
    #expect(announcement.description.hasSuffix("Run: pushnote mail --send and hand over to ddurst (pushnote mail --handover)."))
  }

  @Test func textIsEscapedFoldedAndEndsInCRLF() async throws {
    let product = "Firefox Marketplace; \"the store\", with a long name: Ünïcödé 🚀 and more words to make it fold"
    let notebook = try Self.notebook { $0.product = product }
    let calendar = DutyCalendar(notebook: notebook, stamp: Self.stamp)
    let text = calendar.ics(for: try calendar.turns(from: try date("2026-12-01"), weeks: 1, person: nil))
    let oracle = try await Self.readWithPython(text)
    #expect(oracle.endsWithCrlf)
    #expect(oracle.bareLineFeeds == 0)
    #expect(oracle.longestLineOctets <= 75)
    #expect(text.contains("\r\n "), "the long summary is folded")
    #expect(oracle.events.first?.summary == "\(product) tag 2026.12.01: cvan (release manager)")
  }

  @Test func uidsStayWhenTheStampOrTheReleaseManagerChanges() throws {
    let before = DutyCalendar(notebook: try Self.notebook(), stamp: Self.stamp)
    let start = try date("2026-12-01")
    let after = DutyCalendar(notebook: try Self.notebook { $0.swaps = [start: "ddurst"] }, stamp: Date())
    let old = try before.turns(from: start, weeks: 1, person: nil).flatMap(before.events(for:))
    let new = try after.turns(from: start, weeks: 1, person: nil).flatMap(after.events(for:))
    #expect(old.map(\.uid) == new.map(\.uid))
    #expect(old[1].summary.contains("cvan") && new[1].summary.contains("ddurst"))
  }

  @Test func personFiltersTheWeeksAndUnknownPeopleAreRefused() throws {
    let calendar = DutyCalendar(notebook: try Self.notebook(), stamp: Self.stamp)
    let turns = try calendar.turns(from: try date("2026-10-27"), weeks: 9, person: "cvan")
    // cvan: the swap on 11-03, then the rotation (11-17 is skipped, shifting later turns by one).
    #expect(turns.map(\.date.iso) == ["2026-11-03", "2026-12-01", "2026-12-22"])
    #expect(turns.first?.reason == .swap)
    let error = #expect(throws: DutyError.self) { try calendar.turns(from: try date("2026-10-27"), weeks: 9, person: "zed") }
    #expect(error?.exitStatus == .usage)
  }

  @Test func oneWeekForTheHandOverMatchesItsGoldenFile() throws {
    let text = try DutyCalendar.icsForWeek(try date("2026-11-03"), notebook: try Self.notebook(), stamp: Self.stamp)
    #expect(text == (try Fixtures.text("duty/week-2026-11-03.ics")))
    #expect(throws: DutyError.notPushDay(try date("2026-11-04"), pushWeekday: .tuesday)) {
      try DutyCalendar.icsForWeek(try date("2026-11-04"), notebook: try Self.notebook(), stamp: Self.stamp)
    }
  }
}
