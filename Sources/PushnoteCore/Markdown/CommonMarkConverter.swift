internal import CCmark

/// The only code that touches libcmark: it parses bytes, copies the tree into Swift values and frees
/// every C object before it returns.
enum CommonMarkConverter {
  /// cmark's node kinds, mapped once. Do not make these public.
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

  /// A container under construction while the iterator is inside it.
  private enum Frame {
    case block(MarkdownBlock)
    case inline(NodeType, destination: String, title: String, children: [MarkdownInline])
  }

  /// Parses the source and returns the document's top-level blocks.
  ///
  /// cmark strips a byte-order mark before counting columns and turns NUL into U+FFFD (three bytes),
  /// so the parser is given the bytes without the mark and with each NUL as a space; positions then
  /// map back onto the original bytes exactly.
  static func convert(_ source: SourceText) throws(MarkdownError) -> [MarkdownBlock] {
    var input = Array(source.bytes.dropFirst(source.byteOrderMarkLength))
    for index in input.indices where input[index] == 0 { input[index] = 0x20 }
    let root: OpaquePointer? = input.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        cmark_parse_document(chars.baseAddress, chars.count, CMARK_OPT_SOURCEPOS)
      }
    }
    guard let root, let iterator = cmark_iter_new(root) else { throw .parserFailed(path: source.path) }
    defer {
      cmark_iter_free(iterator)
      cmark_node_free(root)
    }

    var stack: [Frame] = [.block(MarkdownBlock(kind: .paragraph, range: 0..<0, line: 1, column: 1, children: [], inlines: [], literal: nil))]
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard let node = cmark_iter_get_node(iterator) else { continue }
      let type = NodeType(node)
      if type == .document { continue }
      if event == CMARK_EVENT_EXIT {
        guard stack.count > 1, let frame = stack.popLast() else { continue }
        switch frame {
        case .block(let block): append(block, to: &stack)
        case .inline(let kind, let destination, let title, let children):
          append(inline(kind, destination: destination, title: title, children: children), to: &stack)
        }
        continue
      }
      switch type {
      case .blockQuote, .list, .item, .paragraph, .heading, .customBlock:
        stack.append(.block(block(node, type, source)))
      case .codeBlock, .htmlBlock, .thematicBreak:
        append(block(node, type, source), to: &stack)
      case .emphasis, .strong, .link, .image, .customInline:
        stack.append(.inline(type, destination: string(cmark_node_get_url(node)), title: string(cmark_node_get_title(node)), children: []))
      case .text: append(MarkdownInline.text(literal(node)), to: &stack)
      case .code: append(MarkdownInline.code(literal(node)), to: &stack)
      case .htmlInline: append(MarkdownInline.html(literal(node)), to: &stack)
      case .softBreak: append(MarkdownInline.softBreak, to: &stack)
      case .lineBreak: append(MarkdownInline.lineBreak, to: &stack)
      case .document, .unknown: continue
      }
    }
    guard case .block(let document) = stack.first else { return [] }
    return document.children
  }

  private static func append(_ block: MarkdownBlock, to stack: inout [Frame]) {
    guard case .block(var parent) = stack.popLast() else { return }
    parent.children.append(block)
    stack.append(.block(parent))
  }

  private static func append(_ inline: MarkdownInline, to stack: inout [Frame]) {
    switch stack.popLast() {
    case .block(var parent):
      parent.inlines.append(inline)
      stack.append(.block(parent))
    case .inline(let kind, let destination, let title, var children):
      children.append(inline)
      stack.append(.inline(kind, destination: destination, title: title, children: children))
    case nil: break
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
    let location = source.location(ofOffset: range.lowerBound)
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
