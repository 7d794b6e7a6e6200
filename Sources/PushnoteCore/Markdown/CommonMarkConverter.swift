internal import CCmark

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

  /// Parses the source and returns every block, depth first, with the plain text of headings and
  /// paragraphs in one buffer.
  ///
  /// cmark strips a byte-order mark before counting columns and turns NUL into U+FFFD (three bytes),
  /// so the parser is given the bytes without the mark and with each NUL as a space; positions then
  /// map back onto the original bytes exactly.
  static func convert(_ source: SourceText) throws(MarkdownError) -> (blocks: [MarkdownBlock], plainText: [UInt8]) {
    // The tree lives in the arena, which is released as a whole: no node is freed one by one.
    let arena = ParseArena()
    defer { arena.release() }
    return try arena.withCurrent { () throws(MarkdownError) in try convertInArena(source) }
  }

  /// Parses and converts while the current thread's arena serves cmark's allocations.
  private static func convertInArena(_ source: SourceText) throws(MarkdownError) -> (blocks: [MarkdownBlock], plainText: [UInt8]) {
    let root: OpaquePointer?
    if source.byteOrderMarkLength == 0, !source.bytes.contains(0) {
      root = parse(source.bytes)
    } else {
      var input = Array(source.bytes.dropFirst(source.byteOrderMarkLength))
      for index in input.indices where input[index] == 0 { input[index] = 0x20 }
      root = parse(input)
    }
    guard let root, let iterator = cmark_iter_new(root) else { throw .parserFailed(path: source.path) }

    var blocks: [MarkdownBlock] = []
    var plainText: [UInt8] = []
    plainText.reserveCapacity(source.bytes.count)
    // The open containers and paragraphs, innermost last.
    var open: [Int] = []
    while true {
      let event = cmark_iter_next(iterator)
      if event == CMARK_EVENT_DONE { break }
      guard let node = cmark_iter_get_node(iterator) else { continue }
      let type = NodeType(node)
      switch type {
      case .blockQuote, .list, .item, .paragraph, .heading, .customBlock:
        if event == CMARK_EVENT_EXIT {
          guard let index = open.popLast() else { continue }
          blocks[index].end = blocks.count
          if type == .paragraph || type == .heading {
            blocks[index].plainTextRange = blocks[index].plainTextRange.lowerBound..<plainText.count
          }
        } else {
          blocks.append(block(node, type, source, index: blocks.count, parent: open.last, plainTextStart: plainText.count))
          open.append(blocks.count - 1)
        }
      case .codeBlock, .htmlBlock, .thematicBreak:
        blocks.append(block(node, type, source, index: blocks.count, parent: open.last, plainTextStart: plainText.count))
      case .text, .code: appendLiteral(of: node, to: &plainText)
      case .softBreak, .lineBreak: plainText.append(0x20)
      case .htmlInline, .emphasis, .strong, .link, .image, .customInline, .document, .unknown: continue
      }
    }
    return (blocks, plainText)
  }

  /// Appends a node's literal bytes, which cmark keeps as valid UTF-8.
  private static func appendLiteral(of node: OpaquePointer, to bytes: inout [UInt8]) {
    guard let literal = cmark_node_get_literal(node) else { return }
    literal.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
      var count = 0
      while start[count] != 0 { count += 1 }
      bytes.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
    }
  }

  /// Runs cmark's parser over the bytes, its memory taken from the current thread's arena.
  private static func parse(_ input: [UInt8]) -> OpaquePointer? {
    guard let parser = cmark_parser_new_with_mem(CMARK_OPT_SOURCEPOS, &ParseArena.allocator) else { return nil }
    defer { cmark_parser_free(parser) }
    input.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        if let start = chars.baseAddress { cmark_parser_feed(parser, start, chars.count) }
      }
    }
    return cmark_parser_finish(parser)
  }

  private static func block(
    _ node: OpaquePointer, _ type: NodeType, _ source: SourceText, index: Int, parent: Int?, plainTextStart: Int
  ) -> MarkdownBlock {
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
      kind: kind, range: range, line: location.line, column: location.column, parent: parent, end: index + 1, literal: literalText,
      plainTextRange: plainTextStart..<plainTextStart)
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

/// The memory of one parse: cmark's many small allocations are carved out of large blocks, and the
/// whole tree is released at once when the Swift values have been made.
///
/// cmark's allocator hooks take no context, so they find the arena of the parse running on their
/// thread through a thread-local slot.
private final class ParseArena {
  /// cmark's allocator functions, all served by the current thread's arena.
  nonisolated(unsafe) static var allocator = cmark_mem(
    calloc: { count, size in ParseArena.current.allocate(count * size) },
    realloc: { pointer, size in ParseArena.current.reallocate(pointer, to: size) },
    free: { _ in })

  /// The thread-local slot holding the arena of the parse running on a thread.
  private static let slot: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "no thread-local slot for the Markdown parser")
    return key
  }()

  /// The arena of the parse running on this thread.
  private static var current: ParseArena {
    guard let pointer = pthread_getspecific(slot) else { preconditionFailure("cmark allocated outside a parse") }
    return Unmanaged<ParseArena>.fromOpaque(pointer).takeUnretainedValue()
  }

  /// Bytes before each allocation that record its size, for `realloc`; also the alignment.
  private static let header = 16
  /// The size of a block; larger requests get a block of their own.
  private static let blockSize = 64 * 1024

  private var blocks: [UnsafeMutableRawPointer] = []
  private var next: UnsafeMutableRawPointer?
  private var remaining = 0

  /// Runs `body` with this arena serving cmark's allocations on this thread.
  func withCurrent<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
    let previous = pthread_getspecific(ParseArena.slot)
    pthread_setspecific(ParseArena.slot, Unmanaged.passUnretained(self).toOpaque())
    defer { pthread_setspecific(ParseArena.slot, previous) }
    return try body()
  }

  /// Zeroed memory for `size` bytes, 16-byte aligned, as `calloc` gives.
  func allocate(_ size: Int) -> UnsafeMutableRawPointer {
    let needed = ParseArena.header + (size + ParseArena.header - 1) / ParseArena.header * ParseArena.header
    let start: UnsafeMutableRawPointer
    if needed > ParseArena.blockSize / 4 {
      start = newBlock(needed)
    } else {
      if needed > remaining {
        next = newBlock(ParseArena.blockSize)
        remaining = ParseArena.blockSize
      }
      guard let free = next else { preconditionFailure("arena without a block") }
      start = free
      next = free + needed
      remaining -= needed
    }
    start.storeBytes(of: size, as: Int.self)
    let memory = start + ParseArena.header
    memory.initializeMemory(as: UInt8.self, repeating: 0, count: size)
    return memory
  }

  /// Memory for `size` bytes holding what `pointer` held, as `realloc` gives.
  func reallocate(_ pointer: UnsafeMutableRawPointer?, to size: Int) -> UnsafeMutableRawPointer {
    guard let pointer else { return allocate(size) }
    let oldSize = (pointer - ParseArena.header).load(as: Int.self)
    if size <= oldSize { return pointer }
    let memory = allocate(size)
    memory.copyMemory(from: pointer, byteCount: oldSize)
    return memory
  }

  /// Frees every block.
  func release() {
    for block in blocks { block.deallocate() }
    blocks = []
    next = nil
    remaining = 0
  }

  private func newBlock(_ size: Int) -> UnsafeMutableRawPointer {
    let block = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: ParseArena.header)
    blocks.append(block)
    return block
  }
}
