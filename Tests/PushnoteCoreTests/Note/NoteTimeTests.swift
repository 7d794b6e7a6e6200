import Foundation
import PushnoteCore
import Testing

/// Times as notes write them, resolved on the push date in the notebook's zone.
@Suite struct NoteTimeTests {
  private static let pacific = TimeZone(identifier: "America/Los_Angeles") ?? .current
  private static let day = PushDate(year: 2026, month: 12, day: 1)

  private func iso(_ text: String, on day: PushDate? = NoteTimeTests.day) -> String? {
    NoteTime.parse(text, on: day, in: NoteTimeTests.pacific).map { NoteTime.iso($0, in: NoteTimeTests.pacific) }
  }

  @Test(arguments: [
    ("11:02", "2026-12-01T11:02:00-08:00"),
    ("9:17am", "2026-12-01T09:17:00-08:00"),
    ("9:17 a.m.", "2026-12-01T09:17:00-08:00"),
    ("12:05am", "2026-12-01T00:05:00-08:00"),
    ("6pm UTC", "2026-12-01T10:00:00-08:00"),
    ("9:17am Pacific", "2026-12-01T09:17:00-08:00"),
    ("17:33 UTC", "2026-12-01T09:33:00-08:00"),
    ("6:03pm CEST", "2026-12-01T08:03:00-08:00"),
    ("2026-12-01 11:02 PST", "2026-12-01T11:02:00-08:00"),
    ("2026-12-02 11:02", "2026-12-02T11:02:00-08:00"),
    ("2026-12-01T11:02:00-08:00", "2026-12-01T11:02:00-08:00"),
    ("2026-12-01T19:02:00Z", "2026-12-01T11:02:00-08:00"),
    ("2026-12-01T20:02:00.250+01:00", "2026-12-01T11:02:00-08:00"),
    ("11:02 Europe/Berlin", "2026-12-01T02:02:00-08:00"),
    ("10:00 UTC+2", "2026-12-01T00:00:00-08:00"),
  ])
  func readsTheFormsOfRealNotes(text: String, expected: String) {
    #expect(iso(text) == expected)
  }

  @Test(arguments: [
    ("1733 BST", "2026-12-01T08:33:00-08:00", false),
    ("0933 PDT", "2026-12-01T08:33:00-08:00", false),
    ("5pm UTC", "2026-12-01T09:00:00-08:00", false),
    ("~6pm UTC", "2026-12-01T10:00:00-08:00", true),
    ("~ 6pm UTC", "2026-12-01T10:00:00-08:00", true),
    ("about 11:30", "2026-12-01T11:30:00-08:00", true),
    ("around 9am Pacific", "2026-12-01T09:00:00-08:00", true),
    ("approx. 17:00 UTC", "2026-12-01T09:00:00-08:00", true),
    ("ca. 17:00", "2026-12-01T17:00:00-08:00", true),
    ("11:30-ish", "2026-12-01T11:30:00-08:00", true),
    ("11:30ish", "2026-12-01T11:30:00-08:00", true),
    ("5pm UTC-ish", "2026-12-01T09:00:00-08:00", true),
  ])
  func readsHandWrittenCompactAndApproximateTimes(text: String, expected: String, approximate: Bool) throws {
    #expect(iso(text) == expected)
    let match = try #require(NoteTime.leading(Array(text.utf8), from: 0, on: NoteTimeTests.day, in: NoteTimeTests.pacific))
    #expect(match.approximate == approximate)
    #expect(match.length == text.utf8.count)
  }

  @Test(arguments: [
    "1733", "17330 UTC", "2460 UTC", "1799 BST", "about", "about noon", "aboutt 11:30", "11:30-ishy", "11:30 ish-ish", "~", "~ noon",
    "abouts 11:30", "11:30-is",
  ])
  func neighboursOfTheHandWrittenFormsAreNotTimes(text: String) {
    #expect(iso(text) == nil)
  }

  @Test func fourDigitsAloneAreATimeOnlyAsAFieldsValue() {
    let bytes = Array("1733".utf8)
    #expect(NoteTime.leading(bytes, from: 0, on: NoteTimeTests.day, in: NoteTimeTests.pacific) == nil)
    let field = NoteTime.leading(bytes, from: 0, on: NoteTimeTests.day, in: NoteTimeTests.pacific, bareFourDigits: true)
    #expect(field.map { NoteTime.iso($0.date, in: NoteTimeTests.pacific) } == "2026-12-01T17:33:00-08:00")
  }

  @Test func pacificFollowsDaylightSavingTime() {
    #expect(iso("9:11am Pacific", on: PushDate(year: 2017, month: 4, day: 13)) == "2017-04-13T09:11:00-07:00")
    #expect(iso("9:11am PST", on: PushDate(year: 2017, month: 4, day: 13)) == "2017-04-13T10:11:00-07:00")
  }

  @Test(arguments: ["", "11", "25:00", "11:60", "13pm", "11:02 tomorrow", "noon", "2026-12-01", "11:02-11:30", "1102"])
  func refusesWhatIsNotATime(text: String) {
    #expect(NoteTime.parse(text, on: NoteTimeTests.day, in: NoteTimeTests.pacific) == nil)
  }

  @Test func aTimeWithoutADateNeedsTheDay() {
    #expect(NoteTime.parse("11:02", on: nil, in: NoteTimeTests.pacific) == nil)
    #expect(NoteTime.parse("2026-12-01 11:02", on: nil, in: NoteTimeTests.pacific) != nil)
  }

  @Test func isoUsesTheZonesOffsetAtThatInstant() throws {
    let utc = try #require(TimeZone(identifier: "UTC"))
    let instant = Date(timeIntervalSince1970: 1_796_151_720)  // 2026-12-01T19:02:00Z
    #expect(NoteTime.iso(instant, in: utc) == "2026-12-01T19:02:00+00:00")
    #expect(NoteTime.iso(instant, in: NoteTimeTests.pacific) == "2026-12-01T11:02:00-08:00")
  }

  @Test func findsATimeInsideText() throws {
    let bytes = Array("krupa at 2026-12-01 12:10 (late)".utf8)
    let found = try #require(NoteTime.first(in: bytes, range: 0..<bytes.count, on: nil, in: NoteTimeTests.pacific))
    #expect(found.start == 9)
    #expect(found.match.hasDate && !found.match.hasZone)
    #expect(found.match.length == "2026-12-01 12:10".utf8.count)
  }
}
