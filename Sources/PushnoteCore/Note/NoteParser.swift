import Foundation

/// Reads the note model out of a parsed Markdown document: sections, checklist items, header fields,
/// compare and commit links, flags, migrations, sign-offs and the timeline.
///
/// It is tolerant: it recognises what it can and never requires anything, so hand-written notes of the
/// pad era read as well as notes made from the template. Everything it finds keeps its line and bytes.
public struct NoteParser {
  /// The document read.
  public let document: MarkdownDocument
  /// The notebook's configuration: its time zone, pad prefix and repositories.
  public let config: NotebookConfig
  /// The file's path, for the model and for a date taken from the file name.
  public let path: String?

  /// The document's source text.
  let source: SourceText
  /// The document's bytes (stored: hot loops read them).
  let bytes: [UInt8]

  /// A parser for one document.
  public init(document: MarkdownDocument, config: NotebookConfig, path: String? = nil) {
    self.document = document
    self.source = document.source
    self.bytes = document.source.bytes
    self.config = config
    self.path = path
  }

  /// A list item of the document, with what the parser needs to know of it.
  ///
  /// Offsets, lines and indices are kept in 32 bits, as in ``MarkdownBlock``: a note of millions of
  /// short lines holds an item for each.
  struct Item {
    private let start: Int32
    private let stop: Int32
    private let startLine: Int32
    /// -1 when none, as for the section, the paragraph and the box.
    private let parentIndex: Int32
    private let sectionIndex: Int32
    private let paragraphStart: Int32
    private let paragraphEnd: Int32
    private let paragraphLine: Int32
    private let box: Int32
    private let firstLineStart: Int32
    private let firstLineEnd: Int32
    /// Its checklist state; nil for a list item that is not a checklist item.
    let state: Note.ItemState?
    /// The plain text of its first paragraph after the box; empty for an item that is neither a
    /// checklist item nor a possible migration.
    let text: String

    init(
      range: Range<Int>, line: Int, parent: Int?, section: Int?, paragraphRange: Range<Int>?, textLine: Int, boxOffset: Int?,
      state: Note.ItemState?, text: String, firstLine: Range<Int>
    ) {
      start = Int32(range.lowerBound)
      stop = Int32(range.upperBound)
      startLine = Int32(line)
      parentIndex = Int32(parent ?? -1)
      sectionIndex = Int32(section ?? -1)
      paragraphStart = Int32(paragraphRange?.lowerBound ?? -1)
      paragraphEnd = Int32(paragraphRange?.upperBound ?? -1)
      paragraphLine = Int32(textLine)
      box = Int32(boxOffset ?? -1)
      firstLineStart = Int32(firstLine.lowerBound)
      firstLineEnd = Int32(firstLine.upperBound)
      self.state = state
      self.text = text
    }

    /// The item's bytes.
    var range: Range<Int> { Int(start)..<Int(stop) }
    /// The item's 1-based line.
    var line: Int { Int(startLine) }
    /// The index of the item it is nested in.
    var parent: Int? { parentIndex < 0 ? nil : Int(parentIndex) }
    /// The index of its section.
    var section: Int? { sectionIndex < 0 ? nil : Int(sectionIndex) }
    /// The bytes of its first paragraph, if the item starts with one.
    var paragraphRange: Range<Int>? { paragraphStart < 0 ? nil : Int(paragraphStart)..<Int(paragraphEnd) }
    /// The line its text starts on (its first paragraph's).
    var textLine: Int { Int(paragraphLine) }
    /// The offset of the byte inside a `[ ]` box.
    var boxOffset: Int? { box < 0 ? nil : Int(box) }
    /// The raw bytes of its first paragraph's first line, after the box and the blanks after it.
    var firstLine: Range<Int> { Int(firstLineStart)..<Int(firstLineEnd) }

    /// Ticked, or wholly struck through.
    var isDone: Bool { state == .done }
  }

  /// A line of a paragraph that is not an item's first line: where timeline entries and header
  /// fields written as plain text are found.
  struct TextLine {
    /// The line's bytes without leading blanks (and quote markers) or its line ending.
    var range: Range<Int>
    /// The 1-based line number.
    var line: Int
    /// The index of its section.
    var section: Int?
  }

  /// Everything found in one walk over the tree.
  struct Outline {
    var sections: [Note.Section] = []
    /// The sections' titles as bytes, to match words against.
    var sectionKeys: [[UInt8]] = []
    /// Whether each section's title mentions migrations.
    var migrationSections: [Bool] = []
    var items: [Item] = []
    var lines: [TextLine] = []
    /// The push tags written anywhere, in order.
    var tags: [(tag: PushTag, range: Range<Int>)] = []
    /// Where the header ends: the first section that is not the title.
    var headerEnd = 0
  }

  /// Parses the document into the note model (problems are left to ``NoteLinter``).
  public func parse() -> Note {
    var note = Note()
    note.file = path
    let outline = makeOutline()
    note.sections = outline.sections
    let title = document.topLevel.first { document.blocks[$0].kind == .heading(level: 1) }
    note.title = title.map { document.plainText(of: document.blocks[$0]) }
    readHeader(into: &note, outline: outline)
    readLinks(into: &note, outline: outline)
    readFlags(into: &note, outline: outline)
    readMigrations(into: &note, outline: outline)
    readSignoffs(into: &note, outline: outline)
    readTimeline(into: &note, outline: outline)
    readPushes(into: &note, outline: outline)
    return note
  }

  // MARK: Sections and items

  /// The sections, the items with their sections, and the paragraph lines.
  func makeOutline() -> Outline {
    var outline = Outline()
    let starts = sectionStarts()
    let extentEnds = NoteParser.extentEnds(of: starts, fileEnd: bytes.count)
    var identities = SectionIdentities(localOnly: config.pad.localOnly)
    for (index, start) in starts.enumerated() {
      let end = index + 1 < starts.count ? starts[index + 1].offset : bytes.count
      var section = Note.Section(title: start.title, level: start.level, line: start.line, items: [], range: start.offset..<end)
      section.extent = start.offset..<(start.level == 0 ? end : extentEnds[index])
      (section.key, section.isLocalOnly) = identities.next(title: start.title, level: start.level)
      outline.sections.append(section)
      outline.sectionKeys.append(Array(start.title.utf8))
    }
    outline.migrationSections = outline.sections.indices.map { section($0, in: outline, mentions: Words.migrationSection) }
    outline.headerEnd = starts.first { $0.level != 1 }?.offset ?? bytes.count
    let sectionOffsets = starts.map(\.offset)
    collect(sectionOffsets: sectionOffsets, into: &outline)
    outline.tags = LinkScanner.tags(in: bytes, range: 0..<bytes.count)
    var checklistCounts = [Int](repeating: 0, count: outline.sections.count)
    for item in outline.items where item.state != nil { item.section.map { checklistCounts[$0] += 1 } }
    for (index, count) in checklistCounts.enumerated() where count > 0 { outline.sections[index].items.reserveCapacity(count) }
    for item in outline.items {
      guard item.state != nil, let section = item.section else { continue }
      outline.sections[section].items.append(
        Note.ChecklistItem(text: item.text, state: item.state ?? .open, line: item.line, boxOffset: item.boxOffset, range: item.range))
    }
    for index in outline.sections.indices { outline.sections[index].progress = Note.Progress(outline.sections[index].items) }
    return outline
  }

  /// For each section, where the next heading of the same or a higher level starts (the file's end
  /// when there is none), in one pass from the end.
  static func extentEnds(of starts: [SectionStart], fileEnd: Int) -> [Int] {
    var nextByLevel = [Int](repeating: fileEnd, count: 7)
    var result = [Int](repeating: fileEnd, count: starts.count)
    for index in starts.indices.reversed() {
      let level = min(max(starts[index].level, 0), 6)
      guard level > 0 else { continue }
      result[index] = nextByLevel[1...level].min() ?? fileEnd
      nextByLevel[level] = starts[index].offset
    }
    return result
  }

  /// Where a section begins: a heading, or a pad-era title (level 0).
  typealias SectionStart = NoteOutline.Heading

  /// Headings at the top level; in a note without `##` headings, also pad-era `Title:` lines.
  func sectionStarts() -> [SectionStart] {
    let headings = NoteOutline.headings(in: document)
    guard !headings.contains(where: { $0.level >= 2 }) else { return headings }
    var starts: [SectionStart] = []
    var next = 0
    for block in document.topLevel.lazy.map({ document.blocks[$0] }) {
      switch block.kind {
      case .heading:
        starts.append(headings[next])
        next += 1
      case .paragraph:
        starts.append(contentsOf: padTitles(in: block))
      default:
        continue
      }
    }
    return starts
  }

  /// Pad-era titles: lines of a paragraph ending with a colon (`Pushing:`).
  ///
  /// A title takes in the lines before it in the same paragraph (at most three). Field lines (`ops: jason`, `start:`) are not titles.
  func padTitles(in paragraph: MarkdownBlock) -> [SectionStart] {
    var result: [SectionStart] = []
    var lines: [TextLine] = []
    appendLines(of: paragraph, to: &lines)
    var titleStart: Int?
    for (index, line) in lines.enumerated() {
      let text = ASCII.trimmed(bytes, line.range)
      if isFieldLine(text) {
        titleStart = nil
        continue
      }
      if titleStart == nil || index - (titleStart ?? index) >= 3 { titleStart = index }
      guard text.count > 1, bytes[text.upperBound - 1] == UInt8(ascii: ":"), let first = titleStart else { continue }
      let title = lines[first...index].map { source.string(ASCII.trimmed(bytes, $0.range)) }.joined(separator: " ")
      result.append(SectionStart(title: title, level: 0, line: lines[first].line, offset: source.lineStarts[lines[first].line - 1]))
      titleStart = nil
    }
    return result
  }

  /// Whether a line is `name: value` with a name pushnote knows (header fields, `start:`, `end:`).
  func isFieldLine(_ range: Range<Int>) -> Bool {
    guard let colon = bytes[range].firstIndex(of: UInt8(ascii: ":")) else { return false }
    let name = normalizedName(range.lowerBound..<colon)
    return NoteParser.headerKeys[name] != nil || NoteParser.timelineLabels[name] != nil
  }

  /// Appends the lines of a paragraph that `keep` accepts: the first from the paragraph's start, the
  /// others without their indent.
  ///
  /// `skipFirst` leaves out the first line (an item's, read with the item).
  func appendLines(
    of paragraph: MarkdownBlock, section: Int? = nil, skipFirst: Bool = false, to result: inout [TextLine],
    keep: (Range<Int>) -> Bool = { _ in true }
  ) {
    guard !paragraph.range.isEmpty else { return }
    let lastLine = source.location(ofOffset: paragraph.range.upperBound - 1, nearLine: paragraph.line).line
    let firstLine = paragraph.line + (skipFirst ? 1 : 0)
    guard firstLine <= lastLine else { return }
    for number in firstLine...lastLine {
      let full = source.lineRange(number)
      var start = number == paragraph.line ? paragraph.range.lowerBound : full.lowerBound
      while start < full.upperBound, ASCII.isBlank(bytes[start]) || bytes[start] == UInt8(ascii: ">") { start += 1 }
      let range = start..<max(start, min(full.upperBound, paragraph.range.upperBound))
      if keep(range) { result.append(TextLine(range: range, line: number, section: section)) }
    }
  }

  /// Whether a paragraph line outside the header can matter: timeline lines start with a digit or
  /// with `s`, `e`, `f` or `p` (`start:`, `end:`, `finished:`, `push started:`).
  func mayHoldTimelineEntry(_ range: Range<Int>) -> Bool {
    guard let first = range.first.map({ bytes[$0] }) else { return false }
    let lowered = first | 0x20
    return ASCII.isDigit(first) || lowered == UInt8(ascii: "s") || lowered == UInt8(ascii: "e") || lowered == UInt8(ascii: "f")
      || lowered == UInt8(ascii: "p")
  }

  /// Walks every block once, collecting items (each with the item it is nested in) and paragraph lines.
  private func collect(sectionOffsets: [Int], into outline: inout Outline) {
    let blocks = document.blocks
    // For each block, the index in `outline.items` of the innermost item holding it, or -1.
    var enclosingItem = [Int32](repeating: -1, count: blocks.count)
    outline.items.reserveCapacity(blocks.count / 2)
    for (index, block) in blocks.enumerated() {
      let parentItem = block.parent.flatMap { enclosingItem[$0] < 0 ? nil : Int(enclosingItem[$0]) }
      let section = NoteParser.lastIndex(in: sectionOffsets, atOrBefore: block.range.lowerBound) { $0 }
      switch block.kind {
      case .item:
        let migrationSection = section.map { outline.migrationSections[$0] } ?? false
        outline.items.append(makeItem(at: index, parent: parentItem, section: section, migrationSection: migrationSection))
        enclosingItem[index] = Int32(outline.items.count - 1)
      case .paragraph:
        // An item's first paragraph is read with the item.
        let itemFirstParagraph = block.parent.map { blocks[$0].kind == .item && $0 + 1 == index } ?? false
        let headerEnd = outline.headerEnd
        appendLines(of: block, section: section, skipFirst: itemFirstParagraph, to: &outline.lines) { range in
          range.lowerBound < headerEnd || mayHoldTimelineEntry(range)
        }
        enclosingItem[index] = Int32(parentItem ?? -1)
      default:
        enclosingItem[index] = Int32(parentItem ?? -1)
      }
    }
  }

  /// An item: its box, state, text and first line.
  ///
  /// The text is read for checklist items and possible migrations only: nothing else uses it.
  private func makeItem(at index: Int, parent: Int?, section: Int?, migrationSection: Bool) -> Item {
    let block = document.blocks[index]
    guard block.end > index + 1, case let paragraph = document.blocks[index + 1], paragraph.kind == .paragraph else {
      let empty = block.range.lowerBound..<block.range.lowerBound
      return Item(
        range: block.range, line: block.line, parent: parent, section: section, paragraphRange: nil, textLine: block.line, boxOffset: nil,
        state: nil, text: "", firstLine: empty)
    }
    let start = paragraph.range.lowerBound
    let box = ChecklistSyntax.box(bytes, at: start)
    let boxOffset = box?.mark
    var state = box?.state
    var textStart = boxOffset.map { $0 + 2 } ?? start
    while textStart < paragraph.range.upperBound, ASCII.isBlank(bytes[textStart]) { textStart += 1 }
    let body = textStart..<paragraph.range.upperBound
    if ChecklistSyntax.isStruck(bytes, body), state != .notApplicable { state = .done }
    let lineEnd = min(source.lineRange(paragraph.line).upperBound, paragraph.range.upperBound)
    let needsText =
      state != nil || migrationSection || NoteParser.Words.migrationFiles.contains { ASCII.contains(bytes, paragraph.range, $0) }
    return Item(
      range: block.range, line: block.line, parent: parent, section: section, paragraphRange: paragraph.range, textLine: paragraph.line,
      boxOffset: boxOffset, state: state, text: needsText ? itemText(paragraph, box: boxOffset.map { bytes[$0] }) : "",
      firstLine: ASCII.trimmed(bytes, textStart..<max(textStart, lineEnd)))
  }

  /// The plain text of a first paragraph without its box.
  ///
  /// A `[x]` that a link definition `[x]: /url` turned into a link reads as `x`.
  private func itemText(_ paragraph: MarkdownBlock, box: UInt8?) -> String {
    let text = document.plainTextBytes[paragraph.plainTextRange]
    var start = text.startIndex
    let end = text.endIndex
    if box != nil {
      if end - start >= 3, text[start] == UInt8(ascii: "["), text[start + 2] == UInt8(ascii: "]") {
        start += 3
      } else if box != UInt8(ascii: " "), start < end, text[start] | 0x20 == UInt8(ascii: "x") || text[start] == UInt8(ascii: "-") {
        start += 1
      }
    }
    return String(decoding: text[ASCII.trimmed(text, start..<end)], as: UTF8.self)
  }

  /// The innermost item whose bytes hold `offset`.
  func item(containing offset: Int, in items: [Item]) -> Int? {
    var candidate: Int? = NoteParser.lastIndex(in: items, atOrBefore: offset) { $0.range.lowerBound }
    while let index = candidate, !items[index].range.contains(offset) { candidate = items[index].parent }
    return candidate
  }

  /// The last index whose element's `key` is at or before `offset`, in a list ascending by key.
  static func lastIndex<Element>(in list: [Element], atOrBefore offset: Int, key: (Element) -> Int) -> Int? {
    let index = firstIndex(in: list, atOrAfter: offset + 1, key: key)
    return index > 0 ? index - 1 : nil
  }

  /// The first index whose element's `key` is at or after `offset` (the count when none is), in a
  /// list ascending by key.
  static func firstIndex<Element>(in list: [Element], atOrAfter offset: Int, key: (Element) -> Int) -> Int {
    var low = 0
    var high = list.count
    while low < high {
      let middle = (low + high) / 2
      if key(list[middle]) < offset { low = middle + 1 } else { high = middle }
    }
    return low
  }

  /// A field or label name, lowercased, without emphasis markers, list bullets or surrounding blanks.
  func normalizedName(_ range: Range<Int>) -> String {
    // Built on the stack: names are short, and most are looked up and dropped.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: range.count) { result in
      var count = 0
      var pendingBlank = false
      for byte in bytes[range] {
        if ASCII.isBlank(byte) {
          pendingBlank = count > 0
          continue
        }
        if pendingBlank {
          result[count] = 0x20
          count += 1
        }
        pendingBlank = false
        result[count] = ASCII.lowercased(byte)
        count += 1
      }
      // Space, `*`, `_`, `-` and a backquote decorate names.
      func isDecoration(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x2A || byte == 0x5F || byte == 0x2D || byte == 0x60 }
      var start = 0
      var end = count
      while start < end, isDecoration(result[start]) { start += 1 }
      while end > start, isDecoration(result[end - 1]) { end -= 1 }
      return String(decoding: UnsafeBufferPointer(rebasing: result[start..<end]), as: UTF8.self)
    }
  }

  /// A table of the bytes that can start one of `names` (lowercase ASCII), to skip most lines
  /// before building a name.
  static func firstLetters(of names: some Sequence<String>) -> [Bool] {
    var table = [Bool](repeating: false, count: 256)
    for name in names {
      guard let first = name.utf8.first else { continue }
      table[Int(first)] = true
      if ASCII.isLetter(first) { table[Int(first & 0xDF)] = true }
    }
    return table
  }

  /// Whether the name at the start of `range` (after `*`, `_` or a backquote) may be one whose
  /// first letters are in `table`.
  func mayStartName(_ range: Range<Int>, _ table: [Bool]) -> Bool {
    var index = range.lowerBound
    while index < range.upperBound, bytes[index] == 0x2A || bytes[index] == 0x5F || bytes[index] == 0x60 { index += 1 }
    return index < range.upperBound && table[Int(bytes[index])]
  }

  /// Whether the section of an index has a title that mentions one of the words (lowercase).
  func section(_ index: Int?, in outline: Outline, mentions words: [ASCII.Needle]) -> Bool {
    guard let index else { return false }
    let title = outline.sectionKeys[index]
    return words.contains { ASCII.firstIndex(of: $0, in: title, 0..<title.count) != nil }
  }
}
