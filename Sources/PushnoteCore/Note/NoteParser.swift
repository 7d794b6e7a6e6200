import Foundation

/// Reads the note model out of a note's bytes: sections, checklist items, header fields, compare
/// and commit links, flags, migrations, sign-offs and the timeline.
///
/// It is tolerant: it recognises what it can and never requires anything, so hand-written notes of the
/// pad era read as well as notes made from the template. Everything it finds keeps its line and bytes.
///
/// The note is read in the pieces ``CommonMarkConverter`` parses it in, each of whole top-level
/// blocks. What a piece holds on its own (its items, lines, links, tags and flags) is read on the
/// thread that parsed it, and its Markdown tree is dropped there; what depends on the note before it
/// (sections, the header, the date, sign-offs, migrations and the timeline) is read in order by
/// ``Reading``. So a note of millions of lines never holds a tree of itself, only its model.
public struct NoteParser: Sendable {
  /// The note's bytes, with their line index.
  public let source: SourceText
  /// The notebook's configuration: its time zone, pad prefix and repositories.
  public let config: NotebookConfig
  /// The file's path, for the model and for a date taken from the file name.
  public let path: String?

  /// The note's bytes (stored: hot loops read them).
  let bytes: [UInt8]

  /// A parser for one note.
  public init(source: SourceText, config: NotebookConfig, path: String? = nil) {
    self.source = source
    self.bytes = source.bytes
    self.config = config
    self.path = path
  }

  /// Parses the note into the model (problems are left to ``NoteLinter``).
  ///
  /// - Throws: ``MarkdownError/tooLarge(path:size:)`` for a note over
  ///   ``MarkdownDocument/largestSize`` bytes, ``MarkdownError/parserFailed(path:)`` when libcmark fails.
  public func parse() throws(MarkdownError) -> Note { try parse(pieceSize: nil, workers: nil) }

  /// Parses the note in pieces of about `pieceSize` bytes, `workers` at once (nil: chosen by size
  /// and cores, as ``CommonMarkConverter/convert(_:pieceSize:workers:transform:consume:)`` does).
  func parse(pieceSize: Int?, workers: Int?) throws(MarkdownError) -> Note {
    try MarkdownDocument.checkSize(of: source)
    var reading = Reading(parser: self)
    // Lists may be cut: the model reads items, not lists.
    try CommonMarkConverter.convert(
      source, pieceSize: pieceSize, workers: workers, splitsLists: true, transform: { [self] in piece(of: $0) }
    ) {
      reading.add($0)
    }
    return reading.finish()
  }

  /// A list item of the note, with what the parser needs to know of it.
  ///
  /// Offsets, lines and indices are kept in 32 bits, as in ``MarkdownBlock``: a piece of short
  /// lines holds an item for each.
  struct Item: Sendable {
    private let start: Int32
    private let stop: Int32
    private let startLine: Int32
    /// -1 when none, as for the section, the paragraph and the box.
    private let parentIndex: Int32
    private var sectionIndex: Int32 = -1
    private let paragraphStart: Int32
    private let paragraphEnd: Int32
    private let paragraphLine: Int32
    private let box: Int32
    private let firstLineStart: Int32
    private let firstLineEnd: Int32
    /// Its checklist state; nil for a list item that is not a checklist item.
    let state: Note.ItemState?
    /// Whether its first paragraph names a migration file (`migrations/`, `.sql`).
    let namesMigrationFile: Bool
    /// The plain text of its first paragraph after the box; empty without one.
    let text: String

    init(
      range: Range<Int>, line: Int, parent: Int?, paragraphRange: Range<Int>?, textLine: Int, boxOffset: Int?,
      state: Note.ItemState?, namesMigrationFile: Bool, text: String, firstLine: Range<Int>
    ) {
      start = Int32(range.lowerBound)
      stop = Int32(range.upperBound)
      startLine = Int32(line)
      parentIndex = Int32(parent ?? -1)
      paragraphStart = Int32(paragraphRange?.lowerBound ?? -1)
      paragraphEnd = Int32(paragraphRange?.upperBound ?? -1)
      paragraphLine = Int32(textLine)
      box = Int32(boxOffset ?? -1)
      firstLineStart = Int32(firstLine.lowerBound)
      firstLineEnd = Int32(firstLine.upperBound)
      self.state = state
      self.namesMigrationFile = namesMigrationFile
      self.text = text
    }

    /// The item's bytes.
    var range: Range<Int> { Int(start)..<Int(stop) }
    /// The item's 1-based line.
    var line: Int { Int(startLine) }
    /// The index of the item it is nested in, among its piece's items.
    var parent: Int? { parentIndex < 0 ? nil : Int(parentIndex) }
    /// The index of its section, set when the note's sections up to it are known.
    var section: Int? {
      get { sectionIndex < 0 ? nil : Int(sectionIndex) }
      set { sectionIndex = Int32(newValue ?? -1) }
    }
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
  struct TextLine: Sendable {
    /// The line's bytes without leading blanks (and quote markers) or its line ending.
    var range: Range<Int>
    /// The 1-based line number.
    var line: Int
    /// Where its paragraph starts: its section is the paragraph's.
    var paragraphStart: Int
    /// The index of its section, set when the note's sections up to it are known.
    var section: Int?
  }

  /// What one piece of the note holds, read without anything before it: made on the thread that
  /// parsed the piece, whose Markdown tree is dropped after.
  struct Piece: Sendable {
    /// The bytes it covers, whole lines.
    var range: Range<Int>
    /// Its top-level headings.
    var headings: [SectionStart] = []
    /// Its top-level paragraphs, for pad-era titles (read only in a note without `##` headings).
    var paragraphs: [MarkdownBlock] = []
    /// Its list items, in order, each with the item it is nested in.
    var items: [Item] = []
    /// The lines of its paragraphs, but for items' first lines.
    var lines: [TextLine] = []
    /// The push tags written in it, in order.
    var tags: [(tag: PushTag, range: Range<Int>)] = []
    /// Its compare links.
    var compare: [Note.CompareLink] = []
    /// Its commit links.
    var cherryPicks: [Note.CherryPick] = []
    /// Its flags, switches and samples.
    var flags: [Note.Flag] = []
  }

  /// Where a section begins: a heading, or a pad-era title (level 0).
  typealias SectionStart = NoteOutline.Heading

  /// Reads what a piece holds on its own: its items (each with the item it is nested in), the lines
  /// of its paragraphs, its headings, tags, links and flags.
  func piece(of document: MarkdownDocument) -> Piece {
    var piece = Piece(range: document.range)
    piece.headings = NoteOutline.headings(in: document)
    for index in document.topLevel where document.blocks[index].kind == .paragraph {
      piece.paragraphs.append(document.blocks[index])
    }
    let blocks = document.blocks
    // For each block, the index in `piece.items` of the innermost item holding it, or -1.
    var enclosingItem = [Int32](repeating: -1, count: blocks.count)
    piece.items.reserveCapacity(blocks.count / 2)
    for (index, block) in blocks.enumerated() {
      let parentItem = block.parent.flatMap { enclosingItem[$0] < 0 ? nil : Int(enclosingItem[$0]) }
      switch block.kind {
      case .item:
        piece.items.append(makeItem(at: index, in: document, parent: parentItem))
        enclosingItem[index] = Int32(piece.items.count - 1)
      case .paragraph:
        // An item's first paragraph is read with the item.
        let itemFirstParagraph = block.parent.map { blocks[$0].kind == .item && $0 + 1 == index } ?? false
        appendLines(of: block, skipFirst: itemFirstParagraph, to: &piece.lines)
        enclosingItem[index] = Int32(parentItem ?? -1)
      default:
        enclosingItem[index] = Int32(parentItem ?? -1)
      }
    }
    piece.tags = LinkScanner.tags(in: bytes, range: piece.range)
    readLinks(into: &piece)
    readFlags(into: &piece)
    return piece
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

  /// The headings of a piece, and in a note without `##` headings its pad-era `Title:` lines, in order.
  func sectionStarts(of piece: Piece, headingsOnly: Bool) -> [SectionStart] {
    guard !headingsOnly, !piece.paragraphs.isEmpty else { return piece.headings }
    var starts = piece.headings
    for paragraph in piece.paragraphs { starts.append(contentsOf: padTitles(in: paragraph)) }
    return starts.sorted { $0.offset < $1.offset }
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

  /// Appends the lines of a paragraph: the first from the paragraph's start, the others without
  /// their indent.
  ///
  /// `skipFirst` leaves out the first line (an item's, read with the item).
  func appendLines(of paragraph: MarkdownBlock, skipFirst: Bool = false, to result: inout [TextLine]) {
    guard !paragraph.range.isEmpty else { return }
    let lastLine = source.location(ofOffset: paragraph.range.upperBound - 1, nearLine: paragraph.line).line
    let firstLine = paragraph.line + (skipFirst ? 1 : 0)
    guard firstLine <= lastLine else { return }
    for number in firstLine...lastLine {
      let full = source.lineRange(number)
      var start = number == paragraph.line ? paragraph.range.lowerBound : full.lowerBound
      while start < full.upperBound, ASCII.isBlank(bytes[start]) || bytes[start] == UInt8(ascii: ">") { start += 1 }
      let range = start..<max(start, min(full.upperBound, paragraph.range.upperBound))
      result.append(TextLine(range: range, line: number, paragraphStart: paragraph.range.lowerBound))
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

  /// An item: its box, state, text and first line.
  private func makeItem(at index: Int, in document: MarkdownDocument, parent: Int?) -> Item {
    let block = document.blocks[index]
    guard block.end > index + 1, case let paragraph = document.blocks[index + 1], paragraph.kind == .paragraph else {
      let empty = block.range.lowerBound..<block.range.lowerBound
      return Item(
        range: block.range, line: block.line, parent: parent, paragraphRange: nil, textLine: block.line, boxOffset: nil, state: nil,
        namesMigrationFile: false, text: "", firstLine: empty)
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
    return Item(
      range: block.range, line: block.line, parent: parent, paragraphRange: paragraph.range, textLine: paragraph.line,
      boxOffset: boxOffset, state: state,
      namesMigrationFile: NoteParser.Words.migrationFiles.contains { ASCII.contains(bytes, paragraph.range, $0) },
      text: itemText(paragraph, in: document, box: boxOffset.map { bytes[$0] }),
      firstLine: ASCII.trimmed(bytes, textStart..<max(textStart, lineEnd)))
  }

  /// The plain text of a first paragraph without its box.
  ///
  /// A `[x]` that a link definition `[x]: /url` turned into a link reads as `x`.
  private func itemText(_ paragraph: MarkdownBlock, in document: MarkdownDocument, box: UInt8?) -> String {
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
}
