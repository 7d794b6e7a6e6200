/// An Etherpad changeset: how a text of `oldLength` becomes a text of `newLength`.
///
/// Lengths and op sizes count UTF-16 code units, as JavaScript strings do. The ops run over the
/// old text from its start; what follows the last op is kept. Inserted characters come from
/// `charBank` in order. A changeset made by ``ChangesetAssembler`` (and so by every operation of
/// this module) is in the canonical form Etherpad's `checkRep` compares byte for byte.
public struct Changeset: Sendable, Hashable {
  /// The length of the text the changeset applies to.
  public var oldLength: Int
  /// The length of the text it makes.
  public var newLength: Int
  /// The ops, in order over the old text.
  public var operations: [ChangesetOperation]
  /// The inserted characters, all `+` ops' text in order.
  public var charBank: String

  /// A changeset from its parts, as given (``validated()`` checks them).
  public init(oldLength: Int, newLength: Int, operations: [ChangesetOperation], charBank: String) {
    self.oldLength = oldLength
    self.newLength = newLength
    self.operations = operations
    self.charBank = charBank
  }

  /// The changeset that keeps a text of `length` as it is (`Z:<length>>0$`).
  public static func identity(length: Int) -> Changeset {
    Changeset(oldLength: length, newLength: length, operations: [], charBank: "")
  }

  /// Whether the changeset changes neither text nor attributes.
  public var isIdentity: Bool {
    oldLength == newLength && operations.allSatisfy { $0.kind == .keep && $0.attributes.isEmpty }
  }
}

/// One op of a changeset: keep, remove or insert `characters` UTF-16 code units, `lines` of them
/// newlines, with attribute numbers of a pool (`*n`).
public struct ChangesetOperation: Sendable, Hashable {
  /// What an op does with its characters.
  public enum Kind: Character, Sendable {
    /// `=`: keep old characters (setting the attributes given, if any).
    case keep = "="
    /// `-`: remove old characters.
    case remove = "-"
    /// `+`: insert characters from the bank.
    case insert = "+"
  }

  /// What the op does.
  public var kind: Kind
  /// How many UTF-16 code units it covers.
  public var characters: Int
  /// How many of them are newlines (`|L`).
  public var lines: Int
  /// The attribute numbers (`*n`), in the order written.
  public var attributes: [Int]

  /// An op from its parts.
  public init(_ kind: Kind, characters: Int, lines: Int = 0, attributes: [Int] = []) {
    self.kind = kind
    self.characters = characters
    self.lines = lines
    self.attributes = attributes
  }
}
