internal import CCmark
import Dispatch
import Foundation

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

  /// Parses the whole source and returns every block, depth first, with the plain text of headings
  /// and paragraphs in one buffer: the pieces of ``convert(_:pieceSize:workers:transform:consume:)``
  /// joined in order.
  static func convert(
    _ source: SourceText, pieceSize: Int? = nil, workers: Int? = nil
  ) throws(MarkdownError) -> (blocks: [MarkdownBlock], plainText: [UInt8]) {
    var blocks: [MarkdownBlock] = []
    var plainText: [UInt8] = []
    try convert(source, pieceSize: pieceSize, workers: workers, transform: { $0 }) { piece in
      if blocks.isEmpty {
        // A line starts at most a few blocks; memory reserved and never touched costs nothing.
        blocks.reserveCapacity(piece.range.count == source.bytes.count ? piece.blocks.count : 2 * source.lineStarts.count)
        plainText.reserveCapacity(piece.range.count == source.bytes.count ? piece.plainTextBytes.count : source.bytes.count)
      }
      let base = blocks.count
      let textBase = plainText.count
      for block in piece.blocks { blocks.append(block.moved(blocks: base, plainText: textBase)) }
      plainText += piece.plainTextBytes
    }
    return (blocks, plainText)
  }

  /// Parses the source in pieces of whole top-level blocks, hands each piece to `transform` on the
  /// thread that parsed it, and the results to `consume` in document order, on the calling thread.
  ///
  /// cmark strips a byte-order mark before counting columns and turns NUL into U+FFFD (three bytes),
  /// so the parser is given the bytes without the mark and with each NUL as a space; positions then
  /// map back onto the original bytes exactly.
  ///
  /// A big source is parsed in pieces of about `pieceSize` bytes, each cut where no block can go on
  /// past the cut (see ``nextCut(in:after:)``), so that cmark's tree never holds more than one piece
  /// a worker: for a note of 50 MB it would take 40 times the note's size. Up to `workers` pieces
  /// are parsed at once, each on a thread of its own. A piece's blocks are indexed from 0 and its
  /// plain text is its own; what `transform` keeps of them is all that stays once it returns.
  ///
  /// With `splitsLists`, a piece may also end before a top-level bullet item (see
  /// ``nextCut(in:after:splitsLists:)``): a list long enough to be cut then comes in several lists,
  /// with every item, paragraph and heading as in the whole (a fenced code block in an item that
  /// the next item ends may end a line earlier than cmark says in the whole). The note model, which
  /// reads items and not lists, asks for it, so that a note made of one long list is not parsed whole.
  static func convert<Piece: Sendable>(
    _ source: SourceText, pieceSize: Int? = nil, workers: Int? = nil, splitsLists: Bool = false,
    transform: @escaping @Sendable (MarkdownDocument) -> Piece, consume: (Piece) -> Void
  ) throws(MarkdownError) {
    let count = source.bytes.count
    // Asking for the cores reads the scheduler's and the cgroup's limits: only a big note asks.
    let workers = max(1, workers ?? (count <= defaultPieceSize ? 1 : Processors.available))
    let size = pieceSize ?? defaultPieceSize
    // A link reference definition (`[x]: /url`) applies to the whole document: no pieces then.
    if count <= size || ASCII.firstIndex(of: "]:", in: source.bytes, 0..<count) != nil {
      consume(transform(try convertGrowing(source, from: 0, pieceSize: count, splitsLists: false, in: ParseArena()).piece))
      return
    }
    let arenas = (0..<workers).map { _ in ParseArena() }
    // The pieces of the wave before, handed to `consume` while the next wave is parsed.
    var parsed: [Piece] = []
    func consumeParsed() {
      for piece in parsed { consume(piece) }
      parsed.removeAll()
    }
    var start = 0
    while start < count {
      var wave: [Range<Int>] = []
      var next = start
      while wave.count < workers, next < count {
        let end = nextCut(in: source.bytes, after: next + size, splitsLists: splitsLists) ?? count
        wave.append(next..<end)
        next = end
      }
      let pieces = try withoutActuallyEscaping(consumeParsed) { alongside throws(MarkdownError) in
        try convertAtOnce(source, wave, in: arenas, transform: transform, alongside: alongside)
      }
      for (range, piece) in zip(wave, pieces) {
        if let piece {
          parsed.append(piece)
          start = range.upperBound
          continue
        }
        // The piece ends in a code or HTML block that may go on past the cut: take in more, alone.
        consumeParsed()
        let grown = try convertGrowing(source, from: range.lowerBound, pieceSize: size, splitsLists: splitsLists, in: arenas[0])
        consume(transform(grown.piece))
        start = grown.end
        break
      }
    }
    consumeParsed()
  }

  /// The size of a piece; a smaller note is parsed whole, on the calling thread.
  ///
  /// Small enough that cmark's tree of a piece (up to 40 times its size, for short lines) stays a
  /// few megabytes a worker, and large enough that a piece is worth handing to a thread.
  static let defaultPieceSize = 1 << 16

  /// Parses the pieces at once, one thread each, and transforms each on its thread, while
  /// `alongside` runs on one more; nil for a piece that must grow.
  ///
  /// `alongside` reads the wave before (its pieces are in order, and the caller waits for both), so
  /// that the reading of one wave takes no time of its own beside the parsing of the next.
  private static func convertAtOnce<Piece: Sendable>(
    _ source: SourceText, _ ranges: [Range<Int>], in arenas: [ParseArena], transform: @escaping @Sendable (MarkdownDocument) -> Piece,
    alongside: () -> Void
  ) throws(MarkdownError) -> [Piece?] {
    var results = [Result<Piece?, MarkdownError>](repeating: .success(nil), count: ranges.count)
    results.withUnsafeMutableBufferPointer { buffer in
      // Each iteration writes its own element only; the last one alone runs `alongside`.
      nonisolated(unsafe) let slots = buffer
      nonisolated(unsafe) let alongside = alongside
      DispatchQueue.concurrentPerform(iterations: ranges.count + 1) { index in
        guard index < ranges.count else { return alongside() }
        slots[index] = Result { () throws(MarkdownError) in
          try convertAlone(source, ranges[index], in: arenas[index]).map(transform)
        }
      }
    }
    var pieces: [Piece?] = []
    for result in results { pieces.append(try result.get()) }
    return pieces
  }

  /// Parses one piece; nil when it ends in a block that may go on past it.
  private static func convertAlone(
    _ source: SourceText, _ range: Range<Int>, in arena: ParseArena
  ) throws(MarkdownError)
    -> MarkdownDocument?
  {
    // The tree lives in the arena, which is released as a whole: no node is freed one by one.
    var blocks: [MarkdownBlock] = []
    var plainText: [UInt8] = []
    let complete = try arena.withCurrent { () throws(MarkdownError) in
      try convertPiece(source, range, blocks: &blocks, plainText: &plainText)
    }
    return complete ? MarkdownDocument(source: source, range: range, blocks: blocks, plainText: plainText) : nil
  }

  /// Parses from `start`, taking in more after each cut until the piece is complete.
  private static func convertGrowing(
    _ source: SourceText, from start: Int, pieceSize: Int, splitsLists: Bool, in arena: ParseArena
  ) throws(MarkdownError) -> (piece: MarkdownDocument, end: Int) {
    let count = source.bytes.count
    var end = start >= count - pieceSize ? count : nextCut(in: source.bytes, after: start + pieceSize, splitsLists: splitsLists) ?? count
    while true {
      if let piece = try convertAlone(source, start..<end, in: arena) { return (piece, end) }
      end = nextCut(in: source.bytes, after: end + pieceSize, splitsLists: splitsLists) ?? count
    }
  }

  /// The first line start at or after `offset` where a piece may end: the line before it is blank
  /// and it starts with a letter or `#` in the first column; with `splitsLists`, also a line that
  /// starts a bullet item in the first column (`- `, `* ` or `+ ` and then text).
  ///
  /// After a blank line, a line that starts so ends every list, block quote and paragraph before it
  /// and starts a new top-level block; only a top-level code block or HTML block could go on over
  /// it, which ``convertPiece(_:_:blocks:plainText:)`` checks. A bullet item in the first column
  /// likewise ends every block before it (an item with text interrupts a paragraph, and is no lazy
  /// line of one) but for such a code or HTML block, and starts a sibling item, or a list: cut
  /// there, the list goes on as another list.
  static func nextCut(in bytes: [UInt8], after offset: Int, splitsLists: Bool = false) -> Int? {
    guard offset < bytes.count else { return nil }
    return bytes.withUnsafeBufferPointer { buffer in
      var index = offset
      while let newline = ASCII.index(of: 0x0A, in: buffer, index..<buffer.count) {
        index = newline + 1
        guard index < buffer.count else { return nil }
        if splitsLists, isBulletItemStart(buffer, at: index) { return index }
        guard ASCII.isLetter(buffer[index]) || buffer[index] == UInt8(ascii: "#") else { continue }
        // The line before is blank when only blanks (and a carriage return) stand between its start and its end.
        var before = newline
        while before > 0, buffer[before - 1] == 0x20 || buffer[before - 1] == 0x09 || buffer[before - 1] == 0x0D { before -= 1 }
        if before == 0 || buffer[before - 1] == 0x0A { return index }
      }
      return nil
    }
  }

  /// Whether a bullet item with text starts at `index`: `-`, `*` or `+`, one space, and a byte that
  /// is neither a blank nor one of `-*_` (so that a thematic break such as `- - -` is not one).
  private static func isBulletItemStart(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    guard index + 2 < buffer.count else { return false }
    let marker = buffer[index]
    guard marker == UInt8(ascii: "-") || marker == UInt8(ascii: "*") || marker == UInt8(ascii: "+"), buffer[index + 1] == 0x20 else {
      return false
    }
    let first = buffer[index + 2]
    return !ASCII.isBlank(first) && first != 0x0A && first != 0x0D && first != UInt8(ascii: "-") && first != UInt8(ascii: "*")
      && first != UInt8(ascii: "_")
  }

  /// Parses the bytes of `range`, a whole number of lines, and appends their blocks and plain text;
  /// false, with nothing appended, when the piece ends in a top-level code or HTML block that the
  /// cut may have split.
  private static func convertPiece(
    _ source: SourceText, _ range: Range<Int>, blocks: inout [MarkdownBlock], plainText: inout [UInt8]
  ) throws(MarkdownError) -> Bool {
    let skip = range.lowerBound == 0 ? source.byteOrderMarkLength : 0
    let root: OpaquePointer?
    let piece = source.bytes[(range.lowerBound + skip)..<range.upperBound]
    if !piece.contains(0) {
      root = parse(piece)
    } else {
      var input = Array(piece)
      for index in input.indices where input[index] == 0 { input[index] = 0x20 }
      root = parse(input[...])
    }
    guard let root else { throw .parserFailed(path: source.path) }
    if range.upperBound < source.bytes.count, let last = cmark_node_last_child(root) {
      let type = NodeType(last)
      if type == .codeBlock || type == .htmlBlock { return false }
    }
    guard let iterator = cmark_iter_new(root) else { throw .parserFailed(path: source.path) }
    // cmark counts lines from the piece's start.
    let lineOffset = range.lowerBound == 0 ? 0 : source.location(ofOffset: range.lowerBound).line - 1
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
          blocks.append(
            block(
              node, type, source, lineOffset: lineOffset, index: blocks.count, parent: open.last,
              plainTextStart: plainText.count))
          open.append(blocks.count - 1)
        }
      case .codeBlock, .htmlBlock, .thematicBreak:
        blocks.append(
          block(
            node, type, source, lineOffset: lineOffset, index: blocks.count, parent: open.last,
            plainTextStart: plainText.count
          ))
      case .text, .code: appendLiteral(of: node, to: &plainText)
      case .softBreak, .lineBreak: plainText.append(0x20)
      case .htmlInline, .emphasis, .strong, .link, .image, .customInline, .document, .unknown: continue
      }
    }
    return true
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
  private static func parse(_ input: ArraySlice<UInt8>) -> OpaquePointer? {
    guard let parser = cmark_parser_new_with_mem(CMARK_OPT_SOURCEPOS, ParseArena.allocator) else { return nil }
    defer { cmark_parser_free(parser) }
    input.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        if let start = chars.baseAddress { cmark_parser_feed(parser, start, chars.count) }
      }
    }
    return cmark_parser_finish(parser)
  }

  /// One block; cmark's line numbers are moved on by `lineOffset`, the lines before the piece.
  private static func block(
    _ node: OpaquePointer, _ type: NodeType, _ source: SourceText, lineOffset: Int, index: Int, parent: Int?, plainTextStart: Int
  ) -> MarkdownBlock {
    let kind: MarkdownBlock.Kind
    switch type {
    case .heading: kind = .heading(level: Int(cmark_node_get_heading_level(node)))
    case .list: kind = .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST, tight: cmark_node_get_list_tight(node) != 0)
    case .item: kind = .item
    case .blockQuote, .customBlock: kind = .blockQuote
    case .codeBlock: kind = .codeBlock
    case .htmlBlock: kind = .htmlBlock
    case .thematicBreak: kind = .thematicBreak
    default: kind = .paragraph
    }
    let startLine = Int(cmark_node_get_start_line(node)) + lineOffset
    let startColumn = Int(cmark_node_get_start_column(node))
    let range = byteRange(
      source, startLine: startLine, startColumn: startColumn,
      endLine: Int(cmark_node_get_end_line(node)) + lineOffset, endColumn: Int(cmark_node_get_end_column(node)))
    let location = source.location(ofOffset: range.lowerBound, nearLine: startLine)
    return MarkdownBlock(
      kind: kind, range: range, line: location.line, column: location.column, parent: parent, end: index + 1,
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
}

/// The memory of one parse: cmark's many small allocations are carved out of large blocks, and the
/// whole tree is released at once when the Swift values have been made.
///
/// cmark's allocator hooks take no context, so they find the arena of the parse running on their
/// thread through a thread-local slot. A freed small allocation goes on a list of its size and is
/// handed out again (cmark frees about half of what it allocates while it reads inline content); a
/// large one has a block of its own that `free` returns. The state lives behind a pointer: these
/// hooks run for every node, and a class's stored properties would cost an exclusivity check each.
/// One arena serves one parse at a time, on one thread; the pieces of a big note reuse the arena of
/// their worker, so that its memory is touched once.
private final class ParseArena: @unchecked Sendable {
  /// cmark's allocator functions, all served by the current thread's arena; made once and never
  /// changed, so every parse may share them.
  nonisolated(unsafe) static let allocator: UnsafeMutablePointer<cmark_mem> = {
    let functions = UnsafeMutablePointer<cmark_mem>.allocate(capacity: 1)
    functions.initialize(
      to: cmark_mem(
        calloc: { count, size in ParseArena.current.pointee.allocate(count * size) },
        realloc: { pointer, size in ParseArena.current.pointee.reallocate(pointer, to: size) },
        free: { pointer in ParseArena.current.pointee.free(pointer) }))
    return functions
  }()

  /// The thread-local slot holding the arena of the parse running on a thread.
  private static let slot: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "no thread-local slot for the Markdown parser")
    return key
  }()

  /// The arena of the parse running on this thread.
  private static var current: UnsafeMutablePointer<State> {
    guard let pointer = pthread_getspecific(slot) else { preconditionFailure("cmark allocated outside a parse") }
    return pointer.assumingMemoryBound(to: State.self)
  }

  /// Bytes before each allocation, holding its capacity; also the alignment and the size step.
  static let header = 16
  /// The size of a shared block.
  static let blockSize = 64 * 1024
  /// The largest capacity carved from shared blocks; larger allocations get a block of their own.
  static let largestSmall = 1024

  private let state = UnsafeMutablePointer<State>.allocate(capacity: 1)

  init() { state.initialize(to: State()) }

  deinit {
    state.pointee.freeEverything()
    state.deinitialize(count: 1)
    state.deallocate()
  }

  /// Runs `body` with this arena serving cmark's allocations on this thread, and releases all of
  /// them when it returns (keeping the memory for the next body).
  func withCurrent<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure) -> Result {
    let previous = pthread_getspecific(ParseArena.slot)
    pthread_setspecific(ParseArena.slot, state)
    defer {
      pthread_setspecific(ParseArena.slot, previous)
      state.pointee.reset()
    }
    return try body()
  }

  /// Where the next small allocation comes from, the freed ones, and every block to release.
  struct State {
    /// The newest shared block; each block's first word points to the one before.
    private var blocks: UnsafeMutableRawPointer?
    /// Shared blocks of earlier parses, linked the same way: their pages are already the process's,
    /// so reusing them costs no page fault.
    private var spare: UnsafeMutableRawPointer?
    private var next: UnsafeMutableRawPointer?
    private var remaining = 0
    /// The large allocations' blocks, linked both ways through their first two words.
    private var largeBlocks: UnsafeMutableRawPointer?
    /// For each capacity step, the freed small allocations of that capacity, linked through their memory.
    private var freed = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: ParseArena.largestSmall / ParseArena.header + 1)

    init() { freed.initialize(repeating: nil, count: ParseArena.largestSmall / ParseArena.header + 1) }

    /// Zeroed memory for `size` bytes, 16-byte aligned, as `calloc` gives.
    mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer {
      let memory = carve(size)
      memory.initializeMemory(as: UInt8.self, repeating: 0, count: (memory - ParseArena.header).load(as: Int.self))
      return memory
    }

    /// The capacity that holds `size` bytes: a whole number of steps, at least one.
    private static func capacity(for size: Int) -> Int {
      let step = ParseArena.header
      return max(step, (size + step - 1) / step * step)
    }

    /// Whether an allocation of this capacity has a block of its own.
    private static func isLarge(_ capacity: Int) -> Bool {
      capacity > ParseArena.largestSmall && capacity > ParseArena.blockSize / 4
    }

    /// Memory for `size` bytes, not cleared: a freed allocation of its capacity, the next bytes of
    /// the newest block, or a block of its own.
    private mutating func carve(_ size: Int) -> UnsafeMutableRawPointer {
      let step = ParseArena.header
      let capacity = State.capacity(for: size)
      let start: UnsafeMutableRawPointer
      if State.isLarge(capacity) {
        // A block of its own from malloc, so that it can grow with realloc: two links, then the header.
        guard let block = malloc(2 * step + capacity) else { preconditionFailure("out of memory for the Markdown parser") }
        block.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        block.storeBytes(of: largeBlocks, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        largeBlocks?.storeBytes(of: block, as: UnsafeMutableRawPointer?.self)
        largeBlocks = block
        start = block + step
      } else if capacity <= ParseArena.largestSmall, let reused = freed[capacity / step] {
        freed[capacity / step] = (reused + step).load(as: UnsafeMutableRawPointer?.self)
        start = reused
      } else {
        if step + capacity > remaining {
          let block: UnsafeMutableRawPointer
          if let reused = spare {
            spare = reused.load(as: UnsafeMutableRawPointer?.self)
            block = reused
          } else {
            block = UnsafeMutableRawPointer.allocate(byteCount: ParseArena.blockSize, alignment: step)
          }
          block.storeBytes(of: blocks, as: UnsafeMutableRawPointer?.self)
          blocks = block
          next = block + step
          remaining = ParseArena.blockSize - step
        }
        guard let free = next else { preconditionFailure("arena without a block") }
        start = free
        next = free + step + capacity
        remaining -= step + capacity
      }
      start.storeBytes(of: capacity, as: Int.self)
      return start + step
    }

    /// Memory for `size` bytes holding what `pointer` held, as `realloc` gives (the bytes after are
    /// not cleared).
    ///
    /// cmark's buffers grow by half again at each step; the newest carved allocation grows in place
    /// while its block has room, and a large one grows with `realloc`, which moves no bytes when it can.
    mutating func reallocate(_ pointer: UnsafeMutableRawPointer?, to size: Int) -> UnsafeMutableRawPointer {
      guard let pointer else { return carve(size) }
      let step = ParseArena.header
      let header = pointer - step
      let capacity = header.load(as: Int.self)
      if size <= capacity { return pointer }
      let wanted = State.capacity(for: size)
      if State.isLarge(capacity) { return grow(header - step, to: wanted) }
      if pointer + capacity == next, wanted - capacity <= remaining, !State.isLarge(wanted) {
        header.storeBytes(of: wanted, as: Int.self)
        next = pointer + wanted
        remaining -= wanted - capacity
        return pointer
      }
      let memory = carve(size)
      memory.copyMemory(from: pointer, byteCount: capacity)
      free(pointer)
      return memory
    }

    /// Grows a large allocation's own block with `realloc`, and mends the links of its neighbours.
    private mutating func grow(_ block: UnsafeMutableRawPointer, to capacity: Int) -> UnsafeMutableRawPointer {
      let step = ParseArena.header
      guard let moved = realloc(block, 2 * step + capacity) else { preconditionFailure("out of memory for the Markdown parser") }
      let newer = moved.load(as: UnsafeMutableRawPointer?.self)
      let older = moved.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
      older?.storeBytes(of: moved, as: UnsafeMutableRawPointer?.self)
      if let newer { newer.storeBytes(of: moved, toByteOffset: 8, as: UnsafeMutableRawPointer?.self) } else { largeBlocks = moved }
      (moved + step).storeBytes(of: capacity, as: Int.self)
      return moved + 2 * step
    }

    /// Puts a small allocation on the list of its capacity, or returns a large one's block; a
    /// medium one (carved, but too large for the lists) stays until the release.
    mutating func free(_ pointer: UnsafeMutableRawPointer?) {
      guard let pointer else { return }
      let step = ParseArena.header
      let start = pointer - step
      let capacity = start.load(as: Int.self)
      if capacity <= ParseArena.largestSmall {
        pointer.storeBytes(of: freed[capacity / step], as: UnsafeMutableRawPointer?.self)
        freed[capacity / step] = start
      } else if State.isLarge(capacity) {
        let block = start - step
        let previous = block.load(as: UnsafeMutableRawPointer?.self)
        let following = block.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        following?.storeBytes(of: previous, as: UnsafeMutableRawPointer?.self)
        if let previous {
          previous.storeBytes(of: following, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        } else {
          largeBlocks = following
        }
        releaseLargeBlock(block)
      }
    }

    /// Frees every block and the free lists' table.
    mutating func freeEverything() {
      reset()
      while let block = spare {
        spare = block.load(as: UnsafeMutableRawPointer?.self)
        block.deallocate()
      }
      freed.deallocate()
    }

    /// Releases every allocation at once; the shared blocks are kept as spares for the next parse.
    mutating func reset() {
      while let block = blocks {
        blocks = block.load(as: UnsafeMutableRawPointer?.self)
        block.storeBytes(of: spare, as: UnsafeMutableRawPointer?.self)
        spare = block
      }
      while let block = largeBlocks {
        largeBlocks = block.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
        releaseLargeBlock(block)
      }
      next = nil
      remaining = 0
      freed.update(repeating: nil, count: ParseArena.largestSmall / ParseArena.header + 1)
    }
  }
}

/// Returns a large allocation's block to the C library (`free` names the arena's own method inside it).
private func releaseLargeBlock(_ block: UnsafeMutableRawPointer) { free(block) }
