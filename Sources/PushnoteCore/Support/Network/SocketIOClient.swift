import Foundation

/// A Socket.IO 5 client over Engine.IO 4, WebSocket transport only, as Etherpad 2.x and 3.x
/// serve it at `{base}/socket.io/?EIO=4&transport=websocket`.
///
/// Engine.IO: the server's open packet `0{"sid",…,"pingInterval","pingTimeout","maxPayload"}`,
/// its pings `2` answered with `3`, `1` to close. Socket.IO on top: `40` connects to the
/// namespace `/` (answered `40{"sid"}` or `44{"message"}`), `42["message",{…}]` carries an
/// event, `42<id>[…]` asks for an acknowledgement, which comes back as `43<id>[…]`.
///
/// Not thread-safe: one task at a time sends and receives.
public final class SocketIOClient {
  /// What the server sent.
  public enum Event: Sendable, Equatable {
    /// A `message` event; its argument as JSON.
    case message(Data)
    /// The acknowledgement of the emit numbered `id`; its arguments as a JSON array.
    case acknowledgement(id: Int, arguments: Data)
  }

  private let socket: WebSocketClient
  /// The Engine.IO session id.
  public let sessionID: String
  /// How often the server pings, and how long it waits for the answer (seconds).
  public let pingInterval: TimeInterval
  public let pingTimeout: TimeInterval
  /// The largest packet the server accepts, in bytes.
  public let maximumPayload: Int
  private var nextAcknowledgement = 0
  /// Engine.IO packets counted both ways (for the benchmark's messages per sync).
  public private(set) var packetsSent = 0
  public private(set) var packetsReceived = 0
  /// Bytes of Engine.IO packets sent (the text, before WebSocket framing).
  public private(set) var bytesSent = 0

  /// Connects: the WebSocket, the Engine.IO open packet, the Socket.IO connect to `/`.
  ///
  /// - Parameters:
  ///   - baseURL: the server's base URL; `socket.io/` is resolved against it, as the browser
  ///     does.
  ///   - query: extra query items (Etherpad's browser adds `padId`).
  ///   - headers: sent with the upgrade (the `Cookie` header).
  /// - Throws: ``WebSocketError``.
  public init(
    baseURL: URL, query: [URLQueryItem] = [], headers: [(String, String)] = [], timeout: TimeInterval, caFile: String? = nil
  ) throws(WebSocketError) {
    let base = baseURL.absoluteString.hasSuffix("/") ? baseURL : baseURL.appendingPathComponent("")
    guard var components = URLComponents(url: base.appendingPathComponent("socket.io/"), resolvingAgainstBaseURL: false) else {
      throw .badHandshake("\(baseURL.absoluteString) is not a URL")
    }
    components.queryItems = [URLQueryItem(name: "EIO", value: "4"), URLQueryItem(name: "transport", value: "websocket")] + query
    guard let url = components.url else { throw .badHandshake("\(baseURL.absoluteString) is not a URL") }
    socket = try WebSocketClient(url: url, headers: headers, timeout: timeout, caFile: caFile)
    let open = try Self.nextPacket(socket, wait: timeout)
    guard open.first == "0", let fields = try? JSONSerialization.jsonObject(with: Data(open.utf8.dropFirst())) as? [String: Any],
      let sid = fields["sid"] as? String
    else { throw .protocolViolation("the first packet is not an Engine.IO open packet") }
    sessionID = sid
    pingInterval = (fields["pingInterval"] as? Double ?? 25000) / 1000
    pingTimeout = (fields["pingTimeout"] as? Double ?? 20000) / 1000
    maximumPayload = fields["maxPayload"] as? Int ?? 1_000_000
    try sendPacket("40")
    let deadline = Date().addingTimeInterval(timeout)
    while true {
      let packet = try Self.nextPacket(socket, wait: max(deadline.timeIntervalSinceNow, 0))
      packetsReceived += 1
      if packet == "2" {
        try sendPacket("3")
      } else if packet.hasPrefix("40") {
        break
      } else if packet.hasPrefix("44") {
        throw .closed(code: nil, reason: "the server refused the Socket.IO connection: \(packet.dropFirst(2))")
      } else {
        throw .protocolViolation("expected the Socket.IO connect answer, got \(packet.prefix(40))")
      }
    }
  }

  /// Emits a `message` event with `payload` (a JSON object); with `acknowledged`, asks for an
  /// acknowledgement and returns its id.
  ///
  /// - Throws: ``WebSocketError/messageTooLarge(limit:)`` when the packet exceeds the server's
  ///   `maxPayload` (which would close the connection), or the socket's errors.
  @discardableResult
  public func emit(_ payload: Data, acknowledged: Bool = false) throws(WebSocketError) -> Int? {
    var id: Int?
    if acknowledged {
      id = nextAcknowledgement
      nextAcknowledgement += 1
    }
    let packet = "42" + (id.map(String.init) ?? "") + "[\"message\"," + String(decoding: payload, as: UTF8.self) + "]"
    guard packet.utf8.count <= maximumPayload else { throw .messageTooLarge(limit: maximumPayload) }
    try sendPacket(packet)
    return id
  }

  /// The next event, waiting at most `wait` seconds (nil when none came); Engine.IO pings are
  /// answered and other events than `message` skipped on the way.
  ///
  /// - Throws: ``WebSocketError/closed(code:reason:)`` when the server closed or disconnected the
  ///   namespace, ``WebSocketError/protocolViolation(_:)``, the socket's errors.
  public func receive(wait: TimeInterval) throws(WebSocketError) -> Event? {
    let deadline = Date().addingTimeInterval(wait)
    while true {
      let remaining = deadline.timeIntervalSinceNow
      guard let message = try socket.receive(wait: max(remaining, 0)) else { return nil }
      guard case .text(let packet) = message else { throw .protocolViolation("a binary message where Engine.IO sends text") }
      packetsReceived += 1
      switch packet.first {
      case "2": try sendPacket("3" + packet.dropFirst())
      case "3", "6": break
      case "1": throw .closed(code: nil, reason: "the server closed the Engine.IO session")
      case "4":
        if let event = try Self.event(packet.dropFirst()) { return event }
      default: throw .protocolViolation("an Engine.IO packet of unknown type \(packet.prefix(1))")
      }
      if deadline.timeIntervalSinceNow <= 0 && remaining <= 0 { return nil }
    }
  }

  /// When the server was last heard from; silent past `pingInterval + pingTimeout`, the
  /// connection is gone.
  public var lastHeard: Date { socket.lastHeard }

  /// Disconnects from the namespace and closes the socket, waiting at most `wait` seconds for
  /// the server's close frame.
  public func close(wait: TimeInterval = 1) {
    try? sendPacket("41")
    socket.close(wait: wait)
  }

  /// A Socket.IO packet (after the Engine.IO `4`) as an event, nil for one to skip.
  private static func event(_ packet: Substring) throws(WebSocketError) -> Event? {
    guard let type = packet.first else { throw .protocolViolation("an empty Socket.IO packet") }
    let rest = packet.dropFirst()
    let digits = rest.prefix { $0.isASCII && $0.isNumber }
    let body = Data(rest.dropFirst(digits.count).utf8)
    switch type {
    case "1": throw .closed(code: nil, reason: "the server disconnected the socket")
    case "2":
      guard let arguments = try? JSONSerialization.jsonObject(with: body) as? [Any], let name = arguments.first as? String else {
        throw .protocolViolation("an event that is not a JSON array starting with its name")
      }
      guard name == "message", arguments.count >= 2,
        let payload = try? JSONSerialization.data(withJSONObject: arguments[1], options: [.fragmentsAllowed])
      else { return nil }
      return .message(payload)
    case "3":
      guard let id = Int(digits), (try? JSONSerialization.jsonObject(with: body)) is [Any] else {
        throw .protocolViolation("an acknowledgement without an id or arguments")
      }
      return .acknowledgement(id: id, arguments: body)
    case "0", "4": return nil
    default: throw .protocolViolation("a Socket.IO packet of unknown type \(type)")
    }
  }

  private func sendPacket(_ packet: String) throws(WebSocketError) {
    try socket.send(packet)
    packetsSent += 1
    bytesSent += packet.utf8.count
  }

  /// The next Engine.IO text packet within `wait` seconds.
  private static func nextPacket(_ socket: WebSocketClient, wait: TimeInterval) throws(WebSocketError) -> String {
    guard let message = try socket.receive(wait: wait) else { throw .network(.timedOut(seconds: wait)) }
    guard case .text(let packet) = message else { throw .protocolViolation("a binary message where Engine.IO sends text") }
    return packet
  }
}
