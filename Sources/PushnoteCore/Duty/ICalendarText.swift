import Foundation

/// The text rules of RFC 5545: escaped values, date-times, and content lines folded at 75 octets
/// ending in CRLF.
public enum ICalendarText {
  /// The longest content line, in octets, before it is folded (RFC 5545 §3.1).
  public static let maximumLineOctets = 75

  /// A TEXT value escaped (§3.3.11): backslash, semicolon, comma, and line breaks as `\n`.
  public static func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    var previousWasCarriageReturn = false
    for scalar in text.unicodeScalars {
      defer { previousWasCarriageReturn = scalar == "\r" }
      switch scalar {
      case "\\": result += "\\\\"
      case ";": result += "\\;"
      case ",": result += "\\,"
      case "\r": result += "\\n"
      case "\n": if !previousWasCarriageReturn { result += "\\n" }
      default:
        // Other control characters are not allowed in TEXT; they become spaces.
        if scalar.value < 0x20 || scalar.value == 0x7F { result += " " } else { result.unicodeScalars.append(scalar) }
      }
    }
    return result
  }

  /// One content line folded (§3.1): no line longer than 75 octets, continuations starting with a
  /// space, never splitting a UTF-8 sequence; each line ends in CRLF.
  public static func fold(_ line: String) -> String {
    let bytes = Array(line.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count + bytes.count / 70 * 3 + 2)
    var start = 0
    var limit = maximumLineOctets
    while bytes.count - start > limit {
      var end = start + limit
      // Back up to the first byte of a UTF-8 sequence (continuation bytes are 10xxxxxx).
      while end > start + 1, bytes[end] & 0xC0 == 0x80 { end -= 1 }
      output += bytes[start..<end]
      output += [0x0D, 0x0A, 0x20]
      start = end
      limit = maximumLineOctets - 1
    }
    output += bytes[start...]
    output += [0x0D, 0x0A]
    return String(decoding: output, as: UTF8.self)
  }

  /// Content lines as one iCalendar text: each folded, each ending in CRLF.
  public static func join(_ lines: [String]) -> String {
    lines.map(fold).joined()
  }

  /// A date-time's wall-clock fields at a UTC offset: `20261201T110000` (FORM #3 without the zone).
  public static func localDateTime(_ instant: Date, offsetSeconds: Int) -> String {
    let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
    let days = Int((Double(seconds) / 86_400).rounded(.down))
    let secondOfDay = seconds - days * 86_400
    let date = PushDate(daysSinceEpoch: days).formatted(separator: "")
    return date + "T" + twoDigits(secondOfDay / 3600) + twoDigits(secondOfDay / 60 % 60) + twoDigits(secondOfDay % 60)
  }

  /// A date-time in UTC: `20261201T190000Z` (FORM #2).
  public static func utcDateTime(_ instant: Date) -> String { localDateTime(instant, offsetSeconds: 0) + "Z" }

  /// A UTC offset: `-0800`, `+0530`, `+001545` when it has seconds.
  public static func utcOffset(_ seconds: Int) -> String {
    let magnitude = abs(seconds)
    let text = (seconds < 0 ? "-" : "+") + twoDigits(magnitude / 3600) + twoDigits(magnitude / 60 % 60)
    return magnitude % 60 == 0 ? text : text + twoDigits(magnitude % 60)
  }

  /// A positive duration in minutes: `PT120M`; a negative one for alarms: `-PT15M`.
  public static func duration(minutes: Int) -> String { (minutes < 0 ? "-" : "") + "PT\(abs(minutes))M" }

  private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
