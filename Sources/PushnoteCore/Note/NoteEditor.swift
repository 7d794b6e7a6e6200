import Foundation

/// Computes the byte splices of a note's edits.
///
/// Ticking an item, signing off, adding lines to a section, setting a header field: each never
/// touches a byte the edit does not mean to change.
public struct NoteEditor: Sendable {
  /// The note being edited, as read from disk.
  public let parsed: ParsedNote

  /// An editor of a parsed note.
  public init(_ parsed: ParsedNote) { self.parsed = parsed }

  private var source: SourceText { parsed.source }
  private var lineEnding: String { source.preferredLineEnding }

  // MARK: Checklist items

  /// The one checklist item whose text matches `query`: an exact match (ignoring case and spacing)
  /// wins, else the only item containing it.
  ///
  /// - Throws: ``NoteEditError/noMatchingItem(query:candidates:)`` or
  ///   ``NoteEditError/ambiguousItem(query:candidates:)`` listing the candidates.
  public func item(matching query: String) throws(NoteEditError) -> Note.ChecklistItem {
    let items = parsed.note.sections.flatMap(\.items)
    let wanted = Self.normalized(query)
    let exact = items.filter { Self.normalized($0.text) == wanted }
    if exact.count == 1, let only = exact.first { return only }
    let containing = exact.isEmpty ? items.filter { Self.normalized($0.text).contains(wanted) } : exact
    guard let first = containing.first else {
      throw .noMatchingItem(query: query, candidates: items.map { "\($0.line): \($0.text)" })
    }
    guard containing.count == 1 else { throw .ambiguousItem(query: query, candidates: containing.map { "\($0.line): \($0.text)" }) }
    return first
  }

  /// The splice that sets an item's box to `state` (`x`, space or `-`); nil when it already is.
  ///
  /// - Throws: ``NoteEditError/noBox(line:)`` for an item done by strike-through only;
  ///   ``NoteEditError/incompleteSignoff(role:line:)`` for ticking a sign-off item without a name and a time.
  public func setState(_ state: Note.ItemState, of item: Note.ChecklistItem) throws(NoteEditError) -> ByteEdit? {
    guard let box = item.boxOffset else { throw .noBox(line: item.line) }
    if state == .done, let signoff = parsed.note.signoffs.first(where: { $0.boxOffset == box }), signoff.name == nil || signoff.at == nil {
      throw .incompleteSignoff(role: SignoffRole(rawValue: signoff.role)?.label ?? signoff.role, line: item.line)
    }
    let mark: UInt8
    switch state {
    case .done: mark = UInt8(ascii: "x")
    case .open: mark = UInt8(ascii: " ")
    case .notApplicable: mark = UInt8(ascii: "-")
    }
    let current = source.bytes[box]
    if current == mark || (state == .done && current == UInt8(ascii: "X")) { return nil }
    return ByteEdit(range: box..<box + 1, replacement: [mark])
  }

  // MARK: Sign-offs

  /// The splice that records a sign-off: it rewrites the role's sign-off item (`- [ ] QA:`) as
  /// `- [x] QA: NAME YYYY-MM-DD HH:MM`, or adds one to the Sign-offs section.
  public func sign(role: SignoffRole, name: String, at time: Date, zone: TimeZone) -> ByteEdit {
    let text = "[x] \(role.label): \(Self.singleLine(name).trimmingCharacters(in: .whitespaces)) \(Self.localTimestamp(time, zone: zone))"
    if let existing = parsed.note.signoffs.last(where: { $0.role == role.rawValue }) {
      let line = source.lineRange(existing.line)
      let prefixLength = Self.listMarkerLength(source.string(line))
      return ByteEdit(range: line.lowerBound + prefixLength..<line.upperBound, text: text)
    }
    return appendLine("- " + text, toSection: "Sign-offs")
  }

  // MARK: Sections and header

  /// The splice that adds a line at the end of a section's content (before its trailing blank lines),
  /// creating the section at the end of the note when it has none.
  public func appendLine(_ line: String, toSection title: String) -> ByteEdit {
    appendLines([line], toSection: title)
  }

  /// The splice that adds lines after the last non-blank line of a section (its subsections
  /// included), or, when the note has no such section, a new level-2 section holding them at
  /// `fallbackOffset` (the end of the note by default).
  public func appendLines(_ lines: [String], toSection title: String, fallbackOffset: Int? = nil) -> ByteEdit {
    let lines = lines.map(Self.singleLine)
    guard let section = section(titled: title) else { return newSection(title, body: lines, at: fallbackOffset ?? source.bytes.count) }
    let range = extent(of: section)
    var end = range.upperBound
    while end > range.lowerBound, [0x20, 0x09, 0x0A, 0x0D].contains(source.bytes[end - 1]) { end -= 1 }
    let headingOnly = end <= source.lineRange(section.line).upperBound
    let line = source.location(ofOffset: max(range.lowerBound, end - 1)).line
    let lineEnd = source.lineEndingRange(line)
    let terminated = !lineEnd.isEmpty
    let text = (terminated ? "" : lineEnding) + (headingOnly ? lineEnding : "") + lines.map { $0 + lineEnding }.joined()
    return ByteEdit(range: lineEnd.upperBound..<lineEnd.upperBound, text: text)
  }

  /// The splice that replaces a section (its subsections included) by its heading and `body`, or
  /// inserts it as a new level-2 section at `fallbackOffset` (the end of the note by default).
  public func replaceSection(_ title: String, body: [String], fallbackOffset: Int? = nil) -> ByteEdit {
    let body = body.map(Self.singleLine)
    guard let section = section(titled: title) else { return newSection(title, body: body, at: fallbackOffset ?? source.bytes.count) }
    let range = extent(of: section)
    let heading = source.lineRange(section.line)
    let trailing = range.upperBound < source.bytes.count ? lineEnding : ""
    let text = source.string(heading) + lineEnding + lineEnding + body.map { $0 + lineEnding }.joined() + trailing
    return ByteEdit(range: range, text: text)
  }

  /// A section's bytes with its subsections: through the line before the next heading of the same or
  /// a higher level.
  public func extent(of section: Note.Section) -> Range<Int> {
    let sections = parsed.note.sections
    let index = sections.firstIndex { $0.range == section.range } ?? sections.count
    let end = sections.dropFirst(index + 1).first { $0.level > 0 && $0.level <= section.level }?.range.lowerBound ?? source.bytes.count
    return section.range.lowerBound..<max(section.range.lowerBound, end)
  }

  /// Where the section after the one titled `title` starts (the end of the note for the last one).
  public func offsetAfterSection(_ title: String) -> Int? {
    section(titled: title).map { extent(of: $0).upperBound }
  }

  /// Whether the section titled `title` (its subsections included) contains `text`.
  public func section(_ title: String, contains text: String) -> Bool {
    guard let section = section(titled: title), !text.isEmpty else { return false }
    return source.string(extent(of: section)).contains(text)
  }

  /// A new level-2 section at an offset, separated from what comes before by a blank line.
  private func newSection(_ title: String, body: [String], at offset: Int) -> ByteEdit {
    let before = source.bytes[..<offset]
    var prefix = ""
    if offset > 0 {
      if !(before.last == 0x0A || before.last == 0x0D) {
        prefix = lineEnding + lineEnding
      } else if !Self.endsWithBlankLine(before) {
        prefix = lineEnding
      }
    }
    let suffix = offset < source.bytes.count ? lineEnding : ""
    let text =
      prefix + "## \(Self.singleLine(title).trimmingCharacters(in: .whitespaces))" + lineEnding + lineEnding
      + body.map { $0 + lineEnding }.joined() + suffix
    return ByteEdit(range: offset..<offset, text: text)
  }

  /// Whether bytes that end with a line ending end with an empty line.
  private static func endsWithBlankLine(_ bytes: ArraySlice<UInt8>) -> Bool {
    var rest = bytes
    if rest.last == 0x0A { rest = rest.dropLast() }
    if rest.last == 0x0D { rest = rest.dropLast() }
    return rest.isEmpty || rest.last == 0x0A || rest.last == 0x0D
  }

  /// The splice that sets a header field (`- Tag: 2026.12.01`), adding it after the last header
  /// field (or the title) when the note has none of that name.
  public func setHeaderField(_ name: String, value: String) -> ByteEdit {
    let value = Self.singleLine(value).trimmingCharacters(in: .whitespaces)
    if let field = parsed.note.headerFields.first(where: { Self.normalized($0.name) == Self.normalized(name) }) {
      return ByteEdit(range: field.valueRange, text: value)
    }
    if let last = parsed.note.headerFields.last {
      let end = source.lineRange(last.line).upperBound
      return ByteEdit(range: end..<end, text: lineEnding + "- \(name): \(value)")
    }
    let titleLine = parsed.note.sections.first(where: { $0.level == 1 })?.line
    let end = titleLine.map { source.lineRange($0).upperBound } ?? 0
    let text = titleLine == nil ? "- \(name): \(value)" + lineEnding + lineEnding : lineEnding + lineEnding + "- \(name): \(value)"
    return ByteEdit(range: end..<end, text: text)
  }

  /// The first section whose title matches by the outline's rule (``NoteOutline/titleKey(_:)``:
  /// case, spacing, emphasis and trailing colons aside, `Sign-offs:` matches `sign-offs`).
  public func section(titled title: String) -> Note.Section? { parsed.outline.section(titled: title) }

  // MARK: Text helpers

  /// A timeline line, `- 11:02 push started`, with the date in front when it is not the note's.
  public static func timelineEntry(_ event: String, at time: Date, noteDate: PushDate?, zone: TimeZone) -> String {
    let stamp = PushDate(time, in: zone) == noteDate ? localTime(time, zone: zone) : localTimestamp(time, zone: zone)
    return "- \(stamp) \(singleLine(event).trimmingCharacters(in: .whitespaces))"
  }

  /// `YYYY-MM-DD HH:MM` in the zone, as sign-offs and dated timeline entries write it.
  public static func localTimestamp(_ time: Date, zone: TimeZone) -> String {
    let day = PushDate(time, in: zone)
    return "\(day.iso) \(localTime(time, zone: zone))"
  }

  /// `HH:MM` in the zone.
  public static func localTime(_ time: Date, zone: TimeZone) -> String {
    let seconds = Int(time.timeIntervalSince1970) + zone.secondsFromGMT(for: time)
    let minutes = ((seconds / 60) % 1440 + 1440) % 1440
    return (TimeOfDay(hour: minutes / 60, minute: minutes % 60) ?? .eleven).description
  }

  /// Text made safe for one line of Markdown: line breaks and control characters become spaces
  /// (indentation is kept, for nested items).
  static func singleLine(_ text: String) -> String {
    String(
      text.unicodeScalars.map { $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : Character($0) })
  }

  private static func normalized(_ text: String) -> String {
    text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }

  /// The length of a list item's leading indentation, marker and spacing (`  - `, `1. `).
  private static func listMarkerLength(_ line: String) -> Int {
    let bytes = Array(line.utf8)
    var index = 0
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    if index < bytes.count, [UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "+")].contains(bytes[index]) {
      index += 1
    } else {
      while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
      if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ")") { index += 1 }
    }
    while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    return index
  }
}

/// The roles that sign off a push.
public enum SignoffRole: String, Sendable, CaseIterable {
  /// Quality assurance.
  case qa
  /// Operations.
  case ops
  /// The release manager.
  case rm

  /// How the note writes the role: `QA`, `Ops`, `RM`.
  public var label: String {
    switch self {
    case .qa: return "QA"
    case .ops: return "Ops"
    case .rm: return "RM"
    }
  }
}
