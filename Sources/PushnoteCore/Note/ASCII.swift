/// Byte classes of ASCII text, for the scanners that read a note's raw bytes.
enum ASCII {
  /// A space or a tab.
  static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
  /// `0` to `9`.
  static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
  /// `a` to `z` in either case.
  static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
  /// A letter, a digit or `_`.
  static func isWordByte(_ byte: UInt8) -> Bool { isDigit(byte) || isLetter(byte) || byte == 0x5F }
  /// A hexadecimal digit in either case.
  static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66) }

  /// The range without leading and trailing blanks.
  static func trimmed(_ bytes: [UInt8], _ range: Range<Int>) -> Range<Int> {
    var start = range.lowerBound
    var end = range.upperBound
    while start < end, isBlank(bytes[start]) { start += 1 }
    while end > start, isBlank(bytes[end - 1]) { end -= 1 }
    return start..<end
  }

  /// Whether `bytes[range]` starts with `prefix`, ASCII letters compared without case.
  static func hasPrefix(_ bytes: [UInt8], _ range: Range<Int>, _ prefix: String) -> Bool {
    let wanted = Array(prefix.utf8)
    guard range.count >= wanted.count else { return false }
    for (offset, byte) in wanted.enumerated() where lowercased(bytes[range.lowerBound + offset]) != lowercased(byte) { return false }
    return true
  }

  /// Whether `bytes[range]` contains `needle` (ASCII, compared without case).
  static func contains(_ bytes: [UInt8], _ range: Range<Int>, _ needle: String) -> Bool {
    firstIndex(of: needle, in: bytes, range) != nil
  }

  /// Where `needle` (ASCII, compared without case) first occurs in `bytes[range]`.
  static func firstIndex(of needle: String, in bytes: [UInt8], _ range: Range<Int>) -> Int? {
    let wanted = Array(needle.utf8).map(lowercased)
    guard let first = wanted.first, range.count >= wanted.count else { return nil }
    var index = range.lowerBound
    let last = range.upperBound - wanted.count
    while index <= last {
      if lowercased(bytes[index]) == first, hasPrefix(bytes, index..<range.upperBound, needle) { return index }
      index += 1
    }
    return nil
  }

  /// The byte in lower case when it is an ASCII capital.
  static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}
