import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The WebSocket client against a scripted peer that speaks RFC 6455 byte by byte.
@Suite struct WebSocketClientTests {
  @Test func hashesAsSHA1AndAnswersTheRFCsSampleKey() {
    let digest = WebSocketHandshake.sha1(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
    #expect(digest == "a9993e364706816aba3e25717850c26c9cd0d89d")
    let long = WebSocketHandshake.sha1(Array(String(repeating: "a", count: 1_000_000).utf8)).map { String(format: "%02x", $0) }
    #expect(long.joined() == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    #expect(WebSocketHandshake.accept(for: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
  }

  @Test func theUpgradeRequestCarriesTheKeyVersionAndHeaders() throws {
    let record = Record()
    let peer = try LoopbackPeer { socket in
      let request = socket.readRequest()
      record.set("request", request)
      socket.acceptUpgrade(request)
      socket.sendFrame(opcode: 0x1, Array("hi".utf8))
      _ = socket.readFrame()
    }
    let client = try WebSocketClient(
      url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/socket.io/?EIO=4&transport=websocket")),
      headers: [("Cookie", "token=t.abc"), ("X-Bad", "a\r\nInjected: yes")], timeout: 5)
    #expect(try client.receive(wait: 5) == .text("hi"))
    client.close(wait: 0)
    peer.wait()
    let request = try #require(record.get("request"))
    #expect(request.hasPrefix("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"))
    #expect(request.contains("Host: 127.0.0.1:\(peer.port)\r\n"))
    #expect(request.contains("Upgrade: websocket\r\n") && request.contains("Connection: Upgrade\r\n"))
    #expect(request.contains("Sec-WebSocket-Version: 13\r\n") && request.contains("Cookie: token=t.abc\r\n"))
    #expect(!request.contains("Injected"))
  }

  @Test func aWrongAcceptIsRefused() throws {
    let peer = try LoopbackPeer { socket in
      _ = socket.readRequest()
      socket.send(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
    }
    #expect {
      _ = try WebSocketClient(url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/")), timeout: 5)
    } throws: { error in
      guard case WebSocketError.badHandshake(let detail) = error else { return false }
      return detail.contains("Sec-WebSocket-Accept")
    }
    peer.wait()
  }

  @Test func aRefusedUpgradeKeepsTheServersWord() throws {
    let body = #"{"code":5,"message":"Unsupported protocol version"}"#
    let peer = try LoopbackPeer { socket in
      _ = socket.readRequest()
      socket.send("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
    }
    #expect(throws: WebSocketError.handshakeRefused(status: 400, body: body)) {
      _ = try WebSocketClient(url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/socket.io/?EIO=3")), timeout: 5)
    }
    peer.wait()
  }

  @Test(arguments: [5, 300, 70_000])
  func clientFramesAreMaskedWithTheRightLength(size: Int) throws {
    let record = Record()
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      let frame = socket.readFrame()
      record.set("masked", frame.masked ? "yes" : "no")
      record.set("payload", String(decoding: frame.payload, as: UTF8.self))
      record.set("header", String(frame.headerLength))
    }
    let client = try WebSocketClient(url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/")), timeout: 5)
    let text = String(repeating: "é", count: size / 2) + (size % 2 == 1 ? "x" : "")
    try client.send(text)
    peer.wait()
    #expect(record.get("masked") == "yes")
    #expect(record.get("payload") == text)
    #expect(record.get("header") == String(size < 126 ? 6 : size <= 0xFFFF ? 8 : 14))
  }

  @Test func fragmentsAreJoinedAndAPingBetweenThemIsAnswered() throws {
    let record = Record()
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      socket.sendFrame(opcode: 0x1, Array("hel".utf8), final: false)
      socket.sendFrame(opcode: 0x9, Array("are you there".utf8))
      socket.sendFrame(opcode: 0x0, Array("lo ".utf8), final: false)
      socket.sendFrame(opcode: 0x0, Array("wörld".utf8))
      let pong = socket.readFrame()
      record.set("pong", "\(pong.opcode) \(String(decoding: pong.payload, as: UTF8.self))")
      let fragments = [socket.readFrame(), socket.readFrame()]
      record.set("fragments", fragments.map { "\($0.opcode)\($0.final ? "F" : "")" }.joined(separator: ","))
      record.set("sent", fragments.map { String(decoding: $0.payload, as: UTF8.self) }.joined())
    }
    let client = try WebSocketClient(url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/")), timeout: 5)
    #expect(try client.receive(wait: 5) == .text("hello wörld"))
    try client.send("abcdefgh", fragmentSize: 5)
    peer.wait()
    #expect(record.get("pong") == "10 are you there")
    #expect(record.get("fragments") == "1,0F")
    #expect(record.get("sent") == "abcdefgh")
  }

  @Test func theServersCloseIsAnsweredWithItsCode() throws {
    let record = Record()
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      socket.sendFrame(opcode: 0x8, [0x03, 0xE9] + Array("going away".utf8))
      let answer = socket.readFrame()
      record.set("answer", "\(answer.opcode) \(answer.payload.prefix(2).map(String.init).joined(separator: ","))")
    }
    let client = try WebSocketClient(url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/")), timeout: 5)
    #expect(throws: WebSocketError.closed(code: 1001, reason: "going away")) { try client.receive(wait: 5) }
    peer.wait()
    #expect(record.get("answer") == "8 3,233")
    #expect(throws: WebSocketError.self) { try client.send("late") }
  }

  @Test func aConnectionEndingWithoutACloseFrameIs1006() throws {
    let peer = try LoopbackPeer { socket in socket.acceptUpgrade(socket.readRequest()) }
    let client = try WebSocketClient(url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/")), timeout: 5)
    peer.wait()
    #expect(throws: WebSocketError.closed(code: 1006, reason: "the connection ended without a close frame")) {
      try client.receive(wait: 5)
    }
  }

  @Test func nothingArrivingWithinTheWaitIsNil() throws {
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      _ = socket.readFrame()
    }
    let client = try WebSocketClient(url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/")), timeout: 5)
    #expect(try client.receive(wait: 0.05) == nil)
    client.close(wait: 0)
    peer.wait()
  }

  /// Frames a server must not send, and the close code each earns.
  static let brokenFrames: [(what: String, bytes: [UInt8], code: Int)] = [
    ("too large", [0x81, 0x7E, 0x04, 0x00] + [UInt8](repeating: 0x61, count: 1024), 1009),
    ("masked by the server", [0x81, 0x82, 1, 2, 3, 4, 0x61 ^ 1, 0x62 ^ 2], 1002),
    ("reserved bits", [0xC1, 0x01, 0x61], 1002),
    ("invalid UTF-8", [0x81, 0x02, 0xC3, 0x28], 1007),
    ("a stray continuation", [0x80, 0x01, 0x61], 1002),
    ("a long ping", [0x89, 0x7E, 0x00, 0x7E] + [UInt8](repeating: 0, count: 126), 1002),
  ]

  @Test(arguments: 0..<6)
  func aBrokenFrameClosesWithTheRFCsCode(index: Int) throws {
    let (what, bytes, code) = Self.brokenFrames[index]
    let record = Record()
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      socket.send(bytes)
      let close = socket.readFrame()
      record.set("close", "\(close.opcode) \(close.payload.count >= 2 ? Int(close.payload[0]) << 8 | Int(close.payload[1]) : 0)")
    }
    let client = try WebSocketClient(
      url: try #require(URL(string: "ws://127.0.0.1:\(peer.port)/")), timeout: 5, maximumMessageSize: 1000)
    #expect(throws: WebSocketError.self, "\(what)") { try client.receive(wait: 5) }
    peer.wait()
    #expect(record.get("close") == "8 \(code)", "\(what)")
  }
}

/// Values a peer's script records on its thread for the test to check after `wait()`.
final class Record: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [String: String] = [:]

  func set(_ key: String, _ value: String) { lock.withLock { values[key] = value } }
  func get(_ key: String) -> String? { lock.withLock { values[key] } }
}

/// The server's side of RFC 6455, written out for the tests.
extension LoopbackSocket {
  /// The upgrade request, through its blank line.
  func readRequest() -> String {
    var bytes: [UInt8] = []
    while !bytes.suffix(4).elementsEqual([13, 10, 13, 10]) {
      let byte = receive(count: 1)
      guard !byte.isEmpty else { break }
      bytes += byte
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Answers the upgrade with the accept its key asks for.
  func acceptUpgrade(_ request: String) {
    let key =
      request.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-key:") }.map {
        $0.dropFirst("sec-websocket-key:".count).trimmingCharacters(in: .whitespaces)
      } ?? ""
    send(
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: \(WebSocketHandshake.accept(for: key))\r\n\r\n")
  }

  /// Sends an unmasked frame.
  func sendFrame(opcode: UInt8, _ payload: [UInt8], final: Bool = true) {
    var frame: [UInt8] = [(final ? 0x80 : 0) | opcode]
    if payload.count < 126 {
      frame.append(UInt8(payload.count))
    } else {
      frame += [126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
    }
    send(frame + payload)
  }

  /// Reads one frame, unmasking it.
  func readFrame() -> (opcode: UInt8, final: Bool, masked: Bool, payload: [UInt8], headerLength: Int) {
    let head = receive(count: 2)
    guard head.count == 2 else { return (0xFF, false, false, [], 0) }
    var length = Int(head[1] & 0x7F), header = 2
    if length == 126 {
      length = receive(count: 2).reduce(0) { $0 << 8 | Int($1) }
      header += 2
    } else if length == 127 {
      length = receive(count: 8).reduce(0) { $0 << 8 | Int($1) }
      header += 8
    }
    let masked = head[1] & 0x80 != 0
    let mask = masked ? receive(count: 4) : [0, 0, 0, 0]
    let payload = receive(count: length).enumerated().map { $0.element ^ mask[$0.offset & 3] }
    return (head[0] & 0x0F, head[0] & 0x80 != 0, masked, payload, header + (masked ? 4 : 0))
  }
}
