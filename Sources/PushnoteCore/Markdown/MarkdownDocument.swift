/// A parsed CommonMark document: Swift values with byte ranges into the source, no C memory.
public struct MarkdownDocument: Sendable {
  /// The bytes the document was parsed from.
  public let source: SourceText
  /// The document's top-level blocks, in order.
  public let blocks: [MarkdownBlock]

  /// Parses UTF-8 bytes with libcmark.
  ///
  /// - Throws: ``MarkdownError/invalidUTF8(path:offset:location:)`` for bytes that are not UTF-8.
  public init(bytes: [UInt8], path: String? = nil) throws(MarkdownError) {
    try self.init(source: SourceText(bytes: bytes, path: path))
  }

  /// Parses already checked source text with libcmark.
  public init(source: SourceText) throws(MarkdownError) {
    self.source = source
    self.blocks = try CommonMarkConverter.convert(source)
  }

  /// Every block, depth first, parents before their children.
  public var allBlocks: [MarkdownBlock] {
    var result: [MarkdownBlock] = []
    func visit(_ block: MarkdownBlock) {
      result.append(block)
      block.children.forEach(visit)
    }
    blocks.forEach(visit)
    return result
  }
}

/// One block of a Markdown document.
///
/// Block ranges come from cmark's block source positions, which are exact; inline positions are not
/// (commonmark/cmark#296), so inline content carries no positions.
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
    /// A fenced or indented code block; `info` is the fence's info string, empty when indented.
    case codeBlock(info: String)
    /// A raw HTML block.
    case htmlBlock
    /// A thematic break (`---`).
    case thematicBreak
  }

  /// What kind of block this is.
  public var kind: Kind
  /// Half-open byte offsets into ``MarkdownDocument/source``, from the block's first byte to just
  /// after its last byte (a trailing line ending is not included).
  public var range: Range<Int>
  /// The 1-based line the block starts on.
  public var line: Int
  /// The 1-based byte column the block starts at.
  public var column: Int
  /// Nested blocks (items of a list, blocks of an item or quote).
  public var children: [MarkdownBlock]
  /// The inline content of a heading or paragraph.
  public var inlines: [MarkdownInline]
  /// The content of a code or HTML block, as cmark reports it.
  public var literal: String?

  /// The plain text of the inline content: text and code spans, links by their text, breaks as spaces.
  public var plainText: String { MarkdownInline.plainText(inlines) }
}

/// Inline content, without positions.
///
/// Not `indirect`: nested content is held in arrays, which are references already, so a text inline
/// costs no allocation of its own.
public enum MarkdownInline: Sendable, Hashable {
  /// Plain text.
  case text(String)
  /// A code span's content.
  case code(String)
  /// Raw inline HTML, an autolink's angle brackets excluded.
  case html(String)
  /// A line ending inside a paragraph.
  case softBreak
  /// A hard line break.
  case lineBreak
  /// `*emphasis*`.
  case emphasis([MarkdownInline])
  /// `**strong**`.
  case strong([MarkdownInline])
  /// A link or autolink.
  case link(destination: String, title: String, children: [MarkdownInline])
  /// An image.
  case image(source: String, title: String, children: [MarkdownInline])

  /// The text a reader sees.
  public static func plainText(_ inlines: [MarkdownInline]) -> String {
    // One inline of text (most paragraphs) is its own plain text: no copy.
    if inlines.count == 1, case .text(let text) = inlines[0] { return text }
    var result = ""
    appendPlainText(inlines, to: &result)
    return result
  }

  /// Appends the plain text of inlines to `result`, nested ones included, without building a string per level.
  private static func appendPlainText(_ inlines: [MarkdownInline], to result: inout String) {
    for inline in inlines {
      switch inline {
      case .text(let text), .code(let text): result += text
      case .html: break
      case .softBreak, .lineBreak: result += " "
      case .emphasis(let children), .strong(let children),
        .link(_, _, let children), .image(_, _, let children):
        appendPlainText(children, to: &result)
      }
    }
  }

  /// The destinations of every link and image, in order.
  public static func destinations(_ inlines: [MarkdownInline]) -> [String] {
    inlines.flatMap { inline -> [String] in
      switch inline {
      case .link(let destination, _, let children): return [destination] + destinations(children)
      case .image(let source, _, let children): return [source] + destinations(children)
      case .emphasis(let children), .strong(let children): return destinations(children)
      default: return []
      }
    }
  }
}
