/// A text cut into lines for syncing: each line's exact bytes, its ending, and the form the pad
/// stores it in (Etherpad's `cleanText`: a tab becomes eight spaces, every line ends with `\n`).
///
/// Lines end at `\n`, `\r\n` or a lone `\r`, as in CommonMark and as Etherpad splits them, so a
/// CRLF file and the pad's LF text compare equal line by line. A leading byte-order mark is kept
/// apart: it stays in the file and never reaches the pad.
public struct SyncText: Sendable, Equatable {
  /// One line.
  public struct Line: Sendable, Hashable {
    /// The line's bytes without its ending.
    public var content: ArraySlice<UInt8>
    /// The line's ending: `\n`, `\r\n`, `\r`, or empty for a last line without one.
    public var ending: ArraySlice<UInt8>

    /// The line as the pad stores it, without the ending: tabs as eight spaces.
    public var padForm: [UInt8] {
      guard content.contains(0x09) else { return Array(content) }
      var result: [UInt8] = []
      result.reserveCapacity(content.count + 8)
      for byte in content {
        if byte == 0x09 { result += [UInt8](repeating: 0x20, count: 8) } else { result.append(byte) }
      }
      return result
    }
  }

  /// The UTF-8 byte-order mark, if the text started with one.
  public var byteOrderMark: [UInt8]
  /// The lines, in order.
  public var lines: [Line]

  /// The UTF-8 byte-order mark.
  static let byteOrderMarkBytes: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// Cuts bytes into lines; joining them gives the bytes back exactly.
  public init(bytes: [UInt8]) {
    let bomLength = bytes.starts(with: Self.byteOrderMarkBytes) ? 3 : 0
    byteOrderMark = Array(bytes.prefix(bomLength))
    lines = []
    var start = bomLength
    var index = bomLength
    let count = bytes.count
    while index < count {
      let byte = bytes[index]
      if byte == 0x0A || byte == 0x0D {
        let endingEnd = byte == 0x0D && index + 1 < count && bytes[index + 1] == 0x0A ? index + 2 : index + 1
        lines.append(Line(content: bytes[start..<index], ending: bytes[index..<endingEnd]))
        start = endingEnd
        index = endingEnd
      } else {
        index += 1
      }
    }
    if start < count { lines.append(Line(content: bytes[start..<count], ending: [])) }
  }

  /// The exact bytes: byte-order mark, then every line with its ending.
  public var bytes: [UInt8] {
    var result = byteOrderMark
    for line in lines {
      result += line.content
      result += line.ending
    }
    return result
  }

  /// The ending most lines use, for lines brought in from the pad: `\r\n` if the first line ends so.
  public var preferredEnding: [UInt8] {
    guard let first = lines.first, !first.ending.isEmpty else { return [0x0A] }
    return Array(first.ending)
  }
}
