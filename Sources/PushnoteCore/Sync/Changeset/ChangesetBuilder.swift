/// Building the smallest changeset between two texts.
extension Changeset {
  /// The changeset turning `old` into `new` that touches only the characters that differ.
  ///
  /// The texts are diffed line by line (``LineDiff``); in each changed region only what lies
  /// between the region's common prefix and suffix is removed and inserted, so the rest of a
  /// changed line keeps its author. A UTF-16 surrogate pair is never cut, and the text's last
  /// newline is never removed (lines that go at the end go with the newline before them). Inserted text carries
  /// `attributes` (the sender's author, for a server that refuses unattributed inserts).
  public static func between(_ old: String, _ new: String, insertAttributes attributes: [Int]) -> Changeset {
    let a = Array(old.utf16), b = Array(new.utf16)
    var table: [ArraySlice<UInt16>: Int] = [:]
    let (symbolsA, startsA) = lineSymbols(a, table: &table)
    let (symbolsB, startsB) = lineSymbols(b, table: &table)
    var assembler = ChangesetAssembler()
    var bank: [UInt16] = []
    var keptUpTo = 0
    for hunk in LineDiff.diff(symbolsA, symbolsB) {
      let oldStart = startsA[hunk.old.lowerBound], oldEnd = startsA[hunk.old.upperBound]
      let newStart = startsB[hunk.new.lowerBound], newEnd = startsB[hunk.new.upperBound]
      var prefix = 0
      while oldStart + prefix < oldEnd, newStart + prefix < newEnd, a[oldStart + prefix] == b[newStart + prefix] { prefix += 1 }
      if prefix > 0, UTF16.isLeadSurrogate(a[oldStart + prefix - 1]) { prefix -= 1 }
      var suffix = 0
      while oldEnd - suffix > oldStart + prefix, newEnd - suffix > newStart + prefix, a[oldEnd - suffix - 1] == b[newEnd - suffix - 1] {
        suffix += 1
      }
      if suffix > 0, UTF16.isTrailSurrogate(a[oldEnd - suffix]) { suffix -= 1 }
      var removed = oldStart + prefix..<oldEnd - suffix
      var inserted = Array(b[newStart + prefix..<newEnd - suffix])
      // A pad's last newline is never removed (the server refuses a text without it, and a
      // colleague's edit of the last line would be stranded after it): a removal at the very end
      // that starts after a newline slides one place left.
      if !removed.isEmpty, removed.upperBound == a.count, a.last == 0x0A, removed.lowerBound > 0, a[removed.lowerBound - 1] == 0x0A,
        inserted.last ?? 0x0A == 0x0A
      {
        removed = removed.lowerBound - 1..<removed.upperBound - 1
        if !inserted.isEmpty { inserted = [0x0A] + inserted.dropLast() }
      }
      assembler.append(.keep, a[keptUpTo..<removed.lowerBound])
      assembler.append(.remove, a[removed])
      assembler.append(.insert, inserted[...], attributes: attributes)
      bank += inserted
      keptUpTo = removed.upperBound
    }
    return Changeset(
      oldLength: a.count, newLength: b.count, operations: assembler.finish(), charBank: String(decoding: bank, as: UTF16.self))
  }

  /// One symbol per line of `units` (a line keeps its newline; equal lines get equal symbols),
  /// and where each line starts, with the text's end last.
  private static func lineSymbols(_ units: [UInt16], table: inout [ArraySlice<UInt16>: Int]) -> (symbols: [Int], starts: [Int]) {
    var symbols: [Int] = []
    var starts: [Int] = []
    var start = 0
    while start < units.count {
      let end = units[start...].firstIndex(of: 0x0A).map { $0 + 1 } ?? units.count
      let line = units[start..<end]
      if let symbol = table[line] {
        symbols.append(symbol)
      } else {
        table[line] = table.count
        symbols.append(table.count - 1)
      }
      starts.append(start)
      start = end
    }
    starts.append(units.count)
    return (symbols, starts)
  }
}
