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
    /// What matches this section across the file, the pad and the base: its normalised title and
    /// its place among equal titles (``SectionKey``); ``SectionKey/preamble`` for the preamble.
    public var key: SectionKey
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
  public let hiddenKeys: Set<SectionKey>
  /// The local-only titles the sections were marked with, so that the merge can mark the pad's
  /// and the base's sections of those titles the same way.
  public let localOnlyTitles: [String]

  /// Sections `bytes`, which must be UTF-8; titles in `localOnly` (by ``NoteOutline/titleKey(_:)``:
  /// any case, emphasis or trailing colon) are marked local-only, with the sections nested in them.
  ///
  /// - Throws: ``MarkdownError/invalidUTF8(path:offset:location:)`` for bytes that are not UTF-8.
  ///
  /// Notes made of plain lines, lists and `#` headings are sectioned by a line scanner that finds
  /// what CommonMark finds (tests hold it to cmark on the corpus and on generated notes); anything
  /// else is parsed with cmark and read through ``NoteOutline/headings(in:)``. One pass over the
  /// lines finds both the headings and the conflict blocks.
  public init(bytes: [UInt8], path: String? = nil, localOnly: [String] = [], alwaysParse: Bool = false) throws(MarkdownError) {
    let text = SyncText(bytes: bytes)
    self.text = text
    self.localOnlyTitles = localOnly
    let scan = Self.scan(text)
    let headings: [Heading]
    if !alwaysParse, let scanned = scan.headings {
      if !text.isASCII && SourceText.firstInvalidUTF8Offset(bytes) != nil {
        _ = try SourceText(bytes: bytes, path: path)  // throws the error naming the bad byte
      }
      headings = scanned
    } else {
      let document = try MarkdownDocument(bytes: bytes, path: path)
      headings = NoteOutline.headings(in: document).map {
        Heading(line: $0.line - 1, level: $0.level, title: $0.title.trimmingCharacters(in: .whitespaces))
      }
    }
    let blocks = scan.conflictBlocks
    var starts: [Heading] = []
    starts.reserveCapacity(headings.count)
    var hidden: [Heading] = []
    var blockIndex = 0
    for heading in headings {
      // Headings and blocks are both in line order: one walk finds the headings inside blocks.
      while blockIndex < blocks.count && blocks[blockIndex].upperBound < heading.line { blockIndex += 1 }
      if blockIndex < blocks.count && blocks[blockIndex].contains(heading.line) {
        hidden.append(heading)
      } else {
        starts.append(heading)
      }
    }
    let lineCount = text.lines.count
    var sections: [Section] = []
    sections.reserveCapacity(starts.count + 1)
    var identities = SectionIdentities(localOnly: localOnly)
    let firstHeading = starts.first?.line ?? lineCount
    if firstHeading > 0 {
      sections.append(Section(key: .preamble, title: "", level: 0, lines: 0..<firstHeading, isLocalOnly: false, conflictBlocks: []))
    }
    for (index, start) in starts.enumerated() {
      let end = index + 1 < starts.count ? starts[index + 1].line : lineCount
      let identity = identities.next(title: start.title, level: start.level)
      sections.append(
        Section(
          key: identity.key, title: start.title, level: start.level, lines: start.line..<end, isLocalOnly: identity.isLocalOnly,
          conflictBlocks: []))
    }
    var sectionIndex = 0
    for block in blocks {
      while sectionIndex + 1 < sections.count && sections[sectionIndex + 1].lines.lowerBound <= block.lowerBound { sectionIndex += 1 }
      // A block in a local-only section is the file's own business: it never meets the pad.
      if sectionIndex < sections.count && sections[sectionIndex].lines.lowerBound <= block.lowerBound && !sections[sectionIndex].isLocalOnly
      {
        sections[sectionIndex].conflictBlocks.append(block)
      }
    }
    self.sections = sections
    self.hiddenKeys = Set(hidden.map { identities.next(title: $0.title, level: $0.level).key })
  }

  /// A top-level heading: its first line (0-based), level and text.
  struct Heading: Equatable {
    var line: Int
    var level: Int
    var title: String
  }

  /// What one pass over a text's lines finds.
  struct Scan {
    /// The top-level headings, or nil when the text needs the real parser.
    var headings: [Heading]?
    /// The line ranges of complete conflict blocks: `<<<<<<<`, then `=======`, then `>>>>>>>`.
    ///
    /// A lone `=======` (a Setext underline) is not a block; only the whole structure counts.
    var conflictBlocks: [ClosedRange<Int>] = []
  }

  /// Finds the headings and the conflict blocks in one pass over the lines.
  ///
  /// The heading scan accepts only lines whose block structure cannot hide or make a heading: ATX
  /// headings at column 0 with plain-text titles, and lines that start with none of the
  /// characters that open code fences, HTML blocks, quotes, Setext underlines or indented headings.
  static func scan(_ text: SyncText) -> Scan {
    var scan = Scan(headings: text.byteOrderMarkLength == 0 ? [] : nil)
    var open: Int?
    var separator = false
    text.bytes.withUnsafeBufferPointer { buffer in
      for (index, line) in text.lines.enumerated() {
        let start = line.start, end = line.contentEnd
        if end - start >= 7 {
          if isMarker(buffer, start, end, 0x3C) {
            open = index
            separator = false
          } else if open != nil && end - start == 7 && isMarker(buffer, start, end, 0x3D) {
            separator = true
          } else if let first = open, separator, isMarker(buffer, start, end, 0x3E) {
            scan.conflictBlocks.append(first...index)
            open = nil
            separator = false
          }
        }
        if scan.headings != nil && !scanLine(buffer, line, index: index, hasTabs: text.hasTabs, into: &scan) { scan.headings = nil }
      }
    }
    return scan
  }

  /// Adds the line's heading to the scan, if it is one; false when the line needs the real parser.
  private static func scanLine(
    _ buffer: UnsafeBufferPointer<UInt8>, _ line: SyncText.Line, index: Int, hasTabs: Bool, into scan: inout Scan
  ) -> Bool {
    let start = line.start, end = line.contentEnd
    var position = start
    while position < end && buffer[position] == 0x20 { position += 1 }
    guard position < end else { return true }
    let first = buffer[position]
    switch first {
    case UInt8(ascii: "#"):
      guard position == start else { return false }
      while position < end && buffer[position] == UInt8(ascii: "#") { position += 1 }
      let level = position - start
      // `#tag`, `#######`: a paragraph.
      if level > 6 || !(position == end || buffer[position] == 0x20 || buffer[position] == 0x09) { return true }
      guard let title = plainTitle(buffer, position, end) else { return false }
      scan.headings?.append(Heading(line: index, level: level, title: title))
    case UInt8(ascii: "`"), UInt8(ascii: "~"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="), 0x09:
      return false
    case UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "_"):
      // A line of only -, * or _ (and spaces) is a thematic break or a Setext underline.
      if (start..<end).allSatisfy({ buffer[$0] == first || buffer[$0] == 0x20 }) { return false }
    default:
      if hasTabs && (position..<end).contains(where: { buffer[$0] == 0x09 }) { return false }
    }
    return true
  }

  /// The text of an ATX heading's content (`buffer[start..<end]`) when it is plain (no inline
  /// syntax), as cmark gives it.
  private static func plainTitle(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
    if (start..<end).contains(where: { specialTitleBytes[Int(buffer[$0])] }) { return nil }
    var low = start, high = end
    while high > low && buffer[high - 1] == 0x20 { high -= 1 }
    // A closing sequence of #s preceded by a space (or the whole content) is not part of the text.
    var closingStart = high
    while closingStart > low && buffer[closingStart - 1] == UInt8(ascii: "#") { closingStart -= 1 }
    if closingStart < high && (closingStart == low || buffer[closingStart - 1] == 0x20) { high = closingStart }
    while low < high && buffer[low] == 0x20 { low += 1 }
    while high > low && buffer[high - 1] == 0x20 { high -= 1 }
    let title = String(decoding: UnsafeBufferPointer(rebasing: buffer[low..<high]), as: UTF8.self)
    if low < high && (buffer[low] >= 0x80 || buffer[high - 1] >= 0x80) {
      // Non-ASCII ends may be Unicode spaces, which the title loses too.
      return title.trimmingCharacters(in: .whitespaces)
    }
    return title
  }

  /// Bytes that make a heading's content more than plain text, as a table by byte value.
  private static let specialTitleBytes: [Bool] = {
    var table = [Bool](repeating: false, count: 256)
    for byte in "`*_[]<>&\\!\t".utf8 { table[Int(byte)] = true }
    return table
  }()

  /// Whether the line `buffer[start..<end]` is a conflict marker line made of `byte`: seven of
  /// them, alone or followed by a space.
  private static func isMarker(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ byte: UInt8) -> Bool {
    guard end - start >= 7 else { return false }
    for position in start..<start + 7 where buffer[position] != byte { return false }
    return end - start == 7 || buffer[start + 7] == 0x20
  }
}
