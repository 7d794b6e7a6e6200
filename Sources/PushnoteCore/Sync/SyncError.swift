/// Why a sync stopped.
///
/// Nothing is lost in any case: the file, the pad and the base are each
/// either untouched or in a state the next sync converges from.
public enum SyncError: PushnoteError, Equatable {
  /// No pad server is configured, the URL is unusable, or the credentials are misplaced.
  case configuration(String)
  /// The server could not be reached (refused, unknown host, connection lost).
  case unreachable(server: String, function: String, cause: String)
  /// The server did not answer within the deadline.
  case timeout(server: String, function: String, seconds: Double)
  /// The server failed: HTTP 5xx, 429, or `code 2`, after the retries a read gets.
  case serverFailure(server: String, function: String, detail: String)
  /// The answer was not the JSON envelope the API promises (truncated, HTML, no code).
  case malformedResponse(server: String, function: String, detail: String)
  /// The credentials were rejected (HTTP 401/403 or `code 4`).
  case unauthorized(server: String, message: String)
  /// The server refused the call's parameters (`code 1`) or does not know the function (`code 3`).
  case rejected(server: String, function: String, message: String)
  /// The pad does not exist on the server.
  case padMissing(server: String)
  /// The sync refused to go on without a flag saying so (a vanished, wiped or rewound pad).
  case refused(String)
  /// The note or the pad text is not valid UTF-8 or holds NUL bytes; `offset` is the byte offset.
  case invalidText(source: String, offset: Int)
  /// Another sync holds the notebook's lock.
  case locked(path: String, holder: String)
  /// The note changed on disk while the sync ran; it was not overwritten.
  case changedDuringSync(path: String)
  /// Colleagues kept editing the pad between every read and write; the merged file is kept.
  case raceLost(attempts: Int)
  /// git's index lock exists: a git process is running, or one was killed.
  case gitLocked(path: String)
  /// git failed (commit, pull or push), with what it said.
  case git(String, status: ExitStatus)
  /// A file of the sync could not be read or written.
  case fileSystem(path: String, message: String)
  /// Pulling the notebook's git remote met a conflict (the colleague's commits and the local
  /// commits or edits change the same lines); everything was put back as it was, nothing synced.
  case remoteConflict(remote: String, branch: String, files: [String], gitOutput: String)
  /// The pad's realtime socket stopped the sync (a disconnect reason, denied access, no answer).
  case realtime(RealtimeError)

  /// The API functions that change the pad: an answer lost to them leaves the pad unknown.
  static let writes: Set<String> = ["setText", "createPad", "appendText"]

  public var exitStatus: ExitStatus {
    switch self {
    case .configuration: return .configuration
    case .unreachable, .timeout, .serverFailure, .malformedResponse, .locked, .changedDuringSync, .raceLost:
      return .temporaryFailure
    case .unauthorized: return .permission
    case .rejected, .padMissing, .refused, .gitLocked, .remoteConflict: return .unavailable
    case .invalidText, .fileSystem: return .dataError
    case .git(_, let status): return status
    case .realtime(let error): return error.exitStatus
    }
  }

  public var description: String {
    switch self {
    case .configuration(let message): return message
    case .unreachable(let server, let function, let cause):
      return "cannot reach the pad server \(server) (\(function)): \(cause); nothing was lost, sync again later"
        + (Self.writes.contains(function) ? " (the pad may or may not hold the new text; the next sync finds out)" : "")
    case .timeout(let server, let function, let seconds):
      return "the pad server \(server) did not answer \(function) within \(Int(seconds)) s; nothing was lost, sync again later"
    case .serverFailure(let server, let function, let detail):
      return "the pad server \(server) failed on \(function): \(detail); nothing was lost, sync again later"
    case .malformedResponse(let server, let function, let detail):
      let outcome =
        Self.writes.contains(function)
        ? "the pad may or may not hold the new text; the merged file is kept and nothing was lost, sync again"
        : "nothing was lost, sync again"
      return "the pad server \(server) gave an unreadable answer to \(function): \(detail); \(outcome)"
    case .unauthorized(let server, let message):
      return "the pad server \(server) rejected the credentials" + (message.isEmpty ? "" : " (\(message))")
        + "; check PUSHNOTE_PAD_APIKEY or PUSHNOTE_PAD_CLIENT_ID/SECRET"
    case .rejected(let server, let function, let message):
      return "the pad server \(server) refused \(function): \(message)"
    case .padMissing(let server): return "the pad does not exist on \(server)"
    case .refused(let message): return message
    case .invalidText(let source, let offset): return "\(source): invalid UTF-8 or a NUL byte at byte offset \(offset); nothing was pushed"
    case .locked(let path, let holder):
      return "another sync is running on this notebook (lock \(path), held by \(holder)); try again when it ends"
    case .changedDuringSync(let path):
      return "\(path) changed on disk during the sync and was not overwritten; the pad holds the merge, sync again"
    case .raceLost(let attempts):
      return "the pad kept changing during \(attempts) attempts; the merged file is kept and committed, sync again"
    case .gitLocked(let path):
      return "git's lock \(path) exists: if no git process is running (check with `ps`), remove it and sync again"
    case .git(let message, _): return message
    case .fileSystem(let path, let message): return "\(path): \(message)"
    case .remoteConflict(let remote, let branch, let files, let gitOutput):
      let what = files.isEmpty ? "git could not rebase onto it:\n\(gitOutput)" : "both changed \(files.joined(separator: ", "))."
      return "pulling \(branch) from the notebook's git remote \(remote) conflicts: \(what) "
        + "Nothing was synced and nothing was changed: your edits and commits are as they were. "
        + "Resolve it with git, then sync again: commit your edits (git commit -a), "
        + "git pull --rebase \(remote) \(branch), fix the conflicts, git add the files, git rebase --continue."
    case .realtime(let error): return error.description
    }
  }
}
