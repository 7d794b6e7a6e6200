#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

  /// The range without leading and trailing bytes of `set` (blanks by default).
  static func trimmed<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ range: Range<Int>, _ set: ByteSet = blankSet) -> Range<Int>
  where Bytes.Index == Int {
    var start = range.lowerBound
    var end = range.upperBound
    while start < end, set.contains(bytes[start]) { start += 1 }
    while end > start, set.contains(bytes[end - 1]) { end -= 1 }
    return start..<end
  }

  /// Whether `bytes[range]` is `word`, ASCII letters compared without case.
  static func equals<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ range: Range<Int>, _ word: Needle) -> Bool
  where Bytes.Index == Int {
    range.count == word.bytes.count && hasPrefix(bytes, range, word)
  }

  /// A space and a tab, as a set.
  static let blankSet = ByteSet(" \t")

  /// A set of ASCII bytes, tested without hashing.
  struct ByteSet: Sendable {
    private let members: [Bool]

    /// The set of the bytes of an ASCII string.
    init(_ characters: String) {
      var members = [Bool](repeating: false, count: 256)
      for byte in characters.utf8 { members[Int(byte)] = true }
      self.members = members
    }

    /// Whether the byte is in the set.
    func contains(_ byte: UInt8) -> Bool { members[Int(byte)] }
  }

  /// Whether `bytes[range]` starts with `prefix`, ASCII letters compared without case.
  static func hasPrefix<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ range: Range<Int>, _ prefix: Needle) -> Bool
  where Bytes.Index == Int {
    guard range.count >= prefix.bytes.count else { return false }
    for (offset, byte) in prefix.bytes.enumerated() where lowercased(bytes[range.lowerBound + offset]) != byte { return false }
    return true
  }

  /// Whether `bytes[range]` contains `needle` (ASCII, compared without case).
  static func contains(_ bytes: [UInt8], _ range: Range<Int>, _ needle: Needle) -> Bool {
    firstIndex(of: needle, in: bytes, range) != nil
  }

  /// A word to search for, kept as lowercase bytes so that searching allocates nothing.
  struct Needle: ExpressibleByStringLiteral, Sendable {
    /// The word's bytes in lower case.
    let bytes: [UInt8]
    /// Its first byte that is not a letter, and where: searched for directly, as it has one case.
    let anchor: (offset: Int, byte: UInt8)?

    /// The needle for an ASCII word.
    init(_ text: String) {
      let lowered = Array(text.utf8).map(ASCII.lowercased)
      bytes = lowered
      anchor = lowered.firstIndex { !ASCII.isLetter($0) }.map { ($0, lowered[$0]) }
    }

    init(stringLiteral value: String) { self.init(value) }
  }

  /// Where `needle` (ASCII, compared without case) first occurs in `bytes[range]`.
  static func firstIndex(of needle: Needle, in bytes: [UInt8], _ range: Range<Int>) -> Int? {
    bytes.withUnsafeBufferPointer { firstIndex(of: needle, in: $0, range) }
  }

  /// Where `needle` first occurs in `bytes[range]`, reading through a pointer: these scans cover
  /// whole notes, and bounds checks on every byte would double their cost.
  static func firstIndex(of needle: Needle, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    let wanted = needle.bytes
    guard let first = wanted.first, range.count >= wanted.count, range.upperBound <= bytes.count else { return nil }
    if let anchor = needle.anchor {
      // Jump from one occurrence of the anchor byte to the next.
      var from = range.lowerBound + anchor.offset
      let limit = range.upperBound - wanted.count + anchor.offset
      while from <= limit, let found = index(of: anchor.byte, in: bytes, from..<limit + 1) {
        let start = found - anchor.offset
        if hasPrefix(bytes, start..<range.upperBound, needle) { return start }
        from = found + 1
      }
      return nil
    }
    let otherCase = first >= 0x61 && first <= 0x7A ? first & 0xDF : first
    var index = range.lowerBound
    let last = range.upperBound - wanted.count
    search: while index <= last {
      defer { index += 1 }
      let byte = bytes[index]
      guard byte == first || byte == otherCase else { continue }
      for offset in 1..<wanted.count where lowercased(bytes[index + offset]) != wanted[offset] { continue search }
      return index
    }
    return nil
  }

  /// The offset of the first `byte` in `bytes[range]`, found with `memchr`.
  static func index(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
    guard let base = bytes.baseAddress, range.lowerBound >= 0, range.upperBound <= bytes.count, !range.isEmpty else { return nil }
    guard let found = memchr(base + range.lowerBound, Int32(byte), range.count) else { return nil }
    return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
  }

  /// Whether `bytes[range]` contains any of the needles, in one pass.
  static func containsAny(_ bytes: [UInt8], _ range: Range<Int>, _ needles: NeedleSet) -> Bool {
    bytes.withUnsafeBufferPointer { buffer in
      for index in range where needles.starts[Int(buffer[index])] {
        for needle in needles.needles where hasPrefix(buffer, index..<range.upperBound, needle) { return true }
      }
      return false
    }
  }

  /// Needles with a table of the bytes (either case) they start with.
  struct NeedleSet: Sendable {
    /// The needles.
    let needles: [Needle]
    /// Whether a byte starts one of them.
    let starts: [Bool]

    /// A set of ASCII words.
    init(_ words: [String]) {
      needles = words.map { Needle($0) }
      var table = [Bool](repeating: false, count: 256)
      for needle in needles {
        guard let first = needle.bytes.first else { continue }
        table[Int(first)] = true
        if first >= 0x61 && first <= 0x7A { table[Int(first & 0xDF)] = true }
      }
      starts = table
    }
  }

  /// Whether `text` contains `needle` (ASCII, compared without case), without Foundation.
  static func contains(_ text: String, _ needle: Needle) -> Bool {
    var text = text
    return text.withUTF8 { firstIndex(of: needle, in: $0, 0..<$0.count) } != nil
  }

  /// The bytes as a string with ASCII capitals in lower case, made without an intermediate copy.
  static func lowercasedString(_ bytes: ArraySlice<UInt8>) -> String {
    String(unsafeUninitializedCapacity: bytes.count) { buffer in
      for (offset, byte) in bytes.enumerated() { buffer[offset] = lowercased(byte) }
      return bytes.count
    }
  }

  /// The byte in lower case when it is an ASCII capital.
  static func lowercased(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}

extension ASCII {
  /// The text without leading and trailing ASCII `characters` (pure Swift: Foundation's
  /// trimming goes through NSString on Linux and is many times slower).
  static func trimming(_ text: some StringProtocol, _ characters: String) -> String {
    let whole = Substring(text)
    let trimmed = characters.utf8
    let utf8 = whole.utf8
    var start = utf8.startIndex
    var end = utf8.endIndex
    // The characters are ASCII, so their bytes never sit inside a multi-byte character.
    while start < end, trimmed.contains(utf8[start]) { start = utf8.index(after: start) }
    while end > start, trimmed.contains(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
    return String(whole[start..<end])
  }

  /// Blanks, for ``trimming(_:_:)``.
  static let blanks = " \t"
}
