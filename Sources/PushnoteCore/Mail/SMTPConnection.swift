import Foundation

/// One SMTP session's connection: command lines out, replies parsed (`250-...` continues,
/// `250 ...` ends), over a ``TCPConnection`` whose errors become ``MailError``s.
final class SMTPConnection {
  /// A server reply: its code and its text lines.
  struct Reply: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit code.
    var code: Int
    /// The text of each line after the code.
    var lines: [String]

    var description: String { "\(code) " + lines.joined(separator: " / ") }
  }

  private let connection: TCPConnection

  /// Whether the peer's address is a loopback address (127.0.0.0/8 or ::1).
  var peerIsLoopback: Bool { connection.peerIsLoopback }
  /// Whether the connection is encrypted.
  var isEncrypted: Bool { connection.isEncrypted }

  /// Connects to `host:port`, trying each address the name resolves to.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` when no address answers within `timeout`.
  init(host: String, port: Int, timeout: TimeInterval) throws(MailError) {
    do {
      connection = try TCPConnection(host: host, port: port, timeout: timeout)
    } catch {
      throw Self.mailError(error)
    }
  }

  /// Starts TLS (after the server's 220 to STARTTLS, or at once for `smtps://`).
  ///
  /// - Throws: ``MailError/tls(host:reason:)`` when the handshake or the certificate check fails.
  func startTLS(host: String, caFile: String?) throws(MailError) {
    do { try connection.startTLS(host: host, caFile: caFile) } catch { throw Self.mailError(error) }
  }

  /// Sends bytes, all of them.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` when the connection breaks.
  func write(_ bytes: [UInt8]) throws(MailError) {
    do { try connection.write(bytes) } catch { throw Self.mailError(error) }
  }

  /// Sends one command line (CRLF added).
  func command(_ line: String) throws(MailError) { try write(Array((line + "\r\n").utf8)) }

  /// Reads one reply, all its lines.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` on a timeout, a closed connection or a malformed line.
  func readReply() throws(MailError) -> Reply {
    var lines: [String] = []
    while true {
      let bytes: [UInt8]
      do { bytes = try connection.readLine() } catch { throw Self.mailError(error) }
      let line = String(decoding: bytes, as: UTF8.self)
      guard bytes.count >= 3, let code = Int(String(line.prefix(3))), bytes.count == 3 || bytes[3] == 0x20 || bytes[3] == 0x2D else {
        throw .sendFailed("the SMTP server sent a malformed reply: \(line.prefix(80))")
      }
      lines.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
      if bytes.count == 3 || bytes[3] == 0x20 { return Reply(code: code, lines: lines) }
    }
  }

  /// The mail error a connection failure is, worded for the SMTP server.
  private static func mailError(_ error: NetworkError) -> MailError {
    switch error {
    case .tls(let host, let reason): return .tls(host: host, reason: reason)
    case .cannotResolve(let host, let reason): return .sendFailed("cannot resolve SMTP host \(host): \(reason)")
    case .cannotConnect(let host, let port, let reason): return .sendFailed("cannot connect to SMTP server \(host):\(port): \(reason)")
    case .timedOut(let seconds): return .sendFailed("the SMTP server did not answer within \(Int(seconds)) s")
    case .closed: return .sendFailed("the SMTP server closed the connection")
    case .lineTooLong(let limit): return .sendFailed("the SMTP server sent a line longer than \(limit / 1024) KiB")
    case .io(let reason): return .sendFailed("writing to the SMTP server: \(reason)")
    }
  }
}
