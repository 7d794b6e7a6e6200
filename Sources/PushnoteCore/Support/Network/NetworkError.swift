/// Why a TCP (or TLS) connection could not be made or broke; each client maps it into its own
/// area's error with the server's name.
public enum NetworkError: PushnoteError, Equatable {
  /// The host name did not resolve.
  case cannotResolve(host: String, reason: String)
  /// No address of the host accepted the connection within the deadline.
  case cannotConnect(host: String, port: Int, reason: String)
  /// The TLS handshake failed, or the server's certificate or name was not trusted.
  case tls(host: String, reason: String)
  /// Nothing (or not all that was awaited) arrived within the deadline.
  case timedOut(seconds: Double)
  /// The peer closed the connection (or reset it) before what was awaited arrived.
  case closed
  /// Reading or writing failed for another reason; `reason` is the system's or OpenSSL's word.
  case io(reason: String)
  /// The peer sent a line longer than the reader accepts.
  case lineTooLong(limit: Int)

  public var exitStatus: ExitStatus {
    switch self {
    case .cannotResolve, .cannotConnect, .timedOut, .closed, .io: return .temporaryFailure
    case .tls: return .unavailable
    case .lineTooLong: return .unavailable
    }
  }

  public var description: String {
    switch self {
    case .cannotResolve(let host, let reason): return "cannot resolve \(host): \(reason)"
    case .cannotConnect(let host, let port, let reason): return "cannot connect to \(host):\(port): \(reason)"
    case .tls(let host, let reason): return "TLS with \(host): \(reason)"
    case .timedOut(let seconds): return "no answer within \(seconds.formatted(.number.precision(.fractionLength(0...1)))) s"
    case .closed: return "the server closed the connection"
    case .io(let reason): return "the connection failed: \(reason)"
    case .lineTooLong(let limit): return "the server sent a line longer than \(limit) bytes"
    }
  }
}
