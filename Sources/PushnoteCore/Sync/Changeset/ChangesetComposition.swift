/// Composing changesets one after the other, and rebasing one over another (`follow`).
///
/// Both walk two op lists side by side, cutting the longer op at the end of the shorter one;
/// both lists describe the same text at each step, so the shorter op's newline count is exact
/// for the cut and the rest keeps the longer op's remaining newlines.
extension Changeset {
  /// The changeset doing `self`, then `next` (`compose`).
  ///
  /// Attributes of keeps in `next` are laid over what `self` inserted or kept; the pool gets
  /// any combination that was not in it.
  ///
  /// - Throws: ``ChangesetError/doesNotApply(reason:)`` when `next` is not for the text `self`
  ///   makes (length or newlines differ).
  public func composed(with next: Changeset, pool: inout AttributePool) throws(ChangesetError) -> Changeset {
    guard newLength == next.oldLength else {
      throw .doesNotApply(reason: "the second changeset is for \(next.oldLength) characters; the first makes \(newLength)")
    }
    let bank1 = Array(charBank.utf16), bank2 = Array(next.charBank.utf16)
    var bankPosition1 = 0, bankPosition2 = 0
    var bank: [UInt16] = []
    var assembler = ChangesetAssembler()
    var first = OperationStream(operations), second = OperationStream(next.operations)
    func take(_ operation: ChangesetOperation, from source: [UInt16], at position: inout Int) throws(ChangesetError) {
      guard position + operation.characters <= source.count else {
        throw .notCanonical(reason: "the inserts need more characters than the bank holds")
      }
      bank += source[position..<position + operation.characters]
      position += operation.characters
    }
    while first.current != nil || second.current != nil {
      guard let a = first.current else {
        let b = try second.whole()
        if b.kind == .insert { try take(b, from: bank2, at: &bankPosition2) }
        assembler.append(b)
        continue
      }
      guard let b = second.current else {
        if a.kind == .insert { try take(a, from: bank1, at: &bankPosition1) }
        assembler.append(try first.whole())
        continue
      }
      if a.kind == .remove {
        assembler.append(try first.whole())
      } else if b.kind == .insert {
        try take(b, from: bank2, at: &bankPosition2)
        assembler.append(try second.whole())
      } else {
        let (characters, lines) = try Self.cut(a, b)
        switch (a.kind, b.kind) {
        case (.insert, .remove):
          bankPosition1 += characters
        case (.insert, _):
          let piece = ChangesetOperation(
            .insert, characters: characters, lines: lines,
            attributes: try Self.composeAttributes(a.attributes, b.attributes, mutation: false, pool: &pool))
          try take(piece, from: bank1, at: &bankPosition1)
          assembler.append(piece)
        case (_, .remove):
          assembler.append(ChangesetOperation(.remove, characters: characters, lines: lines, attributes: b.attributes))
        default:
          assembler.append(
            ChangesetOperation(
              .keep, characters: characters, lines: lines,
              attributes: try Self.composeAttributes(a.attributes, b.attributes, mutation: true, pool: &pool)))
        }
        try first.consume(characters, lines: lines)
        try second.consume(characters, lines: lines)
      }
    }
    return Changeset(
      oldLength: oldLength, newLength: next.newLength, operations: assembler.finish(),
      charBank: String(decoding: bank, as: UTF16.self))
  }

  /// `other` rebased to apply after `self`, keeping its intent (`follow(self, other, reverse)`).
  ///
  /// What `self` inserted is kept; what `other` inserted is inserted; text `self` removed is gone
  /// whatever `other` did with it; text `other` removed that `self` kept is removed. Keeps merge
  /// attributes (on a clash the lexically smaller value wins). Inserts at the same place: one
  /// marked `insertorder: first` goes first, else the one not starting with a newline, else
  /// `self`'s unless `reverse` (the server passes false: the stored revision first).
  ///
  /// - Throws: ``ChangesetError/doesNotApply(reason:)`` when the two are not for the same text.
  public func follow(_ other: Changeset, reverse: Bool = false, pool: inout AttributePool) throws(ChangesetError) -> Changeset {
    guard oldLength == other.oldLength else {
      throw .doesNotApply(reason: "the changesets are for \(oldLength) and \(other.oldLength) characters")
    }
    let bank1 = Array(charBank.utf16), bank2 = Array(other.charBank.utf16)
    var bankPosition1 = 0, bankPosition2 = 0
    let first = AttributePool.Attribute("insertorder", "first")
    func insertsFirst(_ operation: ChangesetOperation) -> Bool {
      operation.attributes.contains { pool.attributes[$0] == first }
    }
    var assembler = ChangesetAssembler()
    var oldPosition = 0, newLength = 0
    func emit(_ operation: ChangesetOperation) {
      assembler.append(operation)
      if operation.kind != .insert { oldPosition += operation.characters }
      if operation.kind != .remove { newLength += operation.characters }
    }
    var mine = OperationStream(operations), theirs = OperationStream(other.operations)
    while mine.current != nil || theirs.current != nil {
      let a = mine.current, b = theirs.current
      if a?.kind == .insert || b?.kind == .insert {
        var takeMine: Bool
        if let a, let b, a.kind == .insert, b.kind == .insert {
          let startsWithNewline1 = bankPosition1 < bank1.count && bank1[bankPosition1] == 0x0A
          let startsWithNewline2 = bankPosition2 < bank2.count && bank2[bankPosition2] == 0x0A
          if insertsFirst(a) != insertsFirst(b) {
            takeMine = insertsFirst(a)
          } else if startsWithNewline1 != startsWithNewline2 {
            takeMine = startsWithNewline2
          } else {
            takeMine = !reverse
          }
        } else {
          takeMine = a?.kind == .insert
        }
        if takeMine, let a {
          bankPosition1 += a.characters
          emit(ChangesetOperation(.keep, characters: a.characters, lines: a.lines))
          _ = try mine.whole()
        } else if let b {
          bankPosition2 += b.characters
          emit(try theirs.whole())
        }
      } else if let a, a.kind == .remove {
        guard let b else {
          _ = try mine.whole()
          continue
        }
        let (characters, lines) = try Self.cut(a, b)
        try mine.consume(characters, lines: lines)
        try theirs.consume(characters, lines: lines)
      } else if let b, b.kind == .remove {
        guard let a else {
          emit(try theirs.whole())
          continue
        }
        let (characters, lines) = try Self.cut(a, b)
        emit(ChangesetOperation(.remove, characters: characters, lines: lines, attributes: b.attributes))
        try mine.consume(characters, lines: lines)
        try theirs.consume(characters, lines: lines)
      } else if let a, let b {
        let (characters, lines) = try Self.cut(a, b)
        let attributes = try Self.followAttributes(a.attributes, b.attributes, pool: &pool)
        emit(ChangesetOperation(.keep, characters: characters, lines: lines, attributes: attributes))
        try mine.consume(characters, lines: lines)
        try theirs.consume(characters, lines: lines)
      } else if a == nil {
        emit(try theirs.whole())
      } else {
        _ = try mine.whole()
      }
    }
    newLength += self.newLength - oldPosition
    return Changeset(oldLength: self.newLength, newLength: newLength, operations: assembler.finish(), charBank: other.charBank)
  }

  /// The size of the shorter of two ops over the same text, and its newlines.
  ///
  /// - Throws: ``ChangesetError/doesNotApply(reason:)`` when their newline counts contradict.
  private static func cut(_ a: ChangesetOperation, _ b: ChangesetOperation) throws(ChangesetError) -> (Int, Int) {
    let consistent =
      a.characters < b.characters
      ? a.lines <= b.lines : a.characters > b.characters ? a.lines >= b.lines : a.lines == b.lines
    guard consistent else { throw .doesNotApply(reason: "the two changesets see different newlines in the same text") }
    return a.characters <= b.characters ? (a.characters, a.lines) : (b.characters, b.lines)
  }

  /// The attributes of `second` laid over `first` (`composeAttributes`): as a mutation an empty
  /// value stays (it clears the key later), as the attributes of text it clears the key.
  static func composeAttributes(
    _ first: [Int], _ second: [Int], mutation: Bool, pool: inout AttributePool
  ) throws(ChangesetError) -> [Int] {
    if first.isEmpty && mutation { return second }
    if second.isEmpty { return first }
    var values: [String: String] = [:]
    for number in first {
      let attribute = try pool.attribute(number)
      values[attribute.key] = attribute.value
    }
    for number in second {
      let attribute = try pool.attribute(number)
      values[attribute.key] = !mutation && attribute.value.isEmpty ? nil : attribute.value
    }
    return values.sorted { Array($0.key.utf16).lexicographicallyPrecedes($1.key.utf16) }.map {
      pool.put(AttributePool.Attribute($0.key, $0.value))
    }
  }

  /// The attributes `second` sets over text `first` also set (`followAttributes`): on a key both
  /// set, the lexically smaller value wins, so `second`'s is dropped unless it is smaller.
  static func followAttributes(_ first: [Int], _ second: [Int], pool: inout AttributePool) throws(ChangesetError) -> [Int] {
    if second.isEmpty { return [] }
    if first.isEmpty { return second }
    var kept: [AttributePool.Attribute] = []
    for number in second { kept.append(try pool.attribute(number)) }
    for number in first {
      let attribute = try pool.attribute(number)
      kept.removeAll { $0.key == attribute.key && !Array($0.value.utf16).lexicographicallyPrecedes(attribute.value.utf16) }
    }
    return kept.map { pool.put($0) }
  }
}

/// A cursor over an op list whose current op can be used up piece by piece.
private struct OperationStream {
  private let operations: [ChangesetOperation]
  private var index = 0
  /// What is left of the current op; nil past the end (the rest of the text is kept).
  private(set) var current: ChangesetOperation?

  init(_ operations: [ChangesetOperation]) {
    self.operations = operations
    current = operations.first
  }

  /// Takes the rest of the current op.
  ///
  /// - Throws: ``ChangesetError/doesNotApply(reason:)`` past the end (never, when called on a
  ///   current op).
  mutating func whole() throws(ChangesetError) -> ChangesetOperation {
    guard let operation = current else { throw .doesNotApply(reason: "an op list ended early") }
    advance()
    return operation
  }

  /// Uses up `characters` (with `lines` newlines) of the current op.
  mutating func consume(_ characters: Int, lines: Int) throws(ChangesetError) {
    guard var operation = current else { return }
    operation.characters -= characters
    operation.lines -= lines
    guard operation.lines >= 0, operation.lines <= operation.characters else {
      throw .doesNotApply(reason: "the two changesets see different newlines in the same text")
    }
    if operation.characters == 0 { advance() } else { current = operation }
  }

  private mutating func advance() {
    index += 1
    current = index < operations.count ? operations[index] : nil
  }
}
