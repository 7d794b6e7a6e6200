/// A pad's text with its attributes per character (Etherpad's AText), such as who wrote what.
///
/// The attributes are kept as Etherpad keeps them: the ops of a changeset from the empty text
/// that inserts the whole text (`initialAttributedText.attribs`). Applying a changeset composes
/// it onto them, so authorship follows every insert, remove and attribute change.
public struct AttributedText: Sendable, Hashable {
  /// The text.
  public private(set) var text: String
  /// The insert ops that attribute it (their numbers refer to the pool they were made with).
  public private(set) var attributes: [ChangesetOperation]

  /// Text with the attributes given, or none.
  ///
  /// - Throws: ``ChangesetError`` when the ops do not cover exactly the text with inserts.
  public init(text: String, attributes: [ChangesetOperation]? = nil) throws(ChangesetError) {
    self.text = text
    if let attributes {
      let covering = Changeset(oldLength: 0, newLength: text.utf16.count, operations: attributes, charBank: text)
      guard attributes.allSatisfy({ $0.kind == .insert }) else {
        throw .notCanonical(reason: "the attributes of a text are inserts only")
      }
      try covering.validated()
      self.attributes = attributes
    } else {
      var assembler = ChangesetAssembler()
      assembler.append(.insert, Array(text.utf16)[...])
      self.attributes = assembler.finish()
    }
  }

  /// The text after `changeset`, whose attribute numbers refer to `pool` as the text's do.
  ///
  /// - Throws: ``ChangesetError/doesNotApply(reason:)`` when it is not for this text.
  public mutating func apply(_ changeset: Changeset, pool: inout AttributePool) throws(ChangesetError) {
    let newText = try changeset.apply(to: text)
    let covering = Changeset(oldLength: 0, newLength: text.utf16.count, operations: attributes, charBank: text)
    attributes = try covering.composed(with: changeset, pool: &pool).operations
    text = newText
  }

  /// The value of attribute `key` on each UTF-16 code unit of the text (nil where unset).
  ///
  /// - Throws: ``ChangesetError/unknownAttribute(number:)``.
  public func values(of key: String, pool: AttributePool) throws(ChangesetError) -> [String?] {
    var values: [String?] = []
    for operation in attributes {
      var value: String?
      for number in operation.attributes where try pool.attribute(number).key == key { value = try pool.attribute(number).value }
      values += Array(repeating: value, count: operation.characters)
    }
    return values
  }
}
