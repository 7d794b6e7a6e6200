internal import COpenSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection over POSIX sockets, optionally under TLS (OpenSSL): the one socket and TLS
/// code that every client of pushnote's (SMTP, IRC, the pad's realtime socket) speaks through.
///
/// Writes are blocking and whole; reads wait at most `timeout` seconds (each call), and bytes that
/// arrived beyond what a read returns stay buffered for the next one. TLS is 1.2 at least and
/// checks the server's certificate and its name or address. Writes never raise SIGPIPE.
///
/// Not thread-safe: one task at a time reads, and one writes (a reader and a writer may run on
/// two threads over plain TCP; under TLS, callers serialise them).
public final class TCPConnection {
  private let descriptor: Int32
  private var buffer: [UInt8] = []
  /// How many bytes at the front of `buffer` were already handed out.
  private var consumed = 0
  /// The OpenSSL context and session (`SSL_CTX *`, `SSL *`) once TLS has started.
  private var tlsContext: OpaquePointer?
  private var tls: OpaquePointer?
  /// Seconds each read waits at most.
  public var timeout: TimeInterval
  /// The host as given (for messages).
  public let host: String
  /// The port.
  public let port: Int
  /// Whether the peer's address is a loopback address (127.0.0.0/8 or ::1).
  public let peerIsLoopback: Bool

  /// Connects to `host:port`, trying each address the name resolves to, each within `timeout`.
  ///
  /// - Throws: ``NetworkError/cannotResolve(host:reason:)`` or
  ///   ``NetworkError/cannotConnect(host:port:reason:)``.
  public init(host: String, port: Int, timeout: TimeInterval) throws(NetworkError) {
    self.host = host
    self.port = port
    self.timeout = timeout
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, String(port), &hints, &list)
    guard status == 0, let first = list else {
      throw .cannotResolve(host: host, reason: String(cString: gai_strerror(status)))
    }
    defer { freeaddrinfo(list) }
    var lastError = "no address"
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let current = entry {
      entry = current.pointee.ai_next
      let type = current.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue)
      let socketDescriptor = socket(current.pointee.ai_family, type, current.pointee.ai_protocol)
      guard socketDescriptor >= 0 else { continue }
      if Self.connect(socketDescriptor, current.pointee.ai_addr, current.pointee.ai_addrlen, timeout: timeout) {
        descriptor = socketDescriptor
        peerIsLoopback = Self.isLoopback(current.pointee.ai_addr)
        return
      }
      lastError = String(cString: strerror(errno))
      close(socketDescriptor)
    }
    throw .cannotConnect(host: host, port: port, reason: lastError)
  }

  deinit {
    if let tls { pushnote_SSL_free(tls) }
    if let tlsContext { pushnote_SSL_CTX_free(tlsContext) }
    close(descriptor)
  }

  /// Whether the connection is encrypted.
  public var isEncrypted: Bool { tls != nil }

  /// Starts TLS on the connection (at once for `ircs://` or `smtps://`, after the server agreed
  /// for STARTTLS), TLS 1.2 at least, checking the server's certificate against `caFile` (else
  /// the system's trust store, which honours `SSL_CERT_FILE`) and its name or address against
  /// `host`.
  ///
  /// - Throws: ``NetworkError/tls(host:reason:)`` when the handshake or the check fails.
  public func startTLS(host: String, caFile: String?) throws(NetworkError) {
    func fail(_ reason: String) -> NetworkError { .tls(host: host, reason: reason) }
    guard consumed == buffer.count else { throw fail("the server sent data before the TLS handshake") }
    if let failure = pushnote_openssl_load() { throw fail(String(cString: failure)) }
    guard let context = pushnote_SSL_CTX_new(pushnote_TLS_client_method()) else { throw fail("OpenSSL: \(Self.openSSLError())") }
    tlsContext = context
    _ = pushnote_ssl_ctx_require_tls12(context)
    pushnote_SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
    if let caFile {
      guard pushnote_SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else { throw fail("cannot read the CA file \(caFile)") }
    } else {
      pushnote_SSL_CTX_set_default_verify_paths(context)
    }
    guard let session = pushnote_SSL_new(context) else { throw fail("OpenSSL: \(Self.openSSLError())") }
    tls = session
    pushnote_SSL_set_fd(session, descriptor)
    if Self.isIPAddress(host) {
      pushnote_X509_VERIFY_PARAM_set1_ip_asc(pushnote_SSL_get0_param(session), host)
    } else {
      _ = pushnote_ssl_set_server_name(session, host)
      pushnote_SSL_set1_host(session, host)
    }
    var limit = timeval(tv_sec: Int(timeout.rounded(.up)), tv_usec: 0)
    setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    guard pushnote_SSL_connect(session) == 1 else {
      let verification = pushnote_SSL_get_verify_result(session)
      let reason =
        verification != X509_V_OK
        ? "certificate not trusted: \(String(cString: pushnote_X509_verify_cert_error_string(verification)))"
        : "TLS handshake failed: \(Self.openSSLError())"
      throw fail(reason)
    }
  }

  /// Sends bytes, all of them.
  ///
  /// - Throws: ``NetworkError/io(reason:)`` (or ``NetworkError/closed``) when the connection breaks.
  public func write(_ bytes: [UInt8]) throws(NetworkError) {
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { buffer -> Int in
        let start = buffer.baseAddress.map { $0 + written }
        if let tls { return Int(pushnote_SSL_write(tls, start, Int32(min(buffer.count - written, 1 << 20)))) }
        return send(descriptor, start, buffer.count - written, Int32(MSG_NOSIGNAL))
      }
      if result <= 0 {
        if tls == nil, result < 0, errno == EINTR { continue }
        if tls == nil, errno == EPIPE || errno == ECONNRESET { throw .closed }
        throw .io(reason: tls == nil ? String(cString: strerror(errno)) : Self.openSSLError())
      }
      written += result
    }
  }

  /// Reads one line, up to LF; the LF and a CR before it are dropped.
  ///
  /// - Throws: ``NetworkError/timedOut(seconds:)``, ``NetworkError/closed``,
  ///   ``NetworkError/lineTooLong(limit:)`` past `limit` bytes.
  public func readLine(limit: Int = 64 << 10) throws(NetworkError) -> [UInt8] {
    let deadline = Date().addingTimeInterval(timeout)
    var searched = consumed
    while true {
      if let end = buffer[searched...].firstIndex(of: 0x0A) {
        var line = Array(buffer[consumed..<end])
        consumed = end + 1
        compact()
        if line.last == 0x0D { line.removeLast() }
        return line
      }
      searched = buffer.count
      guard buffer.count - consumed <= limit else { throw .lineTooLong(limit: limit) }
      try fill(until: deadline)
    }
  }

  /// Reads exactly `count` bytes.
  ///
  /// - Throws: ``NetworkError/timedOut(seconds:)`` or ``NetworkError/closed``.
  public func read(exactly count: Int) throws(NetworkError) -> [UInt8] {
    let deadline = Date().addingTimeInterval(timeout)
    while buffer.count - consumed < count { try fill(until: deadline) }
    let bytes = Array(buffer[consumed..<consumed + count])
    consumed += count
    compact()
    return bytes
  }

  /// Reads what is there: the buffered bytes, else what arrives first within `wait` seconds
  /// (`timeout` when nil); empty when nothing arrived in time.
  ///
  /// - Throws: ``NetworkError/closed`` when the peer closed the connection.
  public func readAvailable(wait: TimeInterval? = nil) throws(NetworkError) -> [UInt8] {
    if consumed == buffer.count {
      do {
        try fill(until: Date().addingTimeInterval(wait ?? timeout))
      } catch .timedOut {
        return []
      }
    }
    let bytes = Array(buffer[consumed...])
    buffer.removeAll(keepingCapacity: true)
    consumed = 0
    return bytes
  }

  /// Whether bytes or the end of the stream wait to be read, seen without waiting (a kept-alive
  /// connection that shows either is not fit for another request).
  public var hasInput: Bool {
    if consumed < buffer.count || tls.map({ pushnote_SSL_pending($0) > 0 }) == true { return true }
    var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&poller, 1, 0) != 0
  }

  /// Closes the sending side (TLS close-notify first), so the peer reads the end of the stream.
  public func shutdown() {
    if let tls { pushnote_SSL_shutdown(tls) }
    Glibc.shutdown(descriptor, Int32(SHUT_WR))
  }

  /// Drops the bytes handed out once they are most of the buffer.
  private func compact() {
    if consumed == buffer.count {
      buffer.removeAll(keepingCapacity: true)
      consumed = 0
    } else if consumed > 4096 && consumed * 2 > buffer.count {
      buffer.removeSubrange(..<consumed)
      consumed = 0
    }
  }

  /// Waits for bytes until `deadline` and appends what one read gives.
  private func fill(until deadline: Date) throws(NetworkError) {
    while true {
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { throw .timedOut(seconds: timeout) }
      // TLS may hold decrypted bytes the socket no longer shows.
      if tls.map({ pushnote_SSL_pending($0) == 0 }) ?? true {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, Int32((remaining * 1000).rounded(.up)))
        if ready < 0, errno == EINTR { continue }
        guard ready > 0 else { continue }
      }
      var chunk = [UInt8](repeating: 0, count: 16 << 10)
      let count = chunk.withUnsafeMutableBytes { bytes -> Int in
        if let tls { return Int(pushnote_SSL_read(tls, bytes.baseAddress, Int32(bytes.count))) }
        return recv(descriptor, bytes.baseAddress, bytes.count, 0)
      }
      if count < 0, tls == nil, errno == EINTR || errno == EAGAIN { continue }
      if count < 0, tls == nil, errno != ECONNRESET { throw .io(reason: String(cString: strerror(errno))) }
      guard count > 0 else { throw .closed }
      buffer += chunk[..<count]
      return
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
  public static func isIPAddress(_ text: String) -> Bool {
    var address = in6_addr()
    return inet_pton(AF_INET, text, &address) == 1 || inet_pton(AF_INET6, text, &address) == 1
  }

  /// OpenSSL's last error as text, the queue emptied.
  private static func openSSLError() -> String {
    var messages: [String] = []
    while case let code = pushnote_ERR_get_error(), code != 0 {
      var text = [CChar](repeating: 0, count: 256)
      pushnote_ERR_error_string_n(code, &text, text.count)
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
