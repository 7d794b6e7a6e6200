import Foundation

/// Times as people write them in a note: `11:02`, `9:17am`, `5pm`, `9:17am Pacific`, `17:33 UTC`,
/// `1733 BST`, `6:03pm CEST`, `2026-12-01 11:02 PST`, ISO 8601 (`2026-12-01T11:02:00-08:00`), and
/// approximate ones: `~6pm UTC`, `about 11:30`, `around 9am`, `ca. 17:00`, `11:30-ish`, `11:30ish`.
///
/// A time without a date is on the push date; a time without a zone is in the notebook's zone.
/// Four digits without a colon (`1733`) are a 24-hour time only where nothing else could be meant:
/// with a zone after them (`1733 BST`), or as a `start:`/`end:` field's value (`bareFourDigits`).
public enum NoteTime {
  /// A time expression found at the start of some text.
  public struct Match: Sendable, Equatable {
    /// The instant it names.
    public var date: Date
    /// How many UTF-8 bytes of the text it covers.
    public var length: Int
    /// Whether the text names the day (`2026-12-01 11:02`).
    public var hasDate: Bool
    /// Whether the text names a zone or an offset.
    public var hasZone: Bool
    /// Whether the text says the time is approximate (`~6pm`, `about 11:30`, `11:30-ish`).
    public var approximate = false
  }

  /// Parses text that is exactly one time expression (blanks around it are ignored).
  ///
  /// - Parameters:
  ///   - text: `11:02`, `9:17am Pacific`, `2026-12-01 11:02 PST`, ISO 8601 …
  ///   - date: the day a time without a date is on; without it such times are not read.
  ///   - zone: the zone of a time that names none.
  public static func parse(_ text: String, on date: PushDate?, in zone: TimeZone) -> Date? {
    let bytes = Array(text.utf8)
    let start = bytes.firstIndex { !ASCII.isBlank($0) } ?? bytes.count
    let end = (bytes.lastIndex { !ASCII.isBlank($0) } ?? -1) + 1
    guard start < end, let match = leading(bytes, from: start, on: date, in: zone), start + match.length == end else { return nil }
    return match.date
  }

  /// Words before a time that say it is approximate, lowercased, each followed by a blank.
  static let approximateWords: [ASCII.Needle] = ["about", "around", "approx.", "approx", "approximately", "ca.", "circa", "roughly"]

  /// Reads a time expression at `start` of `bytes`, if one begins there and ends at a word boundary.
  ///
  /// - Parameter bareFourDigits: read `1733` without a zone as 17:33 (a field whose whole value it is).
  public static func leading(
    _ bytes: [UInt8], from start: Int, on day: PushDate?, in zone: TimeZone, bareFourDigits: Bool = false
  ) -> Match? {
    var reader = Reader(bytes: bytes, index: start)
    var approximate = false
    if reader.peek == UInt8(ascii: "~") {
      reader.index += 1
      reader.skipBlanks()
      approximate = true
    } else if let first = reader.peek, ASCII.isLetter(first) {
      let wordEnd = bytes[start...].firstIndex { ASCII.isBlank($0) } ?? bytes.count
      guard wordEnd < bytes.count, approximateWords.contains(where: { ASCII.equals(bytes, start..<wordEnd, $0) }) else { return nil }
      reader.index = wordEnd
      guard reader.skipBlanks() > 0, reader.peek.map(ASCII.isDigit) == true else { return nil }
      approximate = true
    }
    var explicitDay: PushDate?
    if let parsedDay = reader.isoDay() {
      explicitDay = parsedDay
      if reader.peek == UInt8(ascii: "T") || reader.peek == UInt8(ascii: "t") {
        reader.index += 1
      } else {
        guard reader.skipBlanks() > 0 else { return nil }
      }
    }
    guard let clock = reader.clock(), let resolvedDay = explicitDay ?? day else { return nil }
    var named: Zone?
    let beforeZone = reader.index
    if reader.ish() {
      approximate = true
    } else if let zoneFound = reader.zone(allowingSignedOffset: explicitDay != nil) {
      named = zoneFound
      let afterZone = reader.index
      if reader.ish() { approximate = true } else { reader.index = afterZone }
    } else {
      reader.index = beforeZone
    }
    guard !reader.atWordCharacter, !clock.compact || named != nil || bareFourDigits else { return nil }
    let seconds = clock.hour * 3600 + clock.minute * 60 + clock.second
    let date: Date
    switch named ?? .named(zone) {
    case .offset(let offset):
      date = Date(timeIntervalSince1970: Double(resolvedDay.daysSinceEpoch * 86_400 + seconds - offset))
    case .named(let timeZone):
      date = instant(resolvedDay, seconds: seconds, in: timeZone)
    }
    return Match(date: date, length: reader.index - start, hasDate: explicitDay != nil, hasZone: named != nil, approximate: approximate)
  }

  /// Finds the first time expression in `bytes[range]` that starts a word.
  public static func first(in bytes: [UInt8], range: Range<Int>, on day: PushDate?, in zone: TimeZone) -> (start: Int, match: Match)? {
    var index = range.lowerBound
    while index < range.upperBound {
      let startsWord = index == range.lowerBound || !ASCII.isWordByte(bytes[index - 1])
      if startsWord, ASCII.isDigit(bytes[index]), let match = leading(bytes, from: index, on: day, in: zone),
        index + match.length <= range.upperBound
      {
        return (index, match)
      }
      index += 1
    }
    return nil
  }

  /// ISO 8601 with the zone's offset at that instant: `2026-12-01T11:02:00-08:00`.
  public static func iso(_ date: Date, in zone: TimeZone) -> String {
    let offset = zone.secondsFromGMT(for: date)
    let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
    let days = Int((Double(local) / 86_400).rounded(.down))
    let secondsOfDay = local - days * 86_400
    let day = PushDate(daysSinceEpoch: days)
    let absolute = abs(offset)
    // Built as bytes: this runs for every time of every note.
    var text: [UInt8] = []
    text.reserveCapacity(25)
    func digits(_ value: Int, _ width: Int) {
      var divisor = 1
      for _ in 1..<width { divisor *= 10 }
      while divisor > 0 {
        text.append(UInt8(0x30 + value / divisor % 10))
        divisor /= 10
      }
    }
    digits(day.year, 4)
    text.append(UInt8(ascii: "-"))
    digits(day.month, 2)
    text.append(UInt8(ascii: "-"))
    digits(day.day, 2)
    text.append(UInt8(ascii: "T"))
    digits(secondsOfDay / 3600, 2)
    text.append(UInt8(ascii: ":"))
    digits(secondsOfDay % 3600 / 60, 2)
    text.append(UInt8(ascii: ":"))
    digits(secondsOfDay % 60, 2)
    text.append(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
    digits(absolute / 3600, 2)
    text.append(UInt8(ascii: ":"))
    digits(absolute % 3600 / 60, 2)
    return String(decoding: text, as: UTF8.self)
  }

  /// The instant a wall-clock time of a day has in a zone (in a repeated hour the earlier one; in a
  /// skipped hour, the clock reading as if the change had not happened yet).
  ///
  /// Two offset look-ups instead of a `Calendar`, which is costly to make for every time of a note.
  static func instant(_ day: PushDate, seconds: Int, in zone: TimeZone) -> Date {
    let wall = Double(day.daysSinceEpoch * 86_400 + seconds)
    let guess = wall - Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall)))
    let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: guess))
    return Date(timeIntervalSince1970: wall - Double(offset))
  }

  /// A zone a time names.
  enum Zone: Equatable {
    /// A fixed offset east of UTC, in seconds (`UTC`, `PST`, `+01:00`).
    case offset(Int)
    /// A zone with its daylight-saving rules (`Pacific`, `Europe/Berlin`).
    case named(TimeZone)
  }

  /// Zone words people write, lowercased.
  static let zoneWords: [String: Zone] = {
    var words: [String: Zone] = [:]
    let hours: [String: Int] = [
      "utc": 0, "gmt": 0, "ut": 0, "z": 0, "wet": 0, "pst": -8, "pdt": -7, "mst": -7, "mdt": -6, "cst": -6, "cdt": -5,
      "est": -5, "edt": -4, "akst": -9, "akdt": -8, "hst": -10, "cet": 1, "cest": 2, "bst": 1, "west": 1, "eet": 2,
      "eest": 3, "msk": 3, "jst": 9, "kst": 9, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13,
    ]
    for (word, hour) in hours { words[word] = .offset(hour * 3600) }
    let regions: [String: String] = [
      "pacific": "America/Los_Angeles", "pt": "America/Los_Angeles", "mountain": "America/Denver", "mt": "America/Denver",
      "central": "America/Chicago", "ct": "America/Chicago", "eastern": "America/New_York", "et": "America/New_York",
    ]
    for (word, identifier) in regions {
      if let zone = TimeZone(identifier: identifier) { words[word] = .named(zone) }
    }
    return words
  }()

  /// The length of the longest zone word: longer words are not looked up.
  static let longestZoneWord = zoneWords.keys.map(\.utf8.count).max() ?? 0

  /// A cursor over UTF-8 bytes for the little grammar of times.
  private struct Reader {
    let bytes: [UInt8]
    var index: Int

    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }
    var atWordCharacter: Bool { peek.map(ASCII.isWordByte) ?? false }

    func byte(at offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    @discardableResult mutating func skipBlanks() -> Int {
      let start = index
      while let byte = peek, ASCII.isBlank(byte) { index += 1 }
      return index - start
    }

    /// Exactly `count` digits, as a number.
    mutating func digits(_ count: Int) -> Int? {
      var value = 0
      for offset in 0..<count {
        guard let byte = byte(at: offset), ASCII.isDigit(byte) else { return nil }
        value = value * 10 + Int(byte - 0x30)
      }
      index += count
      return value
    }

    /// `YYYY-MM-DD`.
    mutating func isoDay() -> PushDate? {
      let start = index
      guard let year = digits(4), peek == UInt8(ascii: "-") else { index = start; return nil }
      index += 1
      guard let month = digits(2), peek == UInt8(ascii: "-") else { index = start; return nil }
      index += 1
      guard let day = digits(2), let date = PushDate(year: year, month: month, day: day) else { index = start; return nil }
      return date
    }

    /// `-ish` or `ish` right after a time: it is approximate.
    mutating func ish() -> Bool {
      let start = index
      if peek == UInt8(ascii: "-") { index += 1 }
      guard let i = peek, let s = byte(at: 1), let h = byte(at: 2), i | 0x20 == UInt8(ascii: "i"), s | 0x20 == UInt8(ascii: "s"),
        h | 0x20 == UInt8(ascii: "h")
      else {
        index = start
        return false
      }
      index += 3
      if atWordCharacter {
        index = start
        return false
      }
      return true
    }

    /// `HHMM`, four digits without a colon: 24-hour time, if a valid one.
    private mutating func compactClock() -> (hour: Int, minute: Int, second: Int, compact: Bool)? {
      let start = index
      guard let hour = digits(2), let minute = digits(2), !(peek.map(ASCII.isDigit) ?? false), hour <= 23, minute <= 59 else {
        index = start
        return nil
      }
      return (hour, minute, 0, true)
    }

    /// `H:MM[:SS[.fff]]` with an optional `am`/`pm`, `Ham`/`H pm`, or `HHMM` (``compactClock()``).
    mutating func clock() -> (hour: Int, minute: Int, second: Int, compact: Bool)? {
      if let compact = compactClock() { return compact }
      let start = index
      var hour = 0
      var hourDigits = 0
      while hourDigits < 2, let byte = peek, ASCII.isDigit(byte) {
        hour = hour * 10 + Int(byte - 0x30)
        hourDigits += 1
        index += 1
      }
      guard hourDigits > 0 else { index = start; return nil }
      var minute = 0
      var second = 0
      var hasMinutes = false
      if peek == UInt8(ascii: ":"), let value = digitsAfterColon() {
        minute = value
        hasMinutes = true
        if peek == UInt8(ascii: ":"), let value = digitsAfterColon() {
          second = value
          if peek == UInt8(ascii: "."), let next = byte(at: 1), ASCII.isDigit(next) {
            index += 1
            while let byte = peek, ASCII.isDigit(byte) { index += 1 }
          }
        }
      }
      let beforeMeridiem = index
      skipBlanks()
      if let afternoon = meridiem() {
        guard (1...12).contains(hour) else { index = start; return nil }
        hour = hour % 12 + (afternoon ? 12 : 0)
      } else {
        index = beforeMeridiem
        guard hasMinutes else { index = start; return nil }
      }
      guard hour <= 23, minute <= 59, second <= 59 else { index = start; return nil }
      return (hour, minute, second, false)
    }

    private mutating func digitsAfterColon() -> Int? {
      let start = index
      index += 1
      guard let value = digits(2) else { index = start; return nil }
      return value
    }

    /// `am`, `pm`, `a.m.`, `p.m.` (any case): true for the afternoon.
    private mutating func meridiem() -> Bool? {
      guard let first = peek.map({ $0 | 0x20 }), first == UInt8(ascii: "a") || first == UInt8(ascii: "p") else { return nil }
      let start = index
      index += 1
      if peek == UInt8(ascii: ".") { index += 1 }
      guard peek.map({ $0 | 0x20 }) == UInt8(ascii: "m") else { index = start; return nil }
      index += 1
      if peek == UInt8(ascii: ".") { index += 1 }
      if atWordCharacter { index = start; return nil }
      return first == UInt8(ascii: "p")
    }

    /// `Z`, `+01:00`, `-0800`, or blanks and a zone word (`UTC`, `Pacific`, `CEST`, `Europe/Berlin`, `UTC+2`).
    ///
    /// A bare signed offset is only read after a date (ISO 8601): after a lone time, `11:02-11:30` is a span.
    mutating func zone(allowingSignedOffset: Bool) -> Zone? {
      if let byte = peek, byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { return allowingSignedOffset ? offset() : nil }
      if peek == UInt8(ascii: "Z") {
        index += 1
        return atWordCharacter ? nil : .offset(0)
      }
      guard skipBlanks() > 0 || peek.map(ASCII.isLetter) == true else { return nil }
      let wordStart = index
      while let byte = peek, ASCII.isLetter(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "_") { index += 1 }
      guard index > wordStart else { return nil }
      let wordRange = wordStart..<index
      if bytes[wordRange].contains(UInt8(ascii: "/")) {
        guard let zone = TimeZone(identifier: String(decoding: bytes[wordRange], as: UTF8.self)) else { return nil }
        return .named(zone)
      }
      guard wordRange.count <= NoteTime.longestZoneWord, let zone = NoteTime.zoneWords[ASCII.lowercasedString(bytes[wordRange])] else {
        return nil
      }
      if case .offset(let base) = zone, base == 0, let byte = peek, byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
        let beforeOffset = index
        if let extra = offset() { return extra }
        index = beforeOffset
      }
      // Two letters or fewer (`PT`, `Z`) only in capitals.
      if wordRange.count <= 2, bytes[wordRange].contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) { return nil }
      return zone
    }

    /// `+HH:MM`, `+HHMM` or `+H`/`+HH`.
    private mutating func offset() -> Zone? {
      let start = index
      guard let sign = peek else { return nil }
      index += 1
      var hours: Int
      if let two = digits(2) {
        hours = two
      } else if let one = digits(1) {
        hours = one
      } else {
        index = start
        return nil
      }
      var minutes = 0
      if peek == UInt8(ascii: ":") {
        index += 1
        guard let value = digits(2) else { index = start; return nil }
        minutes = value
      } else if let value = digits(2) {
        minutes = value
      }
      guard hours <= 14, minutes <= 59 else { index = start; return nil }
      let seconds = hours * 3600 + minutes * 60
      return .offset(sign == UInt8(ascii: "-") ? -seconds : seconds)
    }
  }
}
