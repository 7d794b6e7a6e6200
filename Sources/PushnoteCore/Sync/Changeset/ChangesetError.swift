/// Why a changeset was refused: it is not in Etherpad's wire format, not in canonical form, or does
/// not fit the text or pool it was given.
public enum ChangesetError: PushnoteError, Equatable {
  /// The text is not `Z:<oldLen><op><delta><ops>$<bank>`; `offset` counts characters of the
  /// changeset text from 0.
  case malformed(offset: Int, reason: String)
  /// The changeset parses but is not what Etherpad's `checkRep` accepts (ops not merged, `-` after
  /// `+`, a trailing plain `=`, a multi-line op not ending at its last newline, lengths or bank
  /// that do not add up).
  case notCanonical(reason: String)
  /// The changeset does not apply to the text (or changeset) it was given: its old length, or the
  /// newlines its `|L` ops claim, differ.
  case doesNotApply(reason: String)
  /// An op names an attribute number the pool does not hold.
  case unknownAttribute(number: Int)

  public var exitStatus: ExitStatus { .unavailable }

  public var description: String {
    switch self {
    case .malformed(let offset, let reason): return "malformed changeset at character \(offset): \(reason)"
    case .notCanonical(let reason): return "changeset not in canonical form: \(reason)"
    case .doesNotApply(let reason): return "changeset does not apply: \(reason)"
    case .unknownAttribute(let number): return "changeset names attribute *\(String(number, radix: 36)), which the pool does not hold"
    }
  }
}
