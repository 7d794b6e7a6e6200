import Foundation
import PushnoteCore
import Testing

@Suite struct PushDateTests {
  @Test func civilDayArithmeticAgreesWithFoundation() throws {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
    // From 1583 on: before the Gregorian reform Foundation counts Julian days.
    for offset in stride(from: -140_000, through: 2_900_000, by: 997) {
      let date = PushDate(daysSinceEpoch: offset)
      let instant = Date(timeIntervalSince1970: Double(offset) * 86_400)
      let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: instant)
      #expect([date.year, date.month, date.day] == [parts.year, parts.month, parts.day])
      #expect(date.daysSinceEpoch == offset)
      // Foundation: 1 = Sunday ... 7 = Saturday.
      #expect((date.weekday.index + 1) % 7 + 1 == parts.weekday)
    }
  }

  @Test func parsingAndNames() throws {
    let date = try #require(PushDate("2026-12-01"))
    #expect(date.weekday == .tuesday)
    #expect(PushDate("2026.12.01") == date && PushDate("2026/12/01") == date)
    #expect(PushDate("2026-02-29") == nil && PushDate("2024-02-29") != nil)
    #expect(PushDate("YYYY-MM-DD") == nil && PushDate("2026-1-01") == nil && PushDate("2026-12-01x") == nil)
    #expect(date.previous(.friday, includingToday: false).iso == "2026-11-27")
    #expect(date.next(.tuesday, includingToday: false).iso == "2026-12-08")
    #expect(PushTag("2026.12.01-2")?.repeatNumber == 2)
    #expect(PushTag("2026.12.01")?.next.name == "2026.12.01-1")
    #expect(PushTag("2026-12-01") == nil && PushTag("2026.12.01-") == nil && PushTag("2026.12.01-x") == nil)
    #expect(try #require(PushTag("2026.12.01-1")) < (try #require(PushTag("2026.12.01-2"))))
  }

  /// Whatever the text, the parse gives what splitting it and reading each part with `Int` gives
  /// (the usual digits are read from the bytes; signs, other lengths and other characters are not).
  @Test func parsingAgreesWithSplittingAndReadingEachPart() {
    func reference(_ text: String) -> PushDate? {
      let parts = text.split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "." || $0 == "/" }
      guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
        parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
        let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
      else { return nil }
      return PushDate(year: year, month: month, day: day)
    }
    let years = ["2026", "0001", "9999", "0000", "+202", "-202", "202", "20261", "２０２６", "20x6"]
    let days = ["12", "01", "02", "29", "30", "31", "00", "13", "+1", "-1", "1", "١٢", "x1", ""]
    let separators = ["-", ".", "/", ":", " ", ""]
    var parsed = 0
    for year in years {
      for first in separators {
        for month in days {
          for second in separators {
            for day in days {
              let text = year + first + month + second + day
              #expect(PushDate(text) == reference(text), "\(text)")
              #expect(PushDate(Substring(text)) == reference(text), "\(text)")
              if reference(text) != nil { parsed += 1 }
            }
          }
        }
      }
    }
    #expect(parsed > 1_000)
  }

  @Test func instantsInTheTeamZoneAcrossDaylightSaving() throws {
    let zone = try #require(TimeZone(identifier: "America/Los_Angeles"))
    let summer = try #require(PushDate("2026-10-27")).instant(at: .eleven, in: zone)
    let winter = try #require(PushDate("2026-11-03")).instant(at: .eleven, in: zone)
    #expect(summer.timeIntervalSince1970 == 1_793_124_000)  // 18:00 UTC
    #expect(winter.timeIntervalSince1970 == 1_793_732_400)  // 19:00 UTC
    #expect(PushDate(winter, in: zone).iso == "2026-11-03")
  }
}
