import Foundation

/// Reads the ISO 8601 instants the note model writes: `2026-12-01T12:10:00-08:00`, `…T20:10Z`.
enum InstantText {
  /// The instant, or nil when the text is not `YYYY-MM-DDTHH:MM[:SS][.fff](Z|±HH:MM)`.
  static func parse(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 17, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
      let date = PushDate(String(decoding: bytes[0..<10], as: UTF8.self)),
      let hour = number(bytes, 11, 2), bytes[13] == UInt8(ascii: ":"), let minute = number(bytes, 14, 2)
    else { return nil }
    var index = 16
    var second = 0.0
    if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
      guard let whole = number(bytes, index + 1, 2) else { return nil }
      second = Double(whole)
      index += 3
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
        let digitsStart = index + 1
        index = digitsStart
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        second += Double("0." + String(decoding: bytes[digitsStart..<index], as: UTF8.self)) ?? 0
      }
    }
    guard index < bytes.count else { return nil }
    var offset = 0
    if bytes[index] == UInt8(ascii: "Z") {
      guard index + 1 == bytes.count else { return nil }
    } else {
      guard bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"), let offsetHours = number(bytes, index + 1, 2)
      else { return nil }
      var offsetMinutes = 0
      var end = index + 3
      if end < bytes.count {
        if bytes[end] == UInt8(ascii: ":") { end += 1 }
        guard let minutes = number(bytes, end, 2) else { return nil }
        offsetMinutes = minutes
        end += 2
      }
      guard end == bytes.count else { return nil }
      offset = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
    }
    let seconds = Double(date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 - offset) + second
    return Date(timeIntervalSince1970: seconds)
  }

  private static func number(_ bytes: [UInt8], _ start: Int, _ count: Int) -> Int? {
    guard start + count <= bytes.count else { return nil }
    var value = 0
    for byte in bytes[start..<(start + count)] {
      guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }
}
