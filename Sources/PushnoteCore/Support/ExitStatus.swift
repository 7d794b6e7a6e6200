/// The process exit status a failure maps to, following sysexits.h as DESIGN.md fixes it.
///
/// The core never exits; each error says which status it stands for and the command line uses it.
public enum ExitStatus: Int32, Sendable, Codable {
  /// Everything worked.
  case ok = 0
  /// A sync left conflict blocks in the file, or a stage job failed.
  case conflicts = 1
  /// The command line was wrong (EX_USAGE).
  case usage = 64
  /// Bad input: invalid UTF-8, lint errors, a gate not met (EX_DATAERR).
  case dataError = 65
  /// A service refused or a pad is missing (EX_UNAVAILABLE).
  case unavailable = 69
  /// A temporary failure: unreachable, timed out, 5xx after retries; try again later (EX_TEMPFAIL).
  case temporaryFailure = 75
  /// Credentials were rejected (EX_NOPERM).
  case permission = 77
  /// The configuration is wrong (EX_CONFIG).
  case configuration = 78
}

/// An error of pushnote's core: it has a message for people and the exit status it maps to.
public protocol PushnoteError: Error, CustomStringConvertible, Sendable {
  /// The exit status the command line ends with when this error stops it.
  var exitStatus: ExitStatus { get }
}
