/// The exact bytes of a text file, checked to be UTF-8, with an index of where each line starts.
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as in CommonMark. Everything pushnote finds in a note
/// points back into these bytes, so that an edit can splice them and leave the rest untouched.
public struct SourceText: Sendable, Hashable {
  /// The file the bytes came from, used in messages; nil for text that is not a file.
  public let path: String?
  /// The file's bytes, unchanged (a byte-order mark included).
  public let bytes: [UInt8]
  /// The number of bytes of a leading UTF-8 byte-order mark: 3 or 0.
  public let byteOrderMarkLength: Int
  /// The byte offset at which each line starts; `lineStarts[0]` is the first line.
  public let lineStarts: LineStarts

  /// The largest text indexed: line starts are kept in 32 bits.
  public static let largestSize = Int(UInt32.max)

  /// The byte offsets at which lines start, kept in 32 bits: a file of millions of short lines
  /// takes 4 bytes a line.
  public struct LineStarts: RandomAccessCollection, Sendable, Hashable {
    fileprivate let offsets: [UInt32]
    /// 0.
    public var startIndex: Int { 0 }
    /// The number of lines started.
    public var endIndex: Int { offsets.count }
    /// The offset at which line `index + 1` starts.
    public subscript(index: Int) -> Int { Int(offsets[index]) }
  }

  /// Checks that `bytes` are UTF-8 and indexes their lines.
  ///
  /// - Throws: ``MarkdownError/invalidUTF8(path:offset:location:)`` naming the first bad byte,
  ///   ``MarkdownError/tooLarge(path:size:)`` for more than ``largestSize`` bytes.
  public init(bytes: [UInt8], path: String? = nil) throws(MarkdownError) {
    guard bytes.count <= SourceText.largestSize else { throw .tooLarge(path: path, size: bytes.count) }
    self.path = path
    self.bytes = bytes
    self.byteOrderMarkLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    self.lineStarts = SourceText.indexLines(bytes)
    if let bad = SourceText.firstInvalidUTF8Offset(bytes) {
      throw .invalidUTF8(path: path, offset: bad, location: location(ofOffset: bad))
    }
  }

  /// Indexes a string, which is always valid UTF-8; it must hold at most ``largestSize`` bytes
  /// (a file's bytes go through ``init(bytes:path:)``, which checks).
  public init(_ text: String, path: String? = nil) {
    precondition(text.utf8.count <= SourceText.largestSize, "a text of over 4 GiB indexed as source text")
    self.path = path
    self.bytes = Array(text.utf8)
    self.byteOrderMarkLength = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    self.lineStarts = SourceText.indexLines(bytes)
  }

  /// The number of lines; a final line ending does not start another line.
  public var lineCount: Int {
    if let last = lineStarts.last, last == bytes.count, lineStarts.count > 1 { return lineStarts.count - 1 }
    return lineStarts.count
  }

  /// The location of a byte offset (clamped to the file).
  public func location(ofOffset offset: Int) -> SourceLocation {
    let offset = max(0, min(offset, bytes.count))
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let middle = (low + high + 1) / 2
      if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
    }
    return SourceLocation(line: low + 1, column: offset - lineStarts[low] + 1, offset: offset)
  }

  /// The location of a byte offset expected on `line`: found without a search when it is there.
  func location(ofOffset offset: Int, nearLine line: Int) -> SourceLocation {
    guard line >= 1, line <= lineStarts.count, offset <= bytes.count, lineStarts[line - 1] <= offset,
      line == lineStarts.count || offset < lineStarts[line]
    else { return location(ofOffset: offset) }
    return SourceLocation(line: line, column: offset - lineStarts[line - 1] + 1, offset: offset)
  }

  /// The byte offset of a 1-based line and byte column (clamped to the file).
  public func offset(line: Int, column: Int) -> Int {
    guard line >= 1 else { return 0 }
    guard line <= lineStarts.count else { return bytes.count }
    return min(lineStarts[line - 1] + max(column, 1) - 1, bytes.count)
  }

  /// The bytes of a 1-based line without its line ending.
  public func lineRange(_ line: Int) -> Range<Int> {
    guard line >= 1, line <= lineStarts.count else { return bytes.count..<bytes.count }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] : bytes.count
    if end > start, bytes[end - 1] == 0x0A { end -= 1 }
    if end > start, bytes[end - 1] == 0x0D { end -= 1 }
    return start..<end
  }

  /// The range of the line ending that closes a 1-based line (empty on a last line without one).
  public func lineEndingRange(_ line: Int) -> Range<Int> {
    let content = lineRange(line)
    let next = line < lineStarts.count ? lineStarts[line] : bytes.count
    return content.upperBound..<max(content.upperBound, next)
  }

  /// The text of a 1-based line without its line ending.
  public func line(_ line: Int) -> String { string(lineRange(line)) }

  /// The text of a byte range.
  public func string(_ range: Range<Int>) -> String {
    let clamped = range.clamped(to: 0..<bytes.count)
    return String(decoding: bytes[clamped], as: UTF8.self)
  }

  /// The line ending the file mostly uses (`"\r\n"` when the first line ends so), for inserted lines.
  public var preferredLineEnding: String {
    guard lineStarts.count > 1 else { return "\n" }
    let end = lineStarts[1]
    return end >= 2 && bytes[end - 2] == 0x0D && bytes[end - 1] == 0x0A ? "\r\n" : "\n"
  }

  /// Where each line starts, in an array of exactly that size: the line endings are counted first,
  /// so that a file of millions of short lines holds one offset a line and no more.
  private static func indexLines(_ bytes: [UInt8]) -> LineStarts {
    bytes.withUnsafeBufferPointer { buffer in
      let count = buffer.count
      /// Calls `body` with the start of each line after the first.
      func forEachLineStart(_ body: (Int) -> Void) {
        guard ASCII.index(of: 0x0D, in: buffer, 0..<count) != nil else {
          // Only `\n` ends lines (the common case): each is found with `memchr`.
          var from = 0
          while let newline = ASCII.index(of: 0x0A, in: buffer, from..<count) {
            from = newline + 1
            body(from)
          }
          return
        }
        var index = 0
        while index < count {
          let byte = buffer[index]
          if byte == 0x0A {
            body(index + 1)
          } else if byte == 0x0D {
            if index + 1 < count, buffer[index + 1] == 0x0A { index += 1 }
            body(index + 1)
          }
          index += 1
        }
      }
      var lines = 1
      forEachLineStart { _ in lines += 1 }
      let offsets = [UInt32](unsafeUninitializedCapacity: lines) { starts, initialized in
        starts[0] = 0
        initialized = 1
        forEachLineStart { start in
          starts[initialized] = UInt32(start)
          initialized += 1
        }
      }
      return LineStarts(offsets: offsets)
    }
  }

  /// The offset of the first byte at or after `start` that is not ASCII, or the end; eight bytes
  /// at a time, as most of a note is ASCII.
  private static func endOfASCII(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
    var index = start
    while index + 8 <= bytes.count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
      index += 8
    }
    while index < bytes.count, bytes[index] < 0x80 { index += 1 }
    return index
  }

  /// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629), or nil.
  static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
    var index = 0
    let count = bytes.count
    while index < count {
      let lead = bytes[index]
      if lead < 0x80 {
        index = bytes.withUnsafeBytes { SourceText.endOfASCII(in: $0, from: index + 1) }
        continue
      }
      let length: Int
      var lowest: UInt8 = 0x80
      var highest: UInt8 = 0xBF
      switch lead {
      case 0xC2...0xDF: length = 2
      case 0xE0: length = 3; lowest = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED: length = 3; highest = 0x9F
      case 0xF0: length = 4; lowest = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4: length = 4; highest = 0x8F
      default: return index
      }
      guard index + length <= count else { return index }
      let second = bytes[index + 1]
      guard second >= lowest, second <= highest else { return index }
      for next in 2..<length where bytes[index + next] & 0xC0 != 0x80 { return index }
      index += length
    }
    return nil
  }
}
