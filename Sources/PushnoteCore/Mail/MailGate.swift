/// What must be true before the announcement goes out: the push finished (an `end` in the
/// timeline) and QA, Ops and the release manager signed off.
public enum MailGate {
  /// The sign-off roles the gate asks for, with how people call them.
  static let roles: [(role: String, label: String)] = [("qa", "QA"), ("ops", "Ops"), ("rm", "The release manager")]

  /// What is missing, one sentence each with the command that fixes it; empty when the gate is met.
  public static func missing(in note: Note) -> [String] {
    var missing: [String] = []
    if !note.timeline.contains(where: { $0.mark == .end }) {
      missing.append("the push has not ended: the timeline has no end (pushnote time end)")
    }
    for (role, label) in roles where !note.signoffs.contains(where: { $0.role == role && $0.done }) {
      missing.append("\(label) has not signed off (pushnote sign \(role))")
    }
    return missing
  }
}
