/// Why the rotation, the duty calendar or the stats could not be made.
public enum DutyError: PushnoteError, Equatable {
  /// The notebook has no rotation (`rotation:` missing or empty in `pushnote.yml`); the path when known.
  case noRotation(configPath: String?)
  /// A date given for a duty is not the notebook's push weekday.
  case notPushDay(PushDate, pushWeekday: Weekday)
  /// `--person` names nobody in the rotation or its swaps.
  case unknownPerson(String, known: [String])

  public var exitStatus: ExitStatus {
    switch self {
    case .noRotation: return .configuration
    case .notPushDay, .unknownPerson: return .usage
    }
  }

  public var description: String {
    switch self {
    case .noRotation(let path):
      return "\(path ?? Notebook.configFileName): error: no rotation; add `rotation: [name, ...]` (release managers in turn)"
    case .notPushDay(let date, let weekday):
      return "\(date) is a \(date.weekday.name), not a push day (\(weekday.name))"
    case .unknownPerson(let name, let known):
      return "'\(name)' is not in the rotation or its swaps (known: \(known.joined(separator: ", ")))"
    }
  }
}
