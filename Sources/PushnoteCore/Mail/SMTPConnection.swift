import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection to an SMTP server over POSIX sockets: blocking writes, line reads with a
/// deadline, replies parsed (`250-...` continues, `250 ...` ends).
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

  deinit { close(descriptor) }

  /// Sends bytes, all of them.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` when the connection breaks.
  func write(_ bytes: [UInt8]) throws(MailError) {
    var written = 0
    while written < bytes.count {
      let result = bytes.withUnsafeBytes { buffer in
        send(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written, Int32(MSG_NOSIGNAL))
      }
      if result < 0 {
        if errno == EINTR { continue }
        throw .sendFailed("writing to the SMTP server: \(String(cString: strerror(errno)))")
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
      var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      let ready = poll(&poller, 1, Int32(remaining * 1000))
      if ready < 0, errno == EINTR { continue }
      guard ready > 0 else { continue }
      var chunk = [UInt8](repeating: 0, count: 4096)
      let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
      if count < 0, errno == EINTR { continue }
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
