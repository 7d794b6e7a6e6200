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
  public init(bytes: [UInt8], path: String? = nil, localOnly: [String] = []) throws(MarkdownError) {
    let document = try MarkdownDocument(bytes: bytes, path: path)
    let text = SyncText(bytes: bytes)
    self.text = text
    let blocks = Self.conflictBlocks(in: text)
    let localOnlyTitles = Set(localOnly.map { $0.lowercased().trimmingCharacters(in: .whitespaces) })
    var starts: [(line: Int, level: Int, title: String)] = []
    var hiddenTitles: [(Int, String)] = []
    for block in document.blocks {
      guard case .heading(let level) = block.kind else { continue }
      let line = block.line - 1
      let title = block.plainText.trimmingCharacters(in: .whitespaces)
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
      if localOnlyLevel == nil && localOnlyTitles.contains(start.title.lowercased()) { localOnlyLevel = start.level }
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
