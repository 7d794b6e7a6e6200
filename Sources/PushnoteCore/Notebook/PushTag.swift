/// A push tag: the push date, and for a repeat push its number (`2026.12.01`, `2026.12.01-2`).
public struct PushTag: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The push date the tag names.
  public var date: PushDate
  /// 0 for the first push, N for the N-th repeat push (`-N`).
  public var repeatNumber: Int

  /// Creates a tag.
  public init(date: PushDate, repeatNumber: Int = 0) {
    self.date = date
    self.repeatNumber = repeatNumber
  }

  /// Parses `YYYY.MM.DD` or `YYYY.MM.DD-N` exactly (nothing before or after).
  public init?(_ text: some StringProtocol) {
    let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
    guard let first = parts.first, first.count == 10, first.filter({ $0 == "." }).count == 2,
      let date = PushDate(first)
    else { return nil }
    var number = 0
    if parts.count == 2 {
      guard !parts[1].isEmpty, parts[1].count <= 4, parts[1].allSatisfy(\.isASCII), let value = Int(parts[1]), value > 0 else { return nil }
      number = value
    }
    self.init(date: date, repeatNumber: number)
  }

  /// The tag's name.
  public var name: String {
    date.formatted(separator: ".") + (repeatNumber > 0 ? "-\(repeatNumber)" : "")
  }

  /// The tag of the next repeat push.
  public var next: PushTag { PushTag(date: date, repeatNumber: repeatNumber + 1) }

  public var description: String { name }

  public static func < (lhs: PushTag, rhs: PushTag) -> Bool { (lhs.date, lhs.repeatNumber) < (rhs.date, rhs.repeatNumber) }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let tag = PushTag(text) else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a push tag: \(text)"))
    }
    self = tag
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(name)
  }
}
