/// One splice of a file's bytes: replace `range` with `replacement`.
///
/// Edits of a note are lists of splices, so every byte a command did not mean to change stays
/// byte-identical.
public struct ByteEdit: Sendable, Equatable {
  /// The half-open byte range replaced (empty for an insertion).
  public var range: Range<Int>
  /// The new bytes.
  public var replacement: [UInt8]

  /// Creates a splice.
  public init(range: Range<Int>, replacement: [UInt8]) {
    self.range = range
    self.replacement = replacement
  }

  /// Creates a splice with UTF-8 text.
  public init(range: Range<Int>, text: String) { self.init(range: range, replacement: Array(text.utf8)) }

  /// Applies non-overlapping edits to `bytes`; insertions at one offset keep their given order.
  public static func apply(_ edits: [ByteEdit], to bytes: [UInt8]) -> [UInt8] {
    let ordered = edits.enumerated().sorted { ($0.element.range.lowerBound, $0.offset) < ($1.element.range.lowerBound, $1.offset) }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.replacement.count })
    var cursor = 0
    for (_, edit) in ordered {
      let start = max(cursor, min(edit.range.lowerBound, bytes.count))
      result.append(contentsOf: bytes[cursor..<start])
      result.append(contentsOf: edit.replacement)
      cursor = max(start, min(edit.range.upperBound, bytes.count))
    }
    result.append(contentsOf: bytes[cursor...])
    return result
  }
}
