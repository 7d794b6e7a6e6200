/// Why a git command failed.
public enum GitError: PushnoteError, Equatable {
  /// git could not be started (not installed, or not on the PATH).
  case notAvailable(message: String)
  /// git ran and exited non-zero; `stderr` is what it said, `arguments` what it was asked.
  case failed(arguments: [String], status: Int32, stderr: String)
  /// git knows no name or no mail address to commit with (`git var GIT_AUTHOR_IDENT` fails).
  case noIdentity

  public var exitStatus: ExitStatus {
    switch self {
    case .notAvailable: return .unavailable
    case .noIdentity: return .configuration
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
    case .noIdentity:
      return """
        git does not know who you are, and pushnote commits as you; nothing was changed. Tell it with:
          git config --global user.name "Your Name"
          git config --global user.email you@example.org
        """
    case .failed(let arguments, let status, let stderr):
      let said = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      return "git \(arguments.prefix(2).joined(separator: " ")) failed (exit \(status))" + (said.isEmpty ? "" : ": \(said)")
    }
  }
}
