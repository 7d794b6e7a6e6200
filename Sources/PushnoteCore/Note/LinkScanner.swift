/// Finds compare links, commit links and push tags in a note's raw bytes: in links, autolinks, bare
/// text and code blocks alike, with exact byte ranges.
///
/// It reads bytes, not the Markdown tree, so a URL is found wherever it is written (the pad-era notes
/// indent them by four spaces, which CommonMark reads as code).
enum LinkScanner {
  /// A compare or commit URL.
  struct Link: Equatable {
    /// What the URL points at.
    enum Kind: Equatable {
      /// `…/compare/FROM...TO` (or `FROM..TO`).
      case compare(from: String, to: String)
      /// `…/commit/SHA`.
      case commit(sha: String)
    }

    /// What the URL points at.
    var kind: Kind
    /// The repository path before `/compare` or `/commit` (`OWNER/NAME`; GitLab's `/-` dropped).
    var repo: String
    /// The URL's bytes, from the scheme to the end of the last ref or SHA.
    var range: Range<Int>
  }

  /// Every compare and commit URL in `bytes` (whose `://` is in `range`, whole lines), in order.
  static func links(in bytes: [UInt8], range: Range<Int>? = nil) -> [Link] {
    var result: [Link] = []
    var index = range?.lowerBound ?? 0
    let limit = range?.upperBound ?? bytes.count
    while let separator = nextSchemeSeparator(in: bytes, from: index, limit: limit) {
      if let link = link(in: bytes, schemeEnd: separator) {
        result.append(link)
        index = link.range.upperBound
      } else {
        index = separator + 3
      }
    }
    return result
  }

  /// The offset of the next `://` at or after `start` and before `limit`.
  private static func nextSchemeSeparator(in bytes: [UInt8], from start: Int, limit: Int) -> Int? {
    bytes.withUnsafeBufferPointer { buffer in
      var index = start
      while let colon = ASCII.index(of: UInt8(ascii: ":"), in: buffer, index..<max(index, min(limit, buffer.count - 2))) {
        if buffer[colon + 1] == UInt8(ascii: "/"), buffer[colon + 2] == UInt8(ascii: "/") { return colon }
        index = colon + 1
      }
      return nil
    }
  }

  /// Push tags (`2026.12.01`, `2026.12.01-2`) standing as words in `bytes[range]`, with their ranges.
  static func tags(in bytes: [UInt8], range: Range<Int>) -> [(tag: PushTag, range: Range<Int>)] {
    var result: [(PushTag, Range<Int>)] = []
    var index = range.lowerBound + 4
    while let dot = nextTagDot(in: bytes, from: index, limit: range.upperBound) {
      if let found = tag(in: bytes, at: dot - 4, limit: range.upperBound) {
        result.append(found)
        index = found.range.upperBound + 4
      } else {
        index = dot + 1
      }
    }
    return result
  }

  /// The next offset at or after `start` with a dot there and three bytes later, as a tag's fifth
  /// and eighth bytes are (`2026.12.01`), leaving room for the two digits after.
  private static func nextTagDot(in bytes: [UInt8], from start: Int, limit: Int) -> Int? {
    bytes.withUnsafeBufferPointer { buffer in
      var index = start
      let end = min(limit, buffer.count) - 5
      while let dot = ASCII.index(of: UInt8(ascii: "."), in: buffer, index..<max(index, end)) {
        if buffer[dot + 3] == UInt8(ascii: ".") { return dot }
        index = dot + 1
      }
      return nil
    }
  }

  /// Parses text that is exactly a push tag, without allocating more than its bytes.
  static func pushTag(_ text: String) -> PushTag? {
    var text = text
    return text.withUTF8 { bytes in
      guard let found = tag(in: bytes, at: 0, limit: bytes.count), found.range.upperBound == bytes.count else { return nil }
      return found.tag
    }
  }

  /// A tag exactly at `start`, bounded by non-word bytes on both sides.
  private static func tag<Bytes: RandomAccessCollection<UInt8>>(
    in bytes: Bytes, at start: Int, limit: Int
  ) -> (tag: PushTag, range: Range<Int>)?
  where Bytes.Index == Int {
    guard start + 10 <= limit else { return nil }
    if start > 0, isDigit(bytes[start - 1]) || isLetter(bytes[start - 1]) { return nil }
    for offset in [0, 1, 2, 3, 5, 6, 8, 9] where !isDigit(bytes[start + offset]) { return nil }
    guard
      let date = PushDate(
        year: number(bytes, start..<start + 4), month: number(bytes, start + 5..<start + 7), day: number(bytes, start + 8..<start + 10))
    else { return nil }
    var end = start + 10
    var repeatNumber = 0
    if end + 1 < limit, bytes[end] == UInt8(ascii: "-"), isDigit(bytes[end + 1]) {
      var digitsEnd = end + 1
      while digitsEnd < limit, isDigit(bytes[digitsEnd]), digitsEnd - end <= 4 { digitsEnd += 1 }
      repeatNumber = number(bytes, end + 1..<digitsEnd)
      end = digitsEnd
    }
    if end < limit, isDigit(bytes[end]) || isLetter(bytes[end]) { return nil }
    return (PushTag(date: date, repeatNumber: repeatNumber), start..<end)
  }

  private static let compareWord = Array("compare".utf8)
  private static let httpWord: ASCII.Needle = "http"
  private static let commitWord = Array("commit".utf8)

  /// The link whose `://` is at `schemeEnd`, if it is an http(s) compare or commit URL.
  private static func link(in bytes: [UInt8], schemeEnd: Int) -> Link? {
    var schemeStart = schemeEnd
    while schemeStart > 0, schemeEnd - schemeStart < 5, isLetter(bytes[schemeStart - 1]) { schemeStart -= 1 }
    if schemeEnd - schemeStart == 5, ASCII.lowercased(bytes[schemeStart + 4]) != UInt8(ascii: "s") { schemeStart += 1 }
    guard ASCII.hasPrefix(bytes, schemeStart..<schemeEnd, httpWord), schemeEnd - schemeStart <= 5 else { return nil }
    var index = schemeEnd + 3
    let hostStart = index
    while index < bytes.count, isHostByte(bytes[index]) { index += 1 }
    guard index > hostStart, index < bytes.count, bytes[index] == UInt8(ascii: "/") else { return nil }
    var path = PathSegments()
    while index < bytes.count, bytes[index] == UInt8(ascii: "/") {
      let segmentStart = index + 1
      var end = segmentStart
      while end < bytes.count, isSegmentByte(bytes[end]) { end += 1 }
      guard end > segmentStart else { return nil }
      let segment = segmentStart..<end
      let isCompare = bytes[segment].elementsEqual(compareWord)
      if isCompare || bytes[segment].elementsEqual(commitWord), end < bytes.count, bytes[end] == UInt8(ascii: "/"),
        let repo = path.repository(in: bytes)
      {
        let refsStart = end + 1
        let found = isCompare ? compareRefs(bytes, from: refsStart) : commitSHA(bytes, from: refsStart)
        guard let (kind, refsEnd) = found else { return nil }
        return Link(kind: kind, repo: repo, range: schemeStart..<refsEnd)
      }
      path.append(segment)
      index = end
    }
    return nil
  }

  /// The path segments of a URL before `compare`/`commit`: as much of them as the repository needs.
  private struct PathSegments {
    /// How many segments there are.
    var count = 0
    /// Where the first starts.
    var start = 0
    /// The last one.
    var last = 0..<0
    /// Where the one before the last ends.
    var endBeforeLast = 0

    mutating func append(_ segment: Range<Int>) {
      if count == 0 { start = segment.lowerBound }
      endBeforeLast = last.upperBound
      last = segment
      count += 1
    }

    /// `OWNER/NAME` (or a longer group path), GitLab's final `-` (`OWNER/NAME/-/compare`) dropped.
    func repository(in bytes: [UInt8]) -> String? {
      let dropsDash = last.count == 1 && bytes[last.lowerBound] == UInt8(ascii: "-")
      guard count - (dropsDash ? 1 : 0) >= 2 else { return nil }
      return String(decoding: bytes[start..<(dropsDash ? endBeforeLast : last.upperBound)], as: UTF8.self)
    }
  }

  /// `FROM...TO` or `FROM..TO`; FROM cannot hold `..` (git forbids it in ref names); a TO ending in
  /// dots (end of a sentence) loses them.
  private static func compareRefs(_ bytes: [UInt8], from start: Int) -> (Link.Kind, Int)? {
    var index = start
    while index < bytes.count, isRefByte(bytes[index]) {
      if bytes[index] == UInt8(ascii: "."), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ".") { break }
      index += 1
    }
    let fromEnd = index
    guard fromEnd > start, index + 1 < bytes.count, bytes[index] == UInt8(ascii: "."), bytes[index + 1] == UInt8(ascii: ".") else {
      return nil
    }
    index += 2
    if index < bytes.count, bytes[index] == UInt8(ascii: ".") { index += 1 }
    let toStart = index
    while index < bytes.count, isRefByte(bytes[index]) { index += 1 }
    while index > toStart, bytes[index - 1] == UInt8(ascii: ".") { index -= 1 }
    guard index > toStart else { return nil }
    let from = String(decoding: bytes[start..<fromEnd], as: UTF8.self)
    let to = String(decoding: bytes[toStart..<index], as: UTF8.self)
    return (.compare(from: from, to: to), index)
  }

  /// A hexadecimal SHA of 7 to 40 digits, ending at a non-word byte.
  private static func commitSHA(_ bytes: [UInt8], from start: Int) -> (Link.Kind, Int)? {
    var index = start
    while index < bytes.count, isHexDigit(bytes[index]) { index += 1 }
    guard (7...40).contains(index - start) else { return nil }
    if index < bytes.count, isLetter(bytes[index]) || isDigit(bytes[index]) { return nil }
    return (.commit(sha: String(decoding: bytes[start..<index], as: UTF8.self)), index)
  }

  private static func number<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ range: Range<Int>) -> Int where Bytes.Index == Int {
    bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
  }

  private static func isDigit(_ byte: UInt8) -> Bool { ASCII.isDigit(byte) }
  private static func isLetter(_ byte: UInt8) -> Bool { ASCII.isLetter(byte) }
  private static func isHexDigit(_ byte: UInt8) -> Bool { ASCII.isHexDigit(byte) }
  private static func isHostByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
  }
  private static func isSegmentByte(_ byte: UInt8) -> Bool {
    isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
  }
  /// Bytes of a git ref as compare URLs write them.
  private static func isRefByte(_ byte: UInt8) -> Bool { isSegmentByte(byte) || byte == UInt8(ascii: "/") }
}
