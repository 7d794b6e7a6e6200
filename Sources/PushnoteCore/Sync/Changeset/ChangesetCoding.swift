/// Etherpad's text form of a changeset: `Z:<oldLen><op><delta><ops>$<charBank>`.
///
/// Numbers are lower-case base 36; `>` grows the text by the delta, `<` shrinks it. Each op is
/// `(*<attribute>)*(|<lines>)?<opcode><characters>`; the bank is everything after the `$` that
/// ends the ops.
extension Changeset {
  /// The changeset in Etherpad's text form (`pack`).
  public var packed: String {
    let delta = newLength >= oldLength ? ">" + Self.base36(newLength - oldLength) : "<" + Self.base36(oldLength - newLength)
    return "Z:" + Self.base36(oldLength) + delta + Self.pack(operations) + "$" + charBank
  }

  /// Reads a changeset from its text form (`unpack`); the form is checked, the canonical rules
  /// and the lengths are not (``validated()`` does that).
  ///
  /// - Throws: ``ChangesetError/malformed(offset:reason:)`` naming the character where the text
  ///   stops being a changeset.
  public init(packed text: String) throws(ChangesetError) {
    var reader = Reader(Array(text.unicodeScalars))
    guard reader.take("Z"), reader.take(":") else { throw .malformed(offset: 0, reason: "it does not start with \"Z:\"") }
    let oldLength = try reader.number(what: "the old length")
    let grows: Bool
    if reader.take(">") {
      grows = true
    } else if reader.take("<") {
      grows = false
    } else {
      throw .malformed(offset: reader.position, reason: "expected \">\" or \"<\" after the old length")
    }
    let delta = try reader.number(what: "the length change")
    guard grows || delta <= oldLength else { throw .malformed(offset: reader.position, reason: "it shrinks the text below nothing") }
    var operations: [ChangesetOperation] = []
    while !reader.take("$") {
      guard !reader.atEnd else { throw .malformed(offset: reader.position, reason: "the ops do not end with \"$\"") }
      operations.append(try reader.operation())
    }
    self.init(
      oldLength: oldLength, newLength: grows ? oldLength + delta : oldLength - delta, operations: operations,
      charBank: reader.rest)
  }

  /// Ops in text form, without header or bank (as `initialAttributedText.attribs` holds them).
  public static func pack(_ operations: [ChangesetOperation]) -> String {
    var text = ""
    for operation in operations {
      for attribute in operation.attributes { text += "*" + base36(attribute) }
      if operation.lines > 0 { text += "|" + base36(operation.lines) }
      text.append(operation.kind.rawValue)
      text += base36(operation.characters)
    }
    return text
  }

  /// Reads ops in text form (an `attribs` string).
  ///
  /// - Throws: ``ChangesetError/malformed(offset:reason:)``.
  public static func unpackOperations(_ text: String) throws(ChangesetError) -> [ChangesetOperation] {
    var reader = Reader(Array(text.unicodeScalars))
    var operations: [ChangesetOperation] = []
    while !reader.atEnd { operations.append(try reader.operation()) }
    return operations
  }

  /// A number in lower-case base 36.
  static func base36(_ number: Int) -> String { String(number, radix: 36) }
}

/// A cursor over a changeset's text.
private struct Reader {
  let scalars: [Unicode.Scalar]
  var position = 0

  init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

  var atEnd: Bool { position == scalars.count }

  /// What follows the cursor, as text.
  var rest: String {
    var text = ""
    text.unicodeScalars.append(contentsOf: scalars[position...])
    return text
  }

  /// Steps over `scalar` if it is next.
  mutating func take(_ scalar: Unicode.Scalar) -> Bool {
    guard position < scalars.count, scalars[position] == scalar else { return false }
    position += 1
    return true
  }

  /// A base-36 number (lower-case digits only).
  mutating func number(what: String) throws(ChangesetError) -> Int {
    let start = position
    var value = 0
    while position < scalars.count, let digit = Self.digit(scalars[position]) {
      let (product, overflow) = value.multipliedReportingOverflow(by: 36)
      guard !overflow, product <= Int.max - digit else { throw .malformed(offset: start, reason: "\(what) is too large") }
      value = product + digit
      position += 1
    }
    guard position > start else { throw .malformed(offset: start, reason: "expected \(what) in base 36") }
    return value
  }

  /// One op: attributes, optional line count, opcode, characters.
  mutating func operation() throws(ChangesetError) -> ChangesetOperation {
    var attributes: [Int] = []
    while take("*") { attributes.append(try number(what: "an attribute number")) }
    let lines = take("|") ? try number(what: "a line count") : 0
    guard position < scalars.count, let kind = ChangesetOperation.Kind(rawValue: Character(scalars[position])) else {
      throw .malformed(offset: position, reason: "expected an opcode (=, - or +)")
    }
    position += 1
    return ChangesetOperation(kind, characters: try number(what: "a character count"), lines: lines, attributes: attributes)
  }

  /// The value of a lower-case base-36 digit.
  static func digit(_ scalar: Unicode.Scalar) -> Int? {
    switch scalar.value {
    case 0x30...0x39: return Int(scalar.value - 0x30)
    case 0x61...0x7A: return Int(scalar.value - 0x61 + 10)
    default: return nil
    }
  }
}
