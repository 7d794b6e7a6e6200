import Foundation

/// A WebSocket client (RFC 6455) over ``TCPConnection``: the upgrade handshake with its
/// `Sec-WebSocket-Accept` check, masked client frames, fragmented messages, pings answered,
/// the close handshake, and a limit on message size.
///
/// It is written here rather than taken from Foundation or a package: `URLSessionWebSocketTask`
/// on Linux depends on how libcurl was built, and a SwiftNIO client would add a large dependency
/// to build and start; the realtime pad needs one text socket, which ``TCPConnection`` already
/// carries (TLS included).
///
/// Not thread-safe: one task at a time sends and receives.
public final class WebSocketClient {
  /// A message the server sent.
  public enum Message: Sendable, Equatable {
    /// A text message (valid UTF-8).
    case text(String)
    /// A binary message.
    case binary([UInt8])
  }

  private let connection: TCPConnection
  /// The longest message accepted, in bytes; a longer one closes the connection with 1009.
  public let maximumMessageSize: Int
  /// Bytes read but not yet taken into a frame.
  private var pending: [UInt8] = []
  /// Where the next frame starts in `pending`.
  private var start = 0
  /// The fragments of a message in progress and its opcode.
  private var fragments: [UInt8] = []
  private var fragmentOpcode: UInt8?
  /// Whether our close frame went out.
  private var closeSent = false
  /// When the server was last heard from (any frame).
  public private(set) var lastHeard = Date()

  /// Opens a WebSocket to `url` (`ws:`, `wss:`, `http:` or `https:`), sending `headers` with the
  /// upgrade request (cookies, for instance), within `timeout` for each step.
  ///
  /// - Parameters:
  ///   - caFile: the CA bundle to check a TLS server against (else the system's).
  ///   - maximumMessageSize: the longest message the server may send.
  /// - Throws: ``WebSocketError/network(_:)``, ``WebSocketError/handshakeRefused(status:body:)``,
  ///   ``WebSocketError/badHandshake(_:)``.
  public init(
    url: URL, headers: [(String, String)] = [], timeout: TimeInterval, caFile: String? = nil, maximumMessageSize: Int = 1_000_000
  ) throws(WebSocketError) {
    guard let scheme = url.scheme?.lowercased(), ["ws", "wss", "http", "https"].contains(scheme), let host = url.host, !host.isEmpty
    else { throw .badHandshake("\(url.absoluteString) is not a ws, wss, http or https URL") }
    let secure = scheme == "wss" || scheme == "https"
    let port = url.port ?? (secure ? 443 : 80)
    self.maximumMessageSize = maximumMessageSize
    do {
      connection = try TCPConnection(host: host, port: port, timeout: timeout)
      if secure { try connection.startTLS(host: host, caFile: caFile) }
    } catch {
      throw .network(error)
    }
    let key = WebSocketHandshake.makeKey()
    let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
    var target = components?.percentEncodedPath ?? ""
    if target.isEmpty { target = "/" }
    if let query = components?.percentEncodedQuery { target += "?" + query }
    let defaultPort = port == (secure ? 443 : 80)
    var request = "GET \(target) HTTP/1.1\r\nHost: \(host.contains(":") ? "[\(host)]" : host)\(defaultPort ? "" : ":\(port)")\r\n"
    request += "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
    for (name, value) in headers where !name.contains(where: \.isNewline) && !value.contains(where: \.isNewline) {
      request += "\(name): \(value)\r\n"
    }
    try write(Array((request + "\r\n").utf8))
    try readHandshake(key: key)
  }

  deinit { connection.shutdown() }

  /// Sends a text message in one frame, masked as a client must.
  ///
  /// - Throws: ``WebSocketError/network(_:)`` or ``WebSocketError/closed(code:reason:)`` once closed.
  public func send(_ text: String) throws(WebSocketError) {
    guard !closeSent else { throw .closed(code: nil, reason: "closed by us") }
    try sendFrame(opcode: 0x1, payload: Array(text.utf8))
  }

  /// Sends `text` as fragments of at most `fragmentSize` bytes (a first text frame, then
  /// continuation frames).
  ///
  /// - Throws: as ``send(_:)``.
  public func send(_ text: String, fragmentSize: Int) throws(WebSocketError) {
    guard !closeSent else { throw .closed(code: nil, reason: "closed by us") }
    let bytes = Array(text.utf8)
    var offset = 0
    repeat {
      let end = min(offset + max(fragmentSize, 1), bytes.count)
      try sendFrame(opcode: offset == 0 ? 0x1 : 0x0, payload: Array(bytes[offset..<end]), final: end == bytes.count)
      offset = end
    } while offset < bytes.count
  }

  /// Sends a ping with `payload` (at most 125 bytes); the pong is taken in by ``receive(wait:)``.
  ///
  /// - Throws: as ``send(_:)``.
  public func ping(_ payload: [UInt8] = []) throws(WebSocketError) {
    try sendFrame(opcode: 0x9, payload: Array(payload.prefix(125)))
  }

  /// The next message, waiting at most `wait` seconds for it (nil when none came); pings are
  /// answered and pongs taken in on the way.
  ///
  /// - Throws: ``WebSocketError/closed(code:reason:)`` when the server closed (its close frame
  ///   answered), ``WebSocketError/protocolViolation(_:)`` or
  ///   ``WebSocketError/messageTooLarge(limit:)`` (the connection is then closed),
  ///   ``WebSocketError/network(_:)``.
  public func receive(wait: TimeInterval) throws(WebSocketError) -> Message? {
    let deadline = Date().addingTimeInterval(wait)
    var polled = false
    while true {
      if let message = try nextMessage() { return message }
      let remaining = deadline.timeIntervalSinceNow
      // Even without time to wait, what already reached the socket is taken.
      guard remaining > 0 || !polled else { return nil }
      polled = true
      let bytes: [UInt8]
      do {
        bytes = try connection.readAvailable(wait: max(remaining, 0.001))
      } catch .closed {
        throw .closed(code: 1006, reason: "the connection ended without a close frame")
      } catch {
        throw .network(error)
      }
      if start > 0 && start == pending.count {
        pending.removeAll(keepingCapacity: true)
        start = 0
      }
      pending += bytes
    }
  }

  /// Closes the connection: our close frame, the server's answer awaited within `wait` seconds,
  /// then the TCP connection's end.
  public func close(code: Int = 1000, reason: String = "", wait: TimeInterval = 1) {
    if !closeSent {
      try? sendFrame(opcode: 0x8, payload: Self.closePayload(code: code, reason: reason))
      closeSent = true
      let deadline = Date().addingTimeInterval(wait)
      while deadline.timeIntervalSinceNow > 0 {
        do {
          _ = try receive(wait: deadline.timeIntervalSinceNow)
        } catch {
          break
        }
      }
    }
    connection.shutdown()
  }

  /// The next whole message in `pending`, if one is there; control frames are handled.
  private func nextMessage() throws(WebSocketError) -> Message? {
    while let frame = try nextFrame() {
      lastHeard = Date()
      switch frame.opcode {
      case 0x8:
        let code = frame.payload.count >= 2 ? Int(frame.payload[0]) << 8 | Int(frame.payload[1]) : nil
        let reason = String(decoding: frame.payload.dropFirst(2), as: UTF8.self)
        if !closeSent {
          try? sendFrame(opcode: 0x8, payload: code.map { Self.closePayload(code: $0, reason: "") } ?? [])
          closeSent = true
        }
        connection.shutdown()
        throw .closed(code: code, reason: reason)
      case 0x9:
        if !closeSent { try sendFrame(opcode: 0xA, payload: frame.payload) }
      case 0xA:
        continue
      case 0x1, 0x2:
        guard fragmentOpcode == nil else { throw fail(1002, "a new message began inside a fragmented one") }
        if frame.final { return try message(frame.opcode, frame.payload) }
        fragmentOpcode = frame.opcode
        fragments = frame.payload
      case 0x0:
        guard let opcode = fragmentOpcode else { throw fail(1002, "a continuation frame without a message to continue") }
        fragments += frame.payload
        guard fragments.count <= maximumMessageSize else { throw tooLarge() }
        if frame.final {
          let payload = fragments
          fragments = []
          fragmentOpcode = nil
          return try message(opcode, payload)
        }
      default:
        throw fail(1002, "unknown opcode \(frame.opcode)")
      }
    }
    return nil
  }

  /// A finished message; text must be UTF-8.
  private func message(_ opcode: UInt8, _ payload: [UInt8]) throws(WebSocketError) -> Message {
    guard opcode == 0x1 else { return .binary(payload) }
    guard let text = String(validating: payload, as: UTF8.self) else { throw fail(1007, "a text message is not valid UTF-8") }
    return .text(text)
  }

  /// The next frame in `pending`, if it is all there.
  private func nextFrame() throws(WebSocketError) -> (opcode: UInt8, final: Bool, payload: [UInt8])? {
    let available = pending.count - start
    guard available >= 2 else { return nil }
    let first = pending[start], second = pending[start + 1]
    guard first & 0x70 == 0 else { throw fail(1002, "a frame sets reserved bits no extension was agreed for") }
    guard second & 0x80 == 0 else { throw fail(1002, "the server masked a frame") }
    let opcode = first & 0x0F, final = first & 0x80 != 0
    var length = Int(second & 0x7F), header = 2
    if length == 126 {
      guard available >= 4 else { return nil }
      length = Int(pending[start + 2]) << 8 | Int(pending[start + 3])
      header = 4
    } else if length == 127 {
      guard available >= 10 else { return nil }
      let value = pending[start + 2..<start + 10].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      guard value <= UInt64(Int.max) else { throw tooLarge() }
      length = Int(value)
      header = 10
    }
    if opcode & 0x8 != 0 {
      guard final, length <= 125 else { throw fail(1002, "a control frame is fragmented or longer than 125 bytes") }
    } else if length > maximumMessageSize || (opcode == 0 && fragments.count + length > maximumMessageSize) {
      throw tooLarge()
    }
    guard available >= header + length else { return nil }
    let payload = Array(pending[start + header..<start + header + length])
    start += header + length
    return (opcode, final, payload)
  }

  /// Sends one masked frame.
  private func sendFrame(opcode: UInt8, payload: [UInt8], final: Bool = true) throws(WebSocketError) {
    var frame: [UInt8] = [(final ? 0x80 : 0) | opcode]
    switch payload.count {
    case 0..<126: frame.append(0x80 | UInt8(payload.count))
    case 126...0xFFFF: frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    default: frame += [0x80 | 127] + (0..<8).map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> (56 - 8 * UInt64($0))) }
    }
    var generator = SystemRandomNumberGenerator()
    let mask = (0..<4).map { _ in UInt8.random(in: 0...255, using: &generator) }
    frame += mask
    frame += payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
    try write(frame)
  }

  /// Reads the server's answer to the upgrade and checks it.
  private func readHandshake(key: String) throws(WebSocketError) {
    let statusLine = try readLine()
    let parts = String(decoding: statusLine, as: UTF8.self).split(separator: " ", maxSplits: 2)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
      throw .badHandshake("the answer does not start with an HTTP status line")
    }
    var fields: [String: String] = [:]
    while true {
      let line = String(decoding: try readLine(), as: UTF8.self)
      if line.isEmpty { break }
      guard let colon = line.firstIndex(of: ":") else { throw .badHandshake("a header line without a colon") }
      let name = line[..<colon].lowercased(), value = line[line.index(after: colon)...].trimmingCharacters(in: CharacterSet.whitespaces)
      fields[name] = fields[name].map { $0 + ", " + value } ?? value
    }
    guard status == 101 else {
      let length = min(Int(fields["content-length"] ?? "") ?? 0, 4096)
      let body = length > 0 ? (try? connection.read(exactly: length)) ?? [] : []
      throw .handshakeRefused(status: status, body: String(decoding: body, as: UTF8.self))
    }
    guard fields["upgrade"]?.lowercased() == "websocket" else { throw .badHandshake("no \"Upgrade: websocket\"") }
    guard fields["connection"]?.lowercased().contains("upgrade") == true else { throw .badHandshake("no \"Connection: Upgrade\"") }
    guard fields["sec-websocket-accept"] == WebSocketHandshake.accept(for: key) else {
      throw .badHandshake("Sec-WebSocket-Accept does not match the key sent")
    }
    guard fields["sec-websocket-extensions"] == nil else { throw .badHandshake("the server chose an extension none was offered for") }
  }

  /// A protocol failure: the connection is closed with `code`.
  private func fail(_ code: Int, _ detail: String) -> WebSocketError {
    close(code: code, reason: "", wait: 0)
    return .protocolViolation(detail)
  }

  private func tooLarge() -> WebSocketError {
    close(code: 1009, reason: "message too big", wait: 0)
    return .messageTooLarge(limit: maximumMessageSize)
  }

  private static func closePayload(code: Int, reason: String) -> [UInt8] {
    [UInt8(code >> 8 & 0xFF), UInt8(code & 0xFF)] + Array(reason.utf8.prefix(123))
  }

  private func write(_ bytes: [UInt8]) throws(WebSocketError) {
    do {
      try connection.write(bytes)
    } catch {
      throw .network(error)
    }
  }

  private func readLine() throws(WebSocketError) -> [UInt8] {
    do {
      return try connection.readLine()
    } catch {
      throw .network(error)
    }
  }
}
