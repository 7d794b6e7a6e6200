/// The checklist syntax, read in one place: the note parser, the mail and the merge use it.
///
/// A checklist item's first paragraph starts with a box, `[ ]` (open), `[x]` or `[X]` (done) or
/// `[-]` (does not apply), followed by a blank or the end of the line; an item whose text is
/// wholly `~~struck through~~` is done.
enum ChecklistSyntax {
  /// The box starting at `start`: its state and the offset of the byte inside it; nil when the
  /// bytes there are no box.
  static func box<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at start: Int) -> (state: Note.ItemState, mark: Int)?
  where Bytes.Index == Int {
    let end = bytes.endIndex
    guard start >= bytes.startIndex, start + 2 < end, bytes[start] == UInt8(ascii: "["), bytes[start + 2] == UInt8(ascii: "]") else {
      return nil
    }
    if start + 3 < end {
      let after = bytes[start + 3]
      guard ASCII.isBlank(after) || after == 0x0A || after == 0x0D else { return nil }
    }
    guard let state = state(ofMark: bytes[start + 1]) else { return nil }
    return (state, start + 1)
  }

  /// The state a box's inner byte stands for: space, `x`/`X` or `-`.
  static func state(ofMark mark: UInt8) -> Note.ItemState? {
    switch mark {
    case UInt8(ascii: " "): return .open
    case UInt8(ascii: "x"), UInt8(ascii: "X"): return .done
    case UInt8(ascii: "-"): return .notApplicable
    default: return nil
    }
  }

  /// The byte a box holds for a state.
  static func mark(of state: Note.ItemState) -> UInt8 {
    switch state {
    case .open: return UInt8(ascii: " ")
    case .done: return UInt8(ascii: "x")
    case .notApplicable: return UInt8(ascii: "-")
    }
  }

  /// Whether the bytes are wholly struck through: `~~text~~` (or `~text~`), with no closing run inside.
  static func isStruck<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, _ range: Range<Int>) -> Bool where Bytes.Index == Int {
    let trimmed = ASCII.trimmed(bytes, range)
    var opening = 0
    while opening < 2, trimmed.lowerBound + opening < trimmed.upperBound, bytes[trimmed.lowerBound + opening] == UInt8(ascii: "~") {
      opening += 1
    }
    guard opening > 0, trimmed.count > 2 * opening else { return false }
    let inner = trimmed.lowerBound + opening..<trimmed.upperBound - opening
    for offset in trimmed.upperBound - opening..<trimmed.upperBound where bytes[offset] != UInt8(ascii: "~") { return false }
    guard bytes[inner.lowerBound] != UInt8(ascii: "~"), bytes[inner.upperBound - 1] != UInt8(ascii: "~") else { return false }
    // No run of as many tildes inside: it would close the strike early.
    var run = 0
    for offset in inner {
      run = bytes[offset] == UInt8(ascii: "~") ? run + 1 : 0
      if run >= opening { return false }
    }
    return true
  }

  /// The offset of the byte inside the box of a line that is a checklist item (indentation, a
  /// `-`, `*` or `+` or `1.`/`1)` marker, blanks, then a box); nil for any other line.
  ///
  /// The merge reads lines, not the Markdown tree: this is the same box behind a list marker.
  static func boxMark<Bytes: RandomAccessCollection<UInt8>>(inLine bytes: Bytes, _ line: Range<Int>) -> Int? where Bytes.Index == Int {
    var index = line.lowerBound
    while index < line.upperBound, ASCII.isBlank(bytes[index]) { index += 1 }
    guard index < line.upperBound else { return nil }
    let first = bytes[index]
    if first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "+") {
      index += 1
    } else {
      let digits = index
      while index < line.upperBound, index - digits < 9, ASCII.isDigit(bytes[index]) { index += 1 }
      guard index > digits, index < line.upperBound, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ")") else {
        return nil
      }
      index += 1
    }
    guard index < line.upperBound, ASCII.isBlank(bytes[index]) else { return nil }
    while index < line.upperBound, ASCII.isBlank(bytes[index]) { index += 1 }
    guard index + 2 < line.upperBound else { return nil }
    return box(bytes, at: index)?.mark
  }
}
