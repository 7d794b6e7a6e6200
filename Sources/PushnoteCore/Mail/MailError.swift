/// Why the announcement or the hand-over could not be rendered or sent.
public enum MailError: PushnoteError, Equatable {
  /// The push is not finished or not signed off; `missing` lists what is, one entry each.
  case gateNotMet(missing: [String])
  /// The note already records a sent mail (`recorded` is the header line); `--again` sends anyway.
  case alreadySent(recorded: String)
  /// An address in `pushnote.yml` (or git's user) is not a usable mail address.
  case invalidAddress(field: String, value: String, reason: String)
  /// The message has nobody to go to (`mail.to` is empty, or the hand-over's recipient has no address).
  case noRecipients(String)
  /// A template could not be found in any of the folders searched.
  case templateNotFound(name: String, searched: [String])
  /// A template (or the subject pattern) is not valid Mustache.
  case template(path: String, line: Int, column: Int, message: String)
  /// The transport setting or the sendmail program is unusable.
  case transportConfiguration(String)
  /// The hand-over has no next release manager (no rotation in `pushnote.yml`).
  case noRotation
  /// Next week's duty calendar could not be made for the hand-over.
  case calendar(String)
  /// TLS with the SMTP server failed (handshake, certificate), or a server elsewhere does not offer
  /// STARTTLS and the message would cross the network in plain text; nothing was sent.
  case tls(host: String, reason: String)
  /// The server rejected the credentials from `PUSHNOTE_SMTP_USER` and `PUSHNOTE_SMTP_PASSWORD`.
  case authenticationRejected(reply: String)
  /// Sending failed: the program or the server refused, timed out or could not be reached.
  case sendFailed(String)

  public var exitStatus: ExitStatus {
    switch self {
    case .gateNotMet, .alreadySent, .template: return .dataError
    case .invalidAddress, .noRecipients, .templateNotFound, .transportConfiguration, .noRotation, .calendar: return .configuration
    case .tls: return .unavailable
    case .authenticationRejected: return .permission
    case .sendFailed: return .temporaryFailure
    }
  }

  public var description: String {
    switch self {
    case .gateNotMet(let missing):
      return "the push is not ready to announce (use --force to render anyway):\n" + missing.map { "  - \($0)" }.joined(separator: "\n")
    case .alreadySent(let recorded):
      return "the note records that this mail was sent (\(recorded)); use --again to send it once more"
    case .invalidAddress(let field, let value, let reason): return "\(field): '\(value)' is not a mail address (\(reason))"
    case .noRecipients(let why): return "nobody to send the mail to: \(why)"
    case .templateNotFound(let name, let searched):
      return "template \(name) not found; looked in: " + searched.joined(separator: ", ")
    case .template(let path, let line, let column, let message): return "\(path):\(line):\(column): error: \(message)"
    case .transportConfiguration(let message): return "mail transport: \(message)"
    case .noRotation: return "no next release manager: pushnote.yml has no rotation"
    case .calendar(let message): return "cannot attach next week's duty calendar: \(message)"
    case .tls(let host, let reason): return "SMTP server \(host): \(reason); nothing was sent"
    case .authenticationRejected(let reply): return "the SMTP server rejected the credentials: \(reply)"
    case .sendFailed(let message): return "sending failed, the note is unchanged (try again later): \(message)"
    }
  }
}
