/// Why the notebook, its configuration or a note in it could not be used.
public enum NotebookError: PushnoteError, Equatable {
  /// `pushnote.yml` has a syntax error, an unknown key, a wrong type or a bad value at line:column.
  case configuration(path: String, line: Int, column: Int, message: String)
  /// No notebook was found: neither `--notebook`, `PUSHNOTE_NOTEBOOK`, a `pushnote.yml` upward from
  /// the working directory, nor `./notebook`.
  case notebookNotFound(searchedFrom: String)
  /// A NOTE argument names no note (a date without a note, a missing file).
  case noteNotFound(argument: String)
  /// The date given is not a date, or still a template placeholder such as `YYYY-MM-DD`.
  case invalidDate(String)
  /// The date is not the notebook's push weekday; `--force` allows it.
  case notPushDay(PushDate, pushWeekday: Weekday)
  /// A note already exists where a new one would be written; it is never overwritten.
  case noteExists(path: String)
  /// A file could not be read or written.
  case fileSystem(path: String, message: String)
  /// A template is missing or does not render.
  case template(path: String, message: String)
  /// The note changed on disk while pushnote was working on it; nothing was written.
  case changedOnDisk(path: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .configuration, .notebookNotFound, .template: return .configuration
    case .noteNotFound, .invalidDate, .notPushDay: return .usage
    case .noteExists, .fileSystem, .changedOnDisk: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .configuration(let path, let line, let column, let message):
      return "\(path):\(line):\(column): error: \(message)"
    case .notebookNotFound(let directory):
      return "no notebook: no pushnote.yml in \(directory) or above it, and no ./notebook (use --notebook DIR or pushnote init)"
    case .noteNotFound(let argument): return "no note for '\(argument)'"
    case .invalidDate(let text): return "'\(text)' is not a date (YYYY-MM-DD)"
    case .notPushDay(let date, let weekday):
      return "\(date) is a \(date.weekday.name), not a push day (\(weekday.name)); use --force to allow it"
    case .noteExists(let path): return "\(path) already exists; it is never overwritten"
    case .fileSystem(let path, let message): return "\(path): error: \(message)"
    case .template(let path, let message): return "\(path): error: template: \(message)"
    case .changedOnDisk(let path): return "\(path) changed on disk while pushnote worked on it; nothing was written, run the command again"
    }
  }
}
