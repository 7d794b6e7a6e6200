/// A parsed CommonMark document: Swift values with byte ranges into the source, no C memory.
///
/// The blocks are one flat array in document order, each parent before its children, so that a walk
/// over the whole tree is a loop and building it costs no array per block.
public struct MarkdownDocument: Sendable {
  /// The bytes the document was parsed from.
  public let source: SourceText
  /// The bytes its blocks cover: the whole source, or one piece of it (see ``NoteParser``).
  public let range: Range<Int>
  /// Every block, depth first, parents before their children.
  public let blocks: [MarkdownBlock]
  /// The plain text of every heading and paragraph, one after another; a block's
  /// ``MarkdownBlock/plainTextRange`` points into it.
  let plainTextBytes: [UInt8]

  /// The largest document parsed, 1 GiB: offsets are kept in 32 bits, and a checklist item keeps
  /// its line in 30 (``Note/ChecklistItem``).
  public static let largestSize = 1 << 30

  /// Parses UTF-8 bytes with libcmark.
  ///
  /// - Throws: ``MarkdownError/invalidUTF8(path:offset:location:)`` for bytes that are not UTF-8.
  public init(bytes: [UInt8], path: String? = nil) throws(MarkdownError) {
    try self.init(source: SourceText(bytes: bytes, path: path))
  }

  /// Parses already checked source text with libcmark.
  ///
  /// - Throws: ``MarkdownError/tooLarge(path:size:)`` for a source over ``largestSize`` bytes.
  public init(source: SourceText) throws(MarkdownError) {
    try MarkdownDocument.checkSize(of: source)
    self.source = source
    range = 0..<source.bytes.count
    (blocks, plainTextBytes) = try CommonMarkConverter.convert(source)
  }

  /// A document of blocks already converted.
  init(source: SourceText, range: Range<Int>, blocks: [MarkdownBlock], plainText: [UInt8]) {
    self.source = source
    self.range = range
    self.blocks = blocks
    self.plainTextBytes = plainText
  }

  /// Throws ``MarkdownError/tooLarge(path:size:)`` for a source over ``largestSize`` bytes.
  static func checkSize(of source: SourceText) throws(MarkdownError) {
    guard source.bytes.count <= MarkdownDocument.largestSize else {
      throw .tooLarge(path: source.path, size: source.bytes.count)
    }
  }

  /// The indices of the top-level blocks, in order.
  public var topLevel: Children { Children(blocks: blocks, position: 0, end: blocks.count) }

  /// The indices of a block's direct children, in order.
  public func children(of index: Int) -> Children {
    Children(blocks: blocks, position: index + 1, end: blocks[index].end)
  }

  /// The text a reader sees in a heading or paragraph.
  ///
  /// Text and code spans, links by their text, line breaks as spaces, raw HTML left out. Empty for
  /// other blocks.
  public func plainText(of block: MarkdownBlock) -> String {
    String(decoding: plainTextBytes[block.plainTextRange], as: UTF8.self)
  }

  /// Indices of sibling blocks: each step skips the previous block's descendants.
  public struct Children: Sequence, IteratorProtocol {
    let blocks: [MarkdownBlock]
    var position: Int
    let end: Int

    /// The next sibling's index.
    public mutating func next() -> Int? {
      guard position < end else { return nil }
      defer { position = blocks[position].end }
      return position
    }
  }
}

/// One block of a Markdown document.
///
/// Block ranges come from cmark's block source positions, which are exact; inline positions are not
/// (commonmark/cmark#296), so inline content is kept only as plain text.
///
/// Offsets, lines and indices are stored in 32 bits (a document is at most
/// ``MarkdownDocument/largestSize`` bytes), so that a note of millions of short lines takes 48
/// bytes a block.
public struct MarkdownBlock: Sendable, Hashable {
  /// What kind of block this is.
  public enum Kind: Sendable, Hashable {
    /// An ATX (`## x`) or Setext heading with its level, 1 to 6.
    case heading(level: Int)
    /// A paragraph.
    case paragraph
    /// A bullet or ordered list.
    case list(ordered: Bool, tight: Bool)
    /// A list item.
    case item
    /// A block quote.
    case blockQuote
    /// A fenced or indented code block.
    case codeBlock
    /// A raw HTML block.
    case htmlBlock
    /// A thematic break (`---`).
    case thematicBreak
  }

  /// What kind of block this is.
  public var kind: Kind
  private var start: Int32
  private var stop: Int32
  private var startLine: Int32
  private var startColumn: Int32
  /// -1 at the top.
  private var parentIndex: Int32
  private var endIndex: Int32
  private var plainTextStart: Int32
  private var plainTextEnd: Int32

  /// A block; every number must fit in 32 bits.
  init(kind: Kind, range: Range<Int>, line: Int, column: Int, parent: Int?, end: Int, plainTextRange: Range<Int>) {
    self.kind = kind
    start = Int32(range.lowerBound)
    stop = Int32(range.upperBound)
    startLine = Int32(line)
    startColumn = Int32(column)
    parentIndex = Int32(parent ?? -1)
    endIndex = Int32(end)
    plainTextStart = Int32(plainTextRange.lowerBound)
    plainTextEnd = Int32(plainTextRange.upperBound)
  }

  /// The block of a piece parsed alone, placed after `blocks` blocks and `plainText` bytes of plain text.
  func moved(blocks: Int, plainText: Int) -> MarkdownBlock {
    var block = self
    if parentIndex >= 0 { block.parentIndex += Int32(blocks) }
    block.endIndex += Int32(blocks)
    block.plainTextStart += Int32(plainText)
    block.plainTextEnd += Int32(plainText)
    return block
  }

  /// Half-open byte offsets into ``MarkdownDocument/source``, from the block's first byte to just
  /// after its last byte (a trailing line ending is not included).
  public var range: Range<Int> { Int(start)..<Int(stop) }
  /// The 1-based line the block starts on.
  public var line: Int { Int(startLine) }
  /// The 1-based byte column the block starts at.
  public var column: Int { Int(startColumn) }
  /// The index of the block it is nested in (an item's list, a paragraph's item); nil at the top.
  public var parent: Int? { parentIndex < 0 ? nil : Int(parentIndex) }
  /// The index just after the block's last descendant in ``MarkdownDocument/blocks``.
  public var end: Int {
    get { Int(endIndex) }
    set { endIndex = Int32(newValue) }
  }
  /// Where the plain text of a heading or paragraph lies in the document's plain text bytes; read it
  /// with ``MarkdownDocument/plainText(of:)``.
  public var plainTextRange: Range<Int> {
    get { Int(plainTextStart)..<Int(plainTextEnd) }
    set {
      plainTextStart = Int32(newValue.lowerBound)
      plainTextEnd = Int32(newValue.upperBound)
    }
  }
}
