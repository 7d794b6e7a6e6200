/// Why an edit of a note could not be made.
public enum NoteEditError: PushnoteError, Equatable {
  /// No checklist item matches the text; `candidates` lists the items as `line: text`.
  case noMatchingItem(query: String, candidates: [String])
  /// More than one item matches the text; `candidates` lists them as `line: text`.
  case ambiguousItem(query: String, candidates: [String])
  /// The item at this line is done by strike-through and has no box to tick.
  case noBox(line: Int)
  /// A time given with `--at` could not be read.
  case unreadableTime(String)

  public var exitStatus: ExitStatus {
    switch self {
    case .noMatchingItem, .ambiguousItem, .unreadableTime: return .usage
    case .noBox: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .noMatchingItem(let query, let candidates):
      return "no checklist item matches '\(query)'" + Self.list(candidates)
    case .ambiguousItem(let query, let candidates):
      return "'\(query)' matches \(candidates.count) items; say which" + Self.list(candidates)
    case .noBox(let line): return "the item on line \(line) has no [ ] box to change"
    case .unreadableTime(let text): return "cannot read the time '\(text)' (try 11:02, 9:17am, 17:33 UTC or 2026-12-01 11:02 PST)"
    }
  }

  private static func list(_ candidates: [String]) -> String {
    candidates.isEmpty ? "" : ":\n" + candidates.map { "  \($0)" }.joined(separator: "\n")
  }
}
