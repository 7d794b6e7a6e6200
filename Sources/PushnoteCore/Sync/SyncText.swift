#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A text cut into lines for syncing: one byte buffer and each line's offsets into it (content,
/// then ending), with the form the pad stores a line in (Etherpad's `cleanText`: a tab becomes
/// eight spaces, every line ends with `\n`).
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as in CommonMark and as Etherpad splits them, so a
/// CRLF file and the pad's LF text compare equal line by line. A leading byte-order mark is kept
/// apart: it stays in the file and never reaches the pad.
public struct SyncText: Sendable, Equatable {
  /// One line, as offsets into ``SyncText/bytes``.
  public struct Line: Sendable, Hashable {
    /// Where the line starts.
    public var start: Int
    /// Where the line's content ends and its ending (`\n`, `\r\n`, `\r` or nothing) starts.
    public var contentEnd: Int
    /// Where the line's ending ends.
    public var end: Int

    /// The offsets of the line's bytes without its ending.
    public var content: Range<Int> { start..<contentEnd }
    /// The offsets of the line's ending (empty for a last line without one).
    public var ending: Range<Int> { contentEnd..<end }
  }

  /// The exact bytes of the text, byte-order mark included.
  public let bytes: [UInt8]
  /// The length of the UTF-8 byte-order mark the text starts with (0 or 3).
  public let byteOrderMarkLength: Int
  /// The lines, in order.
  public let lines: [Line]
  /// Whether some line holds a tab (its pad form then differs from its content).
  public let hasTabs: Bool
  /// Whether every line, the last one included, ends with a lone `\n`.
  public let endsEveryLineWithNewline: Bool
  /// Whether every byte is ASCII (so the text is UTF-8 without checking further).
  public let isASCII: Bool

  /// The UTF-8 byte-order mark.
  static let byteOrderMarkBytes: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Cuts bytes into lines; joining them gives the bytes back exactly.
  public init(bytes: [UInt8]) {
    self.bytes = bytes
    let bomLength = bytes.starts(with: Self.byteOrderMarkBytes) ? 3 : 0
    byteOrderMarkLength = bomLength
    let scan = bytes.withUnsafeBufferPointer { Self.split($0, from: bomLength) }
    lines = scan.lines
    hasTabs = scan.hasTabs
    endsEveryLineWithNewline = scan.newlineOnly
    isASCII = scan.isASCII
  }

  /// The lines of `buffer` from `start` on, and what the scan learnt about them on the way.
  private static func split(
    _ buffer: UnsafeBufferPointer<UInt8>, from start: Int
  ) -> (lines: [Line], hasTabs: Bool, newlineOnly: Bool, isASCII: Bool) {
    guard let base = buffer.baseAddress, start < buffer.count else { return ([], false, true, true) }
    let count = buffer.count
    let hasCarriageReturns = memchr(base + start, 0x0D, count - start) != nil
    let hasTabs = memchr(base + start, 0x09, count - start) != nil
    var lines: [Line] = []
    lines.reserveCapacity(count / 24 + 16)
    var lineStart = start
    if hasCarriageReturns {
      var index = start
      while index < count {
        let byte = buffer[index]
        if byte == 0x0A || byte == 0x0D {
          let end = byte == 0x0D && index + 1 < count && buffer[index + 1] == 0x0A ? index + 2 : index + 1
          lines.append(Line(start: lineStart, contentEnd: index, end: end))
          lineStart = end
          index = end
        } else {
          index += 1
        }
      }
    } else {
      // Only `\n` ends lines: memchr finds them a word at a time.
      while lineStart < count, let found = memchr(base + lineStart, 0x0A, count - lineStart) {
        let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        lines.append(Line(start: lineStart, contentEnd: index, end: index + 1))
        lineStart = index + 1
      }
    }
    let unterminated = lineStart < count
    if unterminated { lines.append(Line(start: lineStart, contentEnd: count, end: count)) }
    return (lines, hasTabs, !hasCarriageReturns && !unterminated, isASCII(buffer, from: start))
  }

  /// Whether the bytes from `start` on are all ASCII, checked eight at a time.
  private static func isASCII(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Bool {
    guard let base = buffer.baseAddress else { return true }
    let raw = UnsafeRawPointer(base)
    var index = start
    var highBits: UInt64 = 0
    while index + 8 <= buffer.count {
      highBits |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
      index += 8
    }
    while index < buffer.count {
      highBits |= UInt64(buffer[index])
      index += 1
    }
    return highBits & 0x8080_8080_8080_8080 == 0
  }

  /// The byte-order mark the text started with, or nothing.
  public var byteOrderMark: ArraySlice<UInt8> { bytes[0..<byteOrderMarkLength] }

  /// A line's bytes without its ending.
  public func content(_ line: Int) -> ArraySlice<UInt8> { bytes[lines[line].content] }

  /// A line's ending.
  public func ending(_ line: Int) -> ArraySlice<UInt8> { bytes[lines[line].ending] }

  /// The ending most lines use, for lines brought in from the pad: `\r\n` if the first line ends so.
  public var preferredEnding: [UInt8] {
    guard let first = lines.first, !first.ending.isEmpty else { return [0x0A] }
    return Array(bytes[first.ending])
  }

  /// The text with its lines as the pad stores them: tabs as eight spaces.
  ///
  /// Endings and the byte-order mark (which no line holds) stay: the same lines, by index.
  public var padForm: SyncText {
    guard hasTabs else { return self }
    var expanded: [UInt8] = []
    expanded.reserveCapacity(bytes.count + 64)
    for byte in bytes {
      if byte == 0x09 { expanded += Self.tabSpaces } else { expanded.append(byte) }
    }
    return SyncText(bytes: expanded)
  }

  /// The eight spaces a tab becomes on the pad.
  private static let tabSpaces = [UInt8](repeating: 0x20, count: 8)

  /// Appends lines' contents, each followed by `ending`, copying the whole run at once when the
  /// text's own endings are that same `\n`.
  public func appendContents(_ range: Range<Int>, ending: [UInt8], to output: inout [UInt8]) {
    guard let last = range.last else { return }
    if endsEveryLineWithNewline && ending.count == 1 && ending[0] == 0x0A {
      output += bytes[lines[range.lowerBound].start..<lines[last].end]
      return
    }
    for index in range {
      output += bytes[lines[index].content]
      output += ending
    }
  }

  /// Two texts are equal when their bytes are.
  public static func == (left: SyncText, right: SyncText) -> Bool { left.bytes == right.bytes }
}
