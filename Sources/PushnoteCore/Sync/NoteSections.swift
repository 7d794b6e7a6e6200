import Foundation

/// A note cut into sections by its headings, as CommonMark reads them.
///
/// A section starts at a top-level heading's first line and runs to the next top-level heading;
/// text before the first heading is the preamble. Headings inside a conflict block (between
/// `<<<<<<<` and `>>>>>>>` lines) do not start sections: the block stays in one piece. Joining
/// the sections' lines gives the text back byte for byte.
public struct NoteSections: Sendable {
  /// One section.
  public struct Section: Sendable, Hashable {
    /// What matches this section across the file, the pad and the base: the heading's level and
    /// text, with `#2`, `#3` for later headings of the same text; empty for the preamble.
    public var key: String
    /// The heading's text; empty for the preamble.
    public var title: String
    /// The heading's level, 1 to 6; 0 for the preamble.
    public var level: Int
    /// The section's lines, as indices into ``NoteSections/text``.
    public var lines: Range<Int>
    /// Whether the section, or one it is nested in, is listed as local-only.
    public var isLocalOnly: Bool
    /// The lines (indices) of the conflict blocks inside the section.
    public var conflictBlocks: [ClosedRange<Int>]
  }

  /// The text the sections cut.
  public let text: SyncText
  /// The sections in order.
  public let sections: [Section]
  /// Keys of headings that lie inside conflict blocks (sections hidden in a block).
  public let hiddenKeys: Set<String>

  /// Sections `bytes`, which must be UTF-8; titles in `localOnly` (any case) are marked local-only.
  ///
  /// - Throws: ``MarkdownError/invalidUTF8(path:offset:location:)`` for bytes that are not UTF-8.
  ///
  /// Notes made of plain lines, lists and `#` headings are sectioned by a line scanner that finds
  /// what CommonMark finds (a test holds it to cmark); anything else is parsed with cmark.
  public init(bytes: [UInt8], path: String? = nil, localOnly: [String] = [], alwaysParse: Bool = false) throws(MarkdownError) {
    let text = SyncText(bytes: bytes)
    self.text = text
    let headings: [Heading]
    if !alwaysParse, let scanned = Self.scanHeadings(text) {
      if SourceText.firstInvalidUTF8Offset(bytes) != nil {
        _ = try SourceText(bytes: bytes, path: path)  // throws the error naming the bad byte
      }
      headings = scanned
    } else {
      let document = try MarkdownDocument(bytes: bytes, path: path)
      headings = document.topLevel.compactMap { index in
        let block = document.blocks[index]
        guard case .heading(let level) = block.kind else { return nil }
        return Heading(line: block.line - 1, level: level, title: document.plainText(of: block).trimmingCharacters(in: .whitespaces))
      }
    }
    let blocks = Self.conflictBlocks(in: text)
    let localOnlyTitles = Set(localOnly.map { $0.lowercased().trimmingCharacters(in: .whitespaces) })
    var starts: [(line: Int, level: Int, title: String)] = []
    var hiddenTitles: [(Int, String)] = []
    for heading in headings {
      let line = heading.line, level = heading.level, title = heading.title
      if blocks.contains(where: { $0.contains(line) }) {
        hiddenTitles.append((level, title))
      } else {
        starts.append((line, level, title))
      }
    }
    var sections: [Section] = []
    var seen: [String: Int] = [:]
    func key(level: Int, title: String) -> String {
      let base = "\(String(repeating: "#", count: level)) \(title)"
      seen[base, default: 0] += 1
      let count = seen[base] ?? 1
      return count == 1 ? base : "\(base) #\(count)"
    }
    let firstHeading = starts.first?.line ?? text.lines.count
    if firstHeading > 0 {
      sections.append(Section(key: "", title: "", level: 0, lines: 0..<firstHeading, isLocalOnly: false, conflictBlocks: []))
    }
    var localOnlyLevel: Int?
    for (index, start) in starts.enumerated() {
      let end = index + 1 < starts.count ? starts[index + 1].line : text.lines.count
      if let level = localOnlyLevel, start.level <= level { localOnlyLevel = nil }
      if localOnlyLevel == nil && !localOnlyTitles.isEmpty && localOnlyTitles.contains(start.title.lowercased()) {
        localOnlyLevel = start.level
      }
      sections.append(
        Section(
          key: key(level: start.level, title: start.title), title: start.title, level: start.level, lines: start.line..<end,
          isLocalOnly: localOnlyLevel != nil, conflictBlocks: []))
    }
    for block in blocks {
      if let index = sections.lastIndex(where: { $0.lines.lowerBound <= block.lowerBound }) {
        sections[index].conflictBlocks.append(block)
      }
    }
    self.sections = sections
    self.hiddenKeys = Set(hiddenTitles.map { key(level: $0.0, title: $0.1) })
  }

  /// A top-level heading: its first line (0-based), level and text.
  struct Heading: Equatable {
    var line: Int
    var level: Int
    var title: String
  }

  /// The top-level headings found by a line scan, or nil when the text needs the real parser.
  ///
  /// The scan accepts only lines whose block structure cannot hide or make a heading: ATX
  /// headings at column 0 with plain-text titles, and lines that start with none of the
  /// characters that open code fences, HTML blocks, quotes, Setext underlines or indented headings.
  static func scanHeadings(_ text: SyncText) -> [Heading]? {
    guard text.byteOrderMark.isEmpty else { return nil }
    var headings: [Heading] = []
    for (index, line) in text.lines.enumerated() {
      let content = line.content
      guard let first = content.first(where: { $0 != 0x20 }) else { continue }
      let leading = content.prefix { $0 == 0x20 }.count
      switch first {
      case UInt8(ascii: "#"):
        guard leading == 0 else { return nil }
        let level = content.prefix { $0 == UInt8(ascii: "#") }.count
        let rest = content.dropFirst(level)
        if level > 6 || !(rest.isEmpty || rest.first == 0x20 || rest.first == 0x09) { continue }  // `#tag`, `#######`: a paragraph
        guard let title = plainTitle(rest) else { return nil }
        headings.append(Heading(line: index, level: level, title: title))
      case UInt8(ascii: "`"), UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="), 0x09:
        return nil
      case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "_"):
        // A line of only -, * or _ (and spaces) is a thematic break or a Setext underline.
        if content.allSatisfy({ $0 == first || $0 == 0x20 }) { return nil }
      default:
        if content.contains(0x09) { return nil }
      }
    }
    return headings
  }

  /// The text of an ATX heading's content when it is plain (no inline syntax), as cmark gives it.
  private static func plainTitle(_ rest: ArraySlice<UInt8>) -> String? {
    if rest.contains(where: { specialTitleBytes[Int($0)] }) { return nil }
    var bytes = rest
    while bytes.last == 0x20 { bytes.removeLast() }
    // A closing sequence of #s preceded by a space (or the whole content) is not part of the text.
    let closing = bytes.reversed().prefix { $0 == UInt8(ascii: "#") }.count
    if closing > 0 {
      let beforeClosing = bytes.count - closing
      if beforeClosing == 0 || bytes[bytes.startIndex + beforeClosing - 1] == 0x20 { bytes.removeLast(closing) }
    }
    while bytes.first == 0x20 { bytes.removeFirst() }
    while bytes.last == 0x20 { bytes.removeLast() }
    if let first = bytes.first, let last = bytes.last, first >= 0x80 || last >= 0x80 {
      // Non-ASCII ends may be Unicode spaces, which the title loses too.
      return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Bytes that make a heading's content more than plain text, as a table by byte value.
  private static let specialTitleBytes: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for byte in "`*_[]<>&\\!\t".utf8 { table[Int(byte)] = true }
    return table
  }()

  /// The line ranges of complete conflict blocks: `<<<<<<<`, then `=======`, then `>>>>>>>`.
  ///
  /// A lone `=======` (a Setext underline) is not a block; only the whole structure counts.
  static func conflictBlocks(in text: SyncText) -> [ClosedRange<Int>] {
    var blocks: [ClosedRange<Int>] = []
    var open: Int?
    var separator = false
    for (index, line) in text.lines.enumerated() {
      if isMarker(line.content, 0x3C) {
        open = index
        separator = false
      } else if open != nil && line.content.count == 7 && line.content.allSatisfy({ $0 == 0x3D }) {
        separator = true
      } else if let start = open, separator, isMarker(line.content, 0x3E) {
        blocks.append(start...index)
        open = nil
        separator = false
      }
    }
    return blocks
  }

  private static func isMarker(_ content: ArraySlice<UInt8>, _ byte: UInt8) -> Bool {
    guard content.count >= 7, content.prefix(7).allSatisfy({ $0 == byte }) else { return false }
    return content.count == 7 || content[content.startIndex + 7] == 0x20
  }
}
