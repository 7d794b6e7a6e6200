/// Why a git command failed.
public enum GitError: PushnoteError, Equatable {
  /// git could not be started (not installed, or not on the PATH).
  case notAvailable(message: String)
  /// git ran and exited non-zero; `stderr` is what it said, `arguments` what it was asked.
  case failed(arguments: [String], status: Int32, stderr: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .notAvailable: return .unavailable
    case .failed(_, _, let stderr):
      let lowered = stderr.lowercased()
      if lowered.contains("could not read from remote") || lowered.contains("unable to access")
        || lowered.contains("could not resolve host") || lowered.contains("connection")
      {
        return .temporaryFailure
      }
      if lowered.contains("permission denied") || lowered.contains("authentication failed") { return .permission }
      return .dataError
    }
  }

  public var description: String {
    switch self {
    case .notAvailable(let message): return "git is not available: \(message)"
    case .failed(let arguments, let status, let stderr):
      let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      return "git \(arguments.prefix(2).joined(separator: " ")) failed (exit \(status))" + (said.isEmpty ? "" : ": \(said)")
    }
  }
}
