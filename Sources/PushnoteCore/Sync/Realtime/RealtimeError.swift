/// Why the realtime pad socket stopped.
///
/// Nothing is lost in any case: a change the server refused
/// was not stored, and one that was stored shows up in the text the next connection reads.
public enum RealtimeError: PushnoteError, Equatable {
  /// The socket could not be opened or broke (refused upgrade, TLS, network, protocol).
  case socket(WebSocketError)
  /// The server answered `{"accessStatus":"deny"}`: the token, session or credentials do not
  /// give access to the pad.
  case accessDenied(padID: String)
  /// The pad is read-only for this connection (a read-only id, or the server said so).
  case readOnly(padID: String)
  /// The server refused pushnote's changeset (`badChangeset`); nothing was stored.
  case badChangeset(padID: String)
  /// The pad was deleted while connected (`deleted`).
  case deleted(padID: String)
  /// Another socket with the same author joined the pad (`userdup`): another pushnote runs with
  /// this author token.
  case duplicateAuthor(padID: String)
  /// The server's commit rate limit was hit (`rateLimited`), after backing off.
  case rateLimited(padID: String)
  /// Another disconnect reason the server gave (`rejected`, `corruptPad`, `updateInProgress`, …).
  case disconnected(padID: String, reason: String)
  /// A message was error-acknowledged (`{name, message}`).
  case refusedMessage(padID: String, message: String)
  /// No ACCEPT_COMMIT (or CLIENT_VARS) within the deadline (the browser's `slowcommit`).
  case noAnswer(padID: String, waitingFor: String, seconds: Double)
  /// A server message was not what the protocol promises.
  case malformed(padID: String, detail: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .socket(let error): return error.exitStatus
    case .accessDenied: return .permission
    case .readOnly, .badChangeset, .deleted, .disconnected, .refusedMessage, .malformed: return .unavailable
    case .duplicateAuthor, .rateLimited, .noAnswer: return .temporaryFailure
    }
  }

  public var description: String {
    switch self {
    case .socket(let error): return "the pad's realtime socket failed: \(error)"
    case .accessDenied(let padID):
      return "the pad server denied access to \(padID) over its socket (check PUSHNOTE_PAD_USER/PUSHNOTE_PAD_PASSWORD or the session)"
    case .readOnly(let padID): return "the pad \(padID) is read-only for pushnote"
    case .badChangeset(let padID):
      return "the pad server refused pushnote's change to \(padID) (badChangeset); nothing was stored, sync again"
    case .deleted(let padID): return "the pad \(padID) was deleted during the sync; nothing was written to it"
    case .duplicateAuthor(let padID):
      return "another pushnote with the same author joined \(padID) and this one was disconnected (userdup); run one sync at a time"
    case .rateLimited(let padID):
      return "the pad server rate-limited pushnote's messages on \(padID); nothing was lost, sync again in a few seconds"
    case .disconnected(let padID, let reason): return "the pad server disconnected pushnote from \(padID): \(reason); nothing was lost"
    case .refusedMessage(let padID, let message): return "the pad server refused a message on \(padID): \(message)"
    case .noAnswer(let padID, let waitingFor, let seconds):
      return "the pad server sent no \(waitingFor) for \(padID) within \(Int(seconds)) s; nothing was lost, sync again"
    case .malformed(let padID, let detail): return "the pad server sent an unreadable message on \(padID): \(detail)"
    }
  }

  /// The error for a `{"disconnect": reason}` message.
  static func disconnect(_ reason: String, padID: String) -> RealtimeError {
    switch reason {
    case "badChangeset": return .badChangeset(padID: padID)
    case "deleted": return .deleted(padID: padID)
    case "userdup": return .duplicateAuthor(padID: padID)
    case "rateLimited": return .rateLimited(padID: padID)
    default: return .disconnected(padID: padID, reason: reason)
    }
  }
}
