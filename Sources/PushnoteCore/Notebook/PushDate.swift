import Foundation

/// A calendar day (no time, no zone): the push date that names a week's tag, pad and note.
public struct PushDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The year, such as 2026.
  public let year: Int
  /// The month, 1 to 12.
  public let month: Int
  /// The day of the month, 1 to 31.
  public let day: Int

  /// Creates a date, or nil when the day does not exist (`2026-02-30`).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
      day <= PushDate.daysInMonth(year: year, month: month)
    else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// Parses `YYYY-MM-DD` (also `YYYY.MM.DD` and `YYYY/MM/DD`, as tags and paths write it).
  public init?(_ text: some StringProtocol) {
    // The usual form, read from the bytes: every note's path and every instant in a note comes here.
    if let date = PushDate.digits(text) {
      self = date
      return
    }
    let parts = text.split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "." || $0 == "/" }
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
    else { return nil }
    self.init(year: year, month: month, day: day)
  }

  /// Ten bytes, `YYYY-MM-DD` of ASCII digits with any of the three separators; nil otherwise (then
  /// the general parse reads it, signs and all, as before).
  private static func digits(_ text: some StringProtocol) -> PushDate? {
    var fields = [0, 0, 0]
    var count = 0
    for byte in text.utf8 {
      count += 1
      guard count <= 10 else { return nil }
      if count == 5 || count == 8 {
        guard byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") else { return nil }
        continue
      }
      guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
      let field = count < 5 ? 0 : count < 8 ? 1 : 2
      fields[field] = fields[field] * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return count == 10 ? PushDate(year: fields[0], month: fields[1], day: fields[2]) : nil
  }

  /// Days since 1970-01-01 (negative before), by Howard Hinnant's civil-from-days algorithm.
  public var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }

  /// The date `days` after 1970-01-01.
  public init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    self.month = month
    self.day = day
  }

  /// The day of the week.
  public var weekday: Weekday {
    // 1970-01-01 was a Thursday.
    let index = ((daysSinceEpoch % 7) + 7 + 3) % 7  // 0 = Monday
    return Weekday.allCases[index]
  }

  /// The date `days` later (earlier when negative).
  public func adding(days: Int) -> PushDate { PushDate(daysSinceEpoch: daysSinceEpoch + days) }

  /// The nearest date on or before this one that falls on `weekday`.
  public func previous(_ weekday: Weekday, includingToday: Bool = true) -> PushDate {
    var back = (self.weekday.index - weekday.index + 7) % 7
    if back == 0, !includingToday { back = 7 }
    return adding(days: -back)
  }

  /// The nearest date on or after this one that falls on `weekday`.
  public func next(_ weekday: Weekday, includingToday: Bool = true) -> PushDate {
    var ahead = (weekday.index - self.weekday.index + 7) % 7
    if ahead == 0, !includingToday { ahead = 7 }
    return adding(days: ahead)
  }

  /// `YYYY-MM-DD`.
  public var iso: String { formatted(separator: "-") }

  /// The date with the given separator between zero-padded fields.
  public func formatted(separator: String) -> String {
    // Appended in place: the result fits in a small string, so nothing is allocated.
    var text = ""
    func append(_ value: Int, width: Int) {
      let digits = String(value)
      for _ in digits.utf8.count..<max(width, digits.utf8.count) { text.append("0") }
      text += digits
    }
    append(year, width: 4)
    text += separator
    append(month, width: 2)
    text += separator
    append(day, width: 2)
    return text
  }

  public var description: String { iso }

  public static func < (lhs: PushDate, rhs: PushDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let date = PushDate(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date: \(text)"))
    }
    self = date
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(iso)
  }

  /// The date of an instant as seen in a time zone.
  public init(_ instant: Date, in zone: TimeZone) {
    let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
    self.init(daysSinceEpoch: Int((local / 86_400).rounded(.down)))
  }

  /// The instant at which this date reaches `time` in a time zone (the later one in a repeated hour,
  /// the hour after in a skipped one).
  public func instant(at time: TimeOfDay, in zone: TimeZone) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let components = DateComponents(year: year, month: month, day: day, hour: time.hour, minute: time.minute)
    return calendar.date(from: components) ?? Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400)
  }

  private static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }
}

/// A day of the week.
public enum Weekday: String, Sendable, CaseIterable, Codable {
  case monday, tuesday, wednesday, thursday, friday, saturday, sunday

  /// 0 for Monday through 6 for Sunday.
  public var index: Int { Weekday.allCases.firstIndex(of: self) ?? 0 }

  /// Parses a weekday name or its first three letters, in any case.
  public init?(name: String) {
    let lowered = name.lowercased()
    guard let match = Weekday.allCases.first(where: { $0.rawValue == lowered || String($0.rawValue.prefix(3)) == lowered })
    else { return nil }
    self = match
  }

  /// The capitalised name, `Tuesday`.
  public var name: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
}

/// A wall-clock time of day, to the minute.
public struct TimeOfDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// 0 to 23.
  public let hour: Int
  /// 0 to 59.
  public let minute: Int

  /// Creates a time, or nil when out of range.
  public init?(hour: Int, minute: Int) {
    guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
    self.init(checkedHour: hour, minute: minute)
  }

  private init(checkedHour hour: Int, minute: Int) {
    self.hour = hour
    self.minute = minute
  }

  /// 11:00, when tagging and pushing happen by default.
  public static let eleven = TimeOfDay(checkedHour: 11, minute: 0)

  /// Parses `HH:MM` (24-hour).
  public init?(_ text: String) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
      let hour = Int(parts[0]), let minute = Int(parts[1])
    else { return nil }
    self.init(hour: hour, minute: minute)
  }

  /// `HH:MM`.
  public var description: String {
    (hour < 10 ? "0" : "") + String(hour) + ":" + (minute < 10 ? "0" : "") + String(minute)
  }

  public static func < (lhs: TimeOfDay, rhs: TimeOfDay) -> Bool { (lhs.hour, lhs.minute) < (rhs.hour, rhs.minute) }
}
