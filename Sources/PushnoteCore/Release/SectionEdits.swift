/// Byte splices that add lines to a note's sections, for tagging and cherry-picks.
///
/// Sections are found by title, compared without case, spaces, punctuation or a trailing colon, so
/// `## Cherry-picks:` and `## Cherry picks` are the same section. A missing section is created.
struct SectionEdits {
  /// The note's bytes.
  let bytes: [UInt8]
  /// The parsed note.
  let note: Note
  /// The line ending the note uses most.
  let lineEnding: String

  /// Edits of `source`, parsed as `note`.
  init(source: SourceText, note: Note) {
    bytes = source.bytes
    self.note = note
    lineEnding = source.preferredLineEnding
  }

  /// A title reduced to its letters and digits, lower-cased.
  static func key(_ title: String) -> String {
    String(title.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }.map(Character.init))
  }

  /// The index of the first section with this title.
  func sectionIndex(_ title: String) -> Int? {
    let wanted = SectionEdits.key(title)
    return note.sections.firstIndex { $0.level > 0 && SectionEdits.key($0.title) == wanted }
  }

  /// The section's bytes including its subsections: through the line before the next heading of
  /// the same or a higher level.
  func extent(ofSection index: Int) -> Range<Int> {
    let section = note.sections[index]
    let end = note.sections[(index + 1)...].first { $0.level > 0 && $0.level <= section.level }?.range.lowerBound ?? bytes.count
    return section.range.lowerBound..<max(section.range.lowerBound, end)
  }

  /// Whether the section's bytes contain `text`.
  func section(_ index: Int, contains text: String) -> Bool {
    let needle = Array(text.utf8)
    let range = extent(ofSection: index)
    guard !needle.isEmpty, range.count >= needle.count else { return false }
    return (range.lowerBound...(range.upperBound - needle.count)).contains { start in bytes[start..<(start + needle.count)].elementsEqual(needle) }
  }

  /// Inserts lines after the last non-blank line of a section, or, when the note has no such
  /// section, a new level-2 section with them at `fallbackOffset` (the end of the note by default).
  func append(_ lines: [String], toSection title: String, fallbackOffset: Int? = nil) -> ByteEdit {
    guard let index = sectionIndex(title) else { return newSection(title, body: lines, at: fallbackOffset ?? bytes.count) }
    let range = extent(ofSection: index)
    var end = range.upperBound
    while end > range.lowerBound, [UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: " "), UInt8(ascii: "\t")].contains(bytes[end - 1]) {
      end -= 1
    }
    let headingOnly = !bytes[range.lowerBound..<end].contains(UInt8(ascii: "\n")) && !bytes[range.lowerBound..<end].contains(UInt8(ascii: "\r"))
    let lineEnd = endOfLine(from: end)
    let text = (lineEnd.terminated ? "" : lineEnding) + (headingOnly ? lineEnding : "") + lines.map { $0 + lineEnding }.joined()
    return ByteEdit(range: lineEnd.offset..<lineEnd.offset, text: text)
  }

  /// Replaces a section (with its subsections) by a heading and body, or inserts it at `fallbackOffset`.
  func replace(section title: String, body: [String], fallbackOffset: Int? = nil) -> ByteEdit {
    guard let index = sectionIndex(title) else { return newSection(title, body: body, at: fallbackOffset ?? bytes.count) }
    let range = extent(ofSection: index)
    let heading = String(decoding: bytes[range.lowerBound..<endOfLine(from: range.lowerBound).offset], as: UTF8.self)
    let trailing = range.upperBound < bytes.count ? lineEnding : ""
    let text = heading + (endOfLine(from: range.lowerBound).terminated ? "" : lineEnding) + lineEnding
      + body.map { $0 + lineEnding }.joined() + trailing
    return ByteEdit(range: range, text: text)
  }

  /// The offset where the section after the given one starts (the end of the note when it is the last).
  func offsetAfterSection(_ title: String) -> Int? {
    guard let index = sectionIndex(title) else { return nil }
    return extent(ofSection: index).upperBound
  }

  /// A new level-2 section at an offset, separated from what comes before by a blank line.
  private func newSection(_ title: String, body: [String], at offset: Int) -> ByteEdit {
    var prefix = ""
    if offset > 0 {
      let before = bytes[..<offset]
      if !(before.last == UInt8(ascii: "\n") || before.last == UInt8(ascii: "\r")) { prefix = lineEnding + lineEnding }
      else if !endsWithBlankLine(before) { prefix = lineEnding }
    }
    let suffix = offset < bytes.count ? lineEnding : ""
    let text = prefix + "## \(title)" + lineEnding + lineEnding + body.map { $0 + lineEnding }.joined() + suffix
    return ByteEdit(range: offset..<offset, text: text)
  }

  /// Whether bytes that end with a line ending end with an empty line.
  private func endsWithBlankLine(_ bytes: ArraySlice<UInt8>) -> Bool {
    var rest = bytes
    if rest.last == UInt8(ascii: "\n") { rest = rest.dropLast() }
    if rest.last == UInt8(ascii: "\r") { rest = rest.dropLast() }
    return rest.isEmpty || rest.last == UInt8(ascii: "\n") || rest.last == UInt8(ascii: "\r")
  }

  /// The offset just past the line ending that ends the line holding `offset`, and whether there was one.
  func endOfLine(from offset: Int) -> (offset: Int, terminated: Bool) {
    var index = offset
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "\n") { return (index + 1, true) }
      if bytes[index] == UInt8(ascii: "\r") {
        return (index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") ? index + 2 : index + 1, true)
      }
      index += 1
    }
    return (bytes.count, false)
  }

  /// The offset where the line holding `offset` ends, before its line ending.
  func lineContentEnd(from offset: Int) -> Int {
    var index = offset
    while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") { index += 1 }
    return index
  }
}
