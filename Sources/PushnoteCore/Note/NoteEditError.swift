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
  /// The role has signed off already (`existing` is what the note says); `--again` replaces it.
  case alreadySignedOff(role: String, line: Int, existing: String)
  /// The sign-off's time is on a day before the push; `--before-push-day` records it anyway.
  case signoffBeforePushDay(time: String, pushDate: PushDate)
  /// Ticking this sign-off item would record a sign-off without a name and a time; `pushnote sign` writes both.
  case incompleteSignoff(role: String, line: Int)

  public var exitStatus: ExitStatus {
    switch self {
    case .noMatchingItem, .ambiguousItem, .unreadableTime: return .usage
    case .noBox, .alreadySignedOff, .signoffBeforePushDay, .incompleteSignoff: return .dataError
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
    case .alreadySignedOff(let role, let line, let existing):
      return "\(role) has signed off already on line \(line) (\(existing)); use --again to replace it"
    case .signoffBeforePushDay(let time, let date):
      return "the sign-off time \(time) is before the push day \(date.iso); give --at with the time, or --before-push-day to record it"
    case .incompleteSignoff(let role, let line):
      return "the \(role) sign-off on line \(line) has no name or time; record it with: pushnote sign \(role.lowercased())"
    }
  }

  private static func list(_ candidates: [String]) -> String {
    candidates.isEmpty ? "" : ":\n" + candidates.map { "  \($0)" }.joined(separator: "\n")
  }
}
