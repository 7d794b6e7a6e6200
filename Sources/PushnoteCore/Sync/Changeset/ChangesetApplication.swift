/// Checking a changeset as Etherpad's server does, and applying it to text.
extension Changeset {
  /// The changeset, checked as Etherpad's `checkRep` checks one before the server stores it.
  ///
  /// The ops must be canonical (re-assembling them gives the same ops), removes and keeps must
  /// stay inside the old text, every insert must take its characters from the bank with the
  /// newline count it claims (a multi-line insert ending with a newline), the bank must be used
  /// up, and the new length must be what the ops make. Attribute numbers and the `|L` of keeps
  /// and removes are checked when the changeset is applied.
  ///
  /// - Throws: ``ChangesetError/notCanonical(reason:)``.
  @discardableResult
  public func validated() throws(ChangesetError) -> Changeset {
    let bank = Array(charBank.utf16)
    var oldPosition = 0, bankPosition = 0, newLength = 0
    var assembler = ChangesetAssembler()
    for operation in operations {
      guard operation.characters > 0 else { throw .notCanonical(reason: "an op of no characters") }
      guard operation.lines <= operation.characters else { throw .notCanonical(reason: "an op claims more newlines than characters") }
      switch operation.kind {
      case .keep, .remove:
        oldPosition += operation.characters
        guard oldPosition <= oldLength else { throw .notCanonical(reason: "the ops run past the old length \(oldLength)") }
        if operation.kind == .keep { newLength += operation.characters }
      case .insert:
        guard bankPosition + operation.characters <= bank.count else {
          throw .notCanonical(reason: "the inserts need more characters than the bank holds")
        }
        let inserted = bank[bankPosition..<bankPosition + operation.characters]
        bankPosition += operation.characters
        let newlines = inserted.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard newlines == operation.lines else {
          throw .notCanonical(reason: "an insert claims \(operation.lines) newlines and inserts \(newlines)")
        }
        guard operation.lines == 0 || inserted.last == 0x0A else {
          throw .notCanonical(reason: "a multi-line insert does not end with a newline")
        }
        newLength += operation.characters
      }
      assembler.append(operation)
    }
    newLength += oldLength - oldPosition
    guard newLength == self.newLength else {
      throw .notCanonical(reason: "it claims the new length \(self.newLength); its ops make \(newLength)")
    }
    guard bankPosition == bank.count else { throw .notCanonical(reason: "the bank holds characters no insert uses") }
    guard assembler.finish() == operations else {
      throw .notCanonical(reason: "the ops are not merged, ordered and split as Etherpad writes them")
    }
    return self
  }

  /// The text the changeset makes of `text`.
  ///
  /// - Throws: ``ChangesetError/doesNotApply(reason:)`` when the text's UTF-16 length is not the
  ///   old length, or a keep or remove covers a different number of newlines than it claims;
  ///   ``ChangesetError/notCanonical(reason:)`` when the bank does not hold the inserts.
  public func apply(to text: String) throws(ChangesetError) -> String {
    String(decoding: try apply(to: Array(text.utf16)), as: UTF16.self)
  }

  /// The UTF-16 code units the changeset makes of `units`.
  ///
  /// - Throws: as ``apply(to:)-(String)``.
  public func apply(to units: [UInt16]) throws(ChangesetError) -> [UInt16] {
    guard units.count == oldLength else {
      throw .doesNotApply(reason: "it is for a text of \(oldLength) characters; the text has \(units.count)")
    }
    let bank = Array(charBank.utf16)
    var result: [UInt16] = []
    result.reserveCapacity(newLength)
    var position = 0, bankPosition = 0
    for operation in operations {
      switch operation.kind {
      case .keep, .remove:
        guard position + operation.characters <= units.count else {
          throw .doesNotApply(reason: "an op runs past the end of the text")
        }
        let span = units[position..<position + operation.characters]
        let newlines = span.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        guard newlines == operation.lines else {
          throw .doesNotApply(
            reason: "an op at character \(position) claims \(operation.lines) newlines; the text has \(newlines) there")
        }
        if operation.kind == .keep { result += span }
        position += operation.characters
      case .insert:
        guard bankPosition + operation.characters <= bank.count else {
          throw .notCanonical(reason: "the inserts need more characters than the bank holds")
        }
        result += bank[bankPosition..<bankPosition + operation.characters]
        bankPosition += operation.characters
      }
    }
    result += units[position...]
    return result
  }
}
