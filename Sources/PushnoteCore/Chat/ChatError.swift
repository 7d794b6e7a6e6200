/// Why a chat message could not be posted, or the chat configuration cannot be used.
///
/// Destinations are named by ``ChatDestination/description``, which never holds a secret.
public enum ChatError: PushnoteError, Equatable {
  /// The server could not be reached (refused, unreachable, timed out, dropped): the message stays
  /// queued and goes out with the next command that reaches it.
  case unreachable(destination: String, reason: String)
  /// The server answered but refused the message (not in the channel, room unknown, bad payload).
  case refused(destination: String, reason: String)
  /// The server rejected the credentials (SASL failed, Matrix token unknown, Slack webhook revoked).
  case credentials(destination: String, reason: String)
  /// A secret the destination needs is not in the environment.
  case missingSecret(destination: String, variable: String)
  /// Every nick tried was taken (433).
  case nickInUse(destination: String, tried: [String])
  /// The queue under `.pushnote/chat/` could not be read or written.
  case queue(path: String, message: String)
  /// `pushnote say` was asked to post, but `pushnote.yml` names no chat destination.
  case noDestination(path: String)
  /// `--announce-in` is not a delay such as `10m`, `90s` or `1h`.
  case invalidDelay(String)
  /// `pushnote say` could not deliver everything; `count` messages wait in the queue.
  case queued(count: Int, reason: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .unreachable, .queued: return .temporaryFailure
    case .refused, .nickInUse: return .unavailable
    case .credentials: return .permission
    case .missingSecret, .noDestination: return .configuration
    case .invalidDelay: return .usage
    case .queue: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .unreachable(let destination, let reason): return "\(destination): cannot reach the server: \(reason)"
    case .refused(let destination, let reason): return "\(destination): refused: \(reason)"
    case .credentials(let destination, let reason): return "\(destination): credentials rejected: \(reason)"
    case .missingSecret(let destination, let variable): return "\(destination): set \(variable) in the environment"
    case .nickInUse(let destination, let tried): return "\(destination): every nick is taken (\(tried.joined(separator: ", ")))"
    case .queue(let path, let message): return "\(path): error: \(message)"
    case .noDestination(let path): return "\(path) has no chat: destinations; nothing to post to (see docs/chat.md)"
    case .invalidDelay(let text): return "'\(text)' is not a delay (10m, 90s, 1h)"
    case .queued(let count, let reason):
      return "\(count) chat message\(count == 1 ? "" : "s") queued (\(reason)); pushnote say --flush sends \(count == 1 ? "it" : "them")"
    }
  }
}
