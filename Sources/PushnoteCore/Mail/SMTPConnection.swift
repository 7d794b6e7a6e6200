import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection to an SMTP server over POSIX sockets: blocking writes, line reads with a
/// deadline, replies parsed (`250-...` continues, `250 ...` ends), and TLS (OpenSSL) after STARTTLS.
final class SMTPConnection {
  /// A server reply: its code and its text lines.
  struct Reply: Sendable, Equatable, CustomStringConvertible {
    /// The three-digit code.
    var code: Int
    /// The text of each line after the code.
    var lines: [String]

    var description: String { "\(code) " + lines.joined(separator: " / ") }
  }

  private let descriptor: Int32
  private let timeout: TimeInterval
  private var buffer: [UInt8] = []
  /// The OpenSSL context and session (`SSL_CTX *`, `SSL *`) once TLS has started.
  private var tlsContext: OpaquePointer?
  private var tls: OpaquePointer?
  /// Whether the peer's address is a loopback address (127.0.0.0/8 or ::1).
  let peerIsLoopback: Bool

  /// Connects to `host:port`, trying each address the name resolves to.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` when no address answers within `timeout`.
  init(host: String, port: Int, timeout: TimeInterval) throws(MailError) {
    self.timeout = timeout
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw .sendFailed("cannot resolve SMTP host \(host): \(String(cString: gai_strerror(status)))")
    }
    defer { freeaddrinfo(list) }
    var lastError = "no address"
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let current = entry {
      entry = current.pointee.ai_next
      let socketDescriptor = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
      guard socketDescriptor >= 0 else { continue }
      if SMTPConnection.connect(socketDescriptor, current.pointee.ai_addr, current.pointee.ai_addrlen, timeout: timeout) {
        descriptor = socketDescriptor
        peerIsLoopback = SMTPConnection.isLoopback(current.pointee.ai_addr)
        return
      }
      lastError = String(cString: strerror(errno))
      close(socketDescriptor)
    }
    throw .sendFailed("cannot connect to SMTP server \(host):\(port): \(lastError)")
  }

  deinit {
    if let tls { SSL_free(tls) }
    if let tlsContext { SSL_CTX_free(tlsContext) }
    close(descriptor)
  }

  /// Whether the connection is encrypted.
  var isEncrypted: Bool { tls != nil }

  /// Starts TLS on the connection (after the server's 220 to STARTTLS), TLS 1.2 at least, checking
  /// the server's certificate against `caFile` (else the system's trust store, which honours
  /// `SSL_CERT_FILE`) and its name or address against `host`.
  ///
  /// - Throws: ``MailError/tls(host:reason:)`` when the handshake or the check fails.
  func startTLS(host: String, caFile: String?) throws(MailError) {
    func fail(_ reason: String) -> MailError { .tls(host: host, reason: reason) }
    guard buffer.isEmpty else { throw fail("the server sent data before the TLS handshake") }
    guard let context = SSL_CTX_new(TLS_client_method()) else { throw fail("OpenSSL: \(SMTPConnection.openSSLError())") }
    tlsContext = context
    _ = pushnote_ssl_ctx_require_tls12(context)
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
    if let caFile {
      guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else { throw fail("cannot read the CA file \(caFile)") }
    } else {
      SSL_CTX_set_default_verify_paths(context)
    }
    guard let session = SSL_new(context) else { throw fail("OpenSSL: \(SMTPConnection.openSSLError())") }
    tls = session
    SSL_set_fd(session, descriptor)
    if SMTPConnection.isIPAddress(host) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session), host)
    } else {
      _ = pushnote_ssl_set_server_name(session, host)
      SSL_set1_host(session, host)
    }
    var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    guard SSL_connect(session) == 1 else {
      let verification = SSL_get_verify_result(session)
      let reason =
        verification != X509_V_OK
        ? "certificate not trusted: \(String(cString: X509_verify_cert_error_string(verification)))"
        : "TLS handshake failed: \(SMTPConnection.openSSLError())"
      throw fail(reason)
    }
  }

  /// Sends bytes, all of them.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` when the connection breaks.
  func write(_ bytes: [UInt8]) throws(MailError) {
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { buffer -> Int in
        let start = buffer.baseAddress.map { $0 + written }
        if let tls { return Int(SSL_write(tls, start, Int32(min(buffer.count - written, 1 << 20)))) }
        return send(descriptor, start, buffer.count - written, Int32(MSG_NOSIGNAL))
      }
      if result <= 0 {
        if tls == nil, result < 0, errno == EINTR { continue }
        throw .sendFailed("writing to the SMTP server: \(tls == nil ? String(cString: strerror(errno)) : SMTPConnection.openSSLError())")
      }
      written += result
    }
  }

  /// Sends one command line (CRLF added).
  func command(_ line: String) throws(MailError) { try write(Array((line + "\r\n").utf8)) }

  /// Reads one reply, all its lines.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` on a timeout, a closed connection or a malformed line.
  func readReply() throws(MailError) -> Reply {
    var lines: [String] = []
    while true {
      let line = try readLine()
      let bytes = Array(line.utf8)
      guard bytes.count >= 3, let code = Int(String(line.prefix(3))), bytes.count == 3 || bytes[3] == 0x20 || bytes[3] == 0x2D else {
        throw .sendFailed("the SMTP server sent a malformed reply: \(line.prefix(80))")
      }
      lines.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
      if bytes.count == 3 || bytes[3] == 0x20 { return Reply(code: code, lines: lines) }
    }
  }

  private func readLine() throws(MailError) -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      if let end = buffer.firstIndex(of: 0x0A) {
        var line = Array(buffer[..<end])
        buffer.removeSubrange(...end)
        if line.last == 0x0D { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
      }
      guard buffer.count < 64 << 10 else { throw .sendFailed("the SMTP server sent a line longer than 64 KiB") }
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { throw .sendFailed("the SMTP server did not answer within \(Int(timeout)) s") }
      // TLS may hold decrypted bytes the socket no longer shows.
      if tls.map({ SSL_pending($0) == 0 }) ?? true {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32(remaining * 1000))
        if ready < 0, errno == EINTR { continue }
        guard ready > 0 else { continue }
      }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = chunk.withUnsafeMutableBytes { bytes -> Int in
        if let tls { return Int(SSL_read(tls, bytes.baseAddress, Int32(bytes.count))) }
        return recv(descriptor, bytes.baseAddress, bytes.count, 0)
      }
      if count < 0, tls == nil, errno == EINTR { continue }
      guard count > 0 else { throw .sendFailed("the SMTP server closed the connection") }
      buffer += chunk[..<count]
    }
  }

  /// Connects a socket within `timeout`: non-blocking connect, poll, then back to blocking.
  private static func connect(
    _ socket: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t, timeout: TimeInterval
  ) -> Bool {
    let flags = fcntl(socket, F_GETFL, 0)
    _ = fcntl(socket, F_SETFL, flags | O_NONBLOCK)
    defer { _ = fcntl(socket, F_SETFL, flags) }
    if Glibc.connect(socket, address, length) == 0 { return true }
    guard errno == EINPROGRESS else { return false }
    var poller = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
    guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else {
      errno = ETIMEDOUT
      return false
    }
    var error: Int32 = 0
    var size = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &size)
    errno = error
    return error == 0
  }

  /// Whether text is an IPv4 or IPv6 address rather than a name.
  static func isIPAddress(_ text: String) -> Bool {
    var address = in6_addr()
    return inet_pton(AF_INET, text, &address) == 1 || inet_pton(AF_INET6, text, &address) == 1
  }

  /// OpenSSL's last error as text, the queue emptied.
  private static func openSSLError() -> String {
    var messages: [String] = []
    while case let code = ERR_get_error(), code != 0 {
      var text = [CChar](repeating: 0, count: 256)
      ERR_error_string_n(code, &text, text.count)
      messages.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return messages.isEmpty ? "unknown error" : messages.joined(separator: "; ")
  }

  /// Whether an IPv4 or IPv6 address is a loopback address.
  private static func isLoopback(_ address: UnsafeMutablePointer<sockaddr>?) -> Bool {
    guard let address else { return false }
    switch Int32(address.pointee.sa_family) {
    case AF_INET:
      return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt32(bigEndian: $0.pointee.sin_addr.s_addr) >> 24 == 127 }
    case AF_INET6:
      return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
        withUnsafeBytes(of: pointer.pointee.sin6_addr) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
      }
    default: return false
    }
  }
}
