/// Why the realtime socket (WebSocket, and the Engine.IO / Socket.IO framing over it) could not
/// be opened or broke.
public enum WebSocketError: PushnoteError, Equatable {
  /// The TCP or TLS connection failed.
  case network(NetworkError)
  /// The server answered the upgrade with another HTTP status (its body's start is kept, such as
  /// Engine.IO's `{"code":5,"message":"Unsupported protocol version"}`).
  case handshakeRefused(status: Int, body: String)
  /// The server's upgrade answer was not a valid WebSocket handshake (a missing or wrong
  /// `Sec-WebSocket-Accept`, no `Upgrade: websocket`).
  case badHandshake(String)
  /// The server broke the WebSocket, Engine.IO or Socket.IO protocol (a masked or reserved frame,
  /// a fragment out of order, invalid UTF-8, a packet that is not what the protocol promises).
  case protocolViolation(String)
  /// A message was longer than the limit; the connection was closed (code 1009).
  case messageTooLarge(limit: Int)
  /// The connection was closed, by the server (with its close code and reason) or by us.
  case closed(code: Int?, reason: String)

  public var exitStatus: ExitStatus {
    switch self {
    case .network(let error): return error.exitStatus
    case .closed: return .temporaryFailure
    case .handshakeRefused, .badHandshake, .protocolViolation, .messageTooLarge: return .unavailable
    }
  }

  public var description: String {
    switch self {
    case .network(let error): return error.description
    case .handshakeRefused(let status, let body):
      return "the server refused the WebSocket upgrade with HTTP \(status)" + (body.isEmpty ? "" : ": \(body)")
    case .badHandshake(let detail): return "the server's WebSocket handshake is invalid: \(detail)"
    case .protocolViolation(let detail): return "the server broke the socket protocol: \(detail)"
    case .messageTooLarge(let limit): return "the server sent a message longer than \(limit) bytes"
    case .closed(let code, let reason):
      return "the socket was closed" + (code.map { " (code \($0)\(reason.isEmpty ? "" : ": \(reason)"))" } ?? "")
    }
  }
}
