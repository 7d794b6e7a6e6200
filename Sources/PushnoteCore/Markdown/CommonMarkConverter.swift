internal import CCmark

/// The only code that touches libcmark: it parses bytes, copies the tree into Swift values and frees
/// every C object before it returns.
enum CommonMarkConverter {
  /// cmark's node kinds, mapped once.
  ///
  /// Do not make these public.
  private enum NodeType {
    case document, blockQuote, list, item, codeBlock, htmlBlock, customBlock, paragraph, heading
    case thematicBreak, text, softBreak, lineBreak, code, htmlInline, customInline, emphasis, strong
    case link, image, unknown

    init(_ node: OpaquePointer) {
      switch cmark_node_get_type(node) {
      case CMARK_NODE_DOCUMENT: self = .document
      case CMARK_NODE_BLOCK_QUOTE: self = .blockQuote
      case CMARK_NODE_LIST: self = .list
      case CMARK_NODE_ITEM: self = .item
      case CMARK_NODE_CODE_BLOCK: self = .codeBlock
      case CMARK_NODE_HTML_BLOCK: self = .htmlBlock
      case CMARK_NODE_CUSTOM_BLOCK: self = .customBlock
      case CMARK_NODE_PARAGRAPH: self = .paragraph
      case CMARK_NODE_HEADING: self = .heading
      case CMARK_NODE_THEMATIC_BREAK: self = .thematicBreak
      case CMARK_NODE_TEXT: self = .text
      case CMARK_NODE_SOFTBREAK: self = .softBreak
      case CMARK_NODE_LINEBREAK: self = .lineBreak
      case CMARK_NODE_CODE: self = .code
      case CMARK_NODE_HTML_INLINE: self = .htmlInline
      case CMARK_NODE_CUSTOM_INLINE: self = .customInline
      case CMARK_NODE_EMPH: self = .emphasis
      case CMARK_NODE_STRONG: self = .strong
      case CMARK_NODE_LINK: self = .link
      case CMARK_NODE_IMAGE: self = .image
      default: self = .unknown
      }
    }
  }

  /// An inline container (emphasis, link, …) under construction while the iterator is inside it.
  private struct InlineFrame {
    var type: NodeType
    var destination: String
    var title: String
    var children: [MarkdownInline] = []
  }

  /// The containers the iterator is inside: blocks, and the inline containers of the innermost block.
  ///
  /// Children are appended in place to the innermost container, so no block is copied while the tree
  /// is built.
  private struct Builder {
    var blocks: [MarkdownBlock] = [
      MarkdownBlock(kind: .paragraph, range: 0..<0, line: 1, column: 1, children: [], inlines: [], literal: nil)
    ]
    var inlines: [InlineFrame] = []

    mutating func append(_ block: MarkdownBlock) {
      blocks[blocks.count - 1].children.append(block)
    }

    mutating func append(_ inline: MarkdownInline) {
      if inlines.isEmpty {
        blocks[blocks.count - 1].inlines.append(inline)
      } else {
        inlines[inlines.count - 1].children.append(inline)
      }
    }

    mutating func closeBlock() {
      guard blocks.count > 1 else { return }
      append(blocks.removeLast())
    }

    mutating func closeInline() {
      guard let frame = inlines.popLast() else { return }
      append(CommonMarkConverter.inline(frame.type, destination: frame.destination, title: frame.title, children: frame.children))
    }
  }

  /// Parses the source and returns the document's top-level blocks.
  ///
  /// cmark strips a byte-order mark before counting columns and turns NUL into U+FFFD (three bytes),
  /// so the parser is given the bytes without the mark and with each NUL as a space; positions then
  /// map back onto the original bytes exactly.
  static func convert(_ source: SourceText) throws(MarkdownError) -> [MarkdownBlock] {
    let root: OpaquePointer?
    if source.byteOrderMarkLength == 0, !source.bytes.contains(0) {
      root = parse(source.bytes)
    } else {
      var input = Array(source.bytes.dropFirst(source.byteOrderMarkLength))
      for index in input.indices where input[index] == 0 { input[index] = 0x20 }
      root = parse(input)
    }
    guard let root, let iterator = cmark_iter_new(root) else { throw .parserFailed(path: source.path) }
    defer {
      cmark_iter_free(iterator)
      cmark_node_free(root)
    }

    var builder = Builder()
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard let node = cmark_iter_get_node(iterator) else { continue }
      let type = NodeType(node)
      if event == CMARK_EVENT_EXIT {
        switch type {
        case .blockQuote, .list, .item, .paragraph, .heading, .customBlock: builder.closeBlock()
        case .emphasis, .strong, .link, .image, .customInline: builder.closeInline()
        default: continue
        }
        continue
      }
      switch type {
      case .blockQuote, .list, .item, .paragraph, .heading, .customBlock:
        builder.blocks.append(block(node, type, source))
      case .codeBlock, .htmlBlock, .thematicBreak:
        builder.append(block(node, type, source))
      case .link, .image:
        builder.inlines.append(
          InlineFrame(type: type, destination: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node))))
      case .emphasis, .strong, .customInline:
        builder.inlines.append(InlineFrame(type: type, destination: "", title: ""))
      case .text: builder.append(MarkdownInline.text(literal(node)))
      case .code: builder.append(MarkdownInline.code(literal(node)))
      case .htmlInline: builder.append(MarkdownInline.html(literal(node)))
      case .softBreak: builder.append(MarkdownInline.softBreak)
      case .lineBreak: builder.append(MarkdownInline.lineBreak)
      case .document, .unknown: continue
      }
    }
    return builder.blocks[0].children
  }

  /// Runs cmark's parser over the bytes.
  private static func parse(_ input: [UInt8]) -> OpaquePointer? {
    input.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        cmark_parse_document(chars.baseAddress, chars.count, CMARK_OPT_SOURCEPOS)
      }
    }
  }

  private static func inline(_ type: NodeType, destination: String, title: String, children: [MarkdownInline]) -> MarkdownInline {
    switch type {
    case .emphasis: return .emphasis(children)
    case .strong: return .strong(children)
    case .link: return .link(destination: destination, title: title, children: children)
    case .image: return .image(source: destination, title: title, children: children)
    default: return .emphasis(children)
    }
  }

  private static func block(_ node: OpaquePointer, _ type: NodeType, _ source: SourceText) -> MarkdownBlock {
    let kind: MarkdownBlock.Kind
    var literalText: String?
    switch type {
    case .heading: kind = .heading(level: Int(cmark_node_get_heading_level(node)))
    case .list: kind = .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST, tight: cmark_node_get_list_tight(node) != 0)
    case .item: kind = .item
    case .blockQuote, .customBlock: kind = .blockQuote
    case .codeBlock:
      kind = .codeBlock(info: string(cmark_node_get_fence_info(node)))
      literalText = literal(node)
    case .htmlBlock:
      kind = .htmlBlock
      literalText = literal(node)
    case .thematicBreak: kind = .thematicBreak
    default: kind = .paragraph
    }
    let startLine = Int(cmark_node_get_start_line(node))
    let startColumn = Int(cmark_node_get_start_column(node))
    let range = byteRange(
      source, startLine: startLine, startColumn: startColumn,
      endLine: Int(cmark_node_get_end_line(node)), endColumn: Int(cmark_node_get_end_column(node)))
    let location = source.location(ofOffset: range.lowerBound, nearLine: startLine)
    return MarkdownBlock(
      kind: kind, range: range, line: location.line, column: location.column, children: [], inlines: [],
      literal: literalText)
  }

  /// Turns cmark's inclusive line:column pair into half-open byte offsets of the original bytes.
  ///
  /// An end column of 0 means "just after the line ending of the line before"; the range then ends
  /// where that line's content ends.
  private static func byteRange(_ source: SourceText, startLine: Int, startColumn: Int, endLine: Int, endColumn: Int) -> Range<Int> {
    func shift(_ line: Int) -> Int { line == 1 ? source.byteOrderMarkLength : 0 }
    let start = source.offset(line: startLine, column: startColumn + shift(startLine))
    var end: Int
    if endColumn == 0 {
      end = source.lineRange(endLine - 1).upperBound
    } else {
      end = source.offset(line: endLine, column: endColumn + shift(endLine)) + 1
      end = min(end, source.lineRange(endLine).upperBound)
    }
    return start..<max(start, min(end, source.bytes.count))
  }

  private static func literal(_ node: OpaquePointer) -> String { string(cmark_node_get_literal(node)) }

  private static func string(_ pointer: UnsafePointer<CChar>?) -> String {
    guard let pointer else { return "" }
    return String(cString: pointer)
  }
}
