import Foundation
import PushnoteCore
import Testing

@Suite struct ICalendarTextTests {
  @Test func escapesTextAsRFC5545Says() {
    #expect(ICalendarText.escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf")
    #expect(ICalendarText.escape("tab\there") == "tab here")
  }

  @Test func shortLinesAreNotFolded() {
    let line = String(repeating: "x", count: 75)
    #expect(ICalendarText.fold(line) == line + "\r\n")
  }

  @Test func longLinesFoldAt75OctetsAndUnfoldToTheOriginal() {
    let line = "DESCRIPTION:" + String(repeating: "0123456789", count: 20)
    let folded = ICalendarText.fold(line)
    let physical = folded.components(separatedBy: "\r\n").dropLast()
    #expect(physical.count == 3)
    #expect(physical.allSatisfy { $0.utf8.count <= 75 })
    #expect(physical.first?.utf8.count == 75)
    #expect(physical.dropFirst().allSatisfy { $0.hasPrefix(" ") })
    #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == line + "\r\n")
  }

  @Test func foldingNeverSplitsAUTF8Sequence() {
    // 'é' is two octets and '🚀' four: whatever the offset, each physical line must be valid UTF-8.
    for padding in 0..<4 {
      let line = "SUMMARY:" + String(repeating: "a", count: padding) + String(repeating: "é🚀", count: 30)
      let bytes = Array(ICalendarText.fold(line).utf8)
      var lines: [[UInt8]] = [[]]
      var index = 0
      while index < bytes.count {
        if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
          lines.append([])
          index += 2
        } else {
          lines[lines.count - 1].append(bytes[index])
          index += 1
        }
      }
      for physical in lines {
        #expect(physical.count <= 75)
        #expect(String(validating: physical, as: UTF8.self) != nil, "padding \(padding): a line is not valid UTF-8")
      }
      let unfolded = lines.enumerated().map { $0.offset == 0 ? $0.element : Array($0.element.dropFirst()) }.joined()
      #expect(String(decoding: Array(unfolded), as: UTF8.self) == line)
    }
  }

  @Test func formatsDateTimesAndOffsets() {
    let instant = Date(timeIntervalSince1970: 1_796_151_600)  // 2026-12-01T19:00:00Z
    #expect(ICalendarText.utcDateTime(instant) == "20261201T190000Z")
    #expect(ICalendarText.localDateTime(instant, offsetSeconds: -8 * 3600) == "20261201T110000")
    #expect(ICalendarText.localDateTime(Date(timeIntervalSince1970: -1), offsetSeconds: 0) == "19691231T235959")
    #expect(ICalendarText.utcOffset(-8 * 3600) == "-0800")
    #expect(ICalendarText.utcOffset(19_800) == "+0530")
    #expect(ICalendarText.utcOffset(-(3600 + 15 * 60 + 45)) == "-011545")
    #expect(ICalendarText.duration(minutes: 120) == "PT120M")
    #expect(ICalendarText.duration(minutes: -15) == "-PT15M")
  }
}
