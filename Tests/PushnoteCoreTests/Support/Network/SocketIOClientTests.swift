import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The Engine.IO 4 / Socket.IO 5 framing against a scripted peer that writes packets as
/// Etherpad's socket.io server does.
@Suite struct SocketIOClientTests {
  static let open = #"0{"sid":"eio-1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":200}"#

  @Test func connectsAnswersPingsAndReadsMessagesAndAcknowledgements() throws {
    let record = Record()
    let peer = try LoopbackPeer { socket in
      let request = socket.readRequest()
      record.set("target", request.components(separatedBy: "\r\n")[0])
      socket.acceptUpgrade(request)
      socket.sendFrame(opcode: 0x1, Array(Self.open.utf8))
      record.set("connect", String(decoding: socket.readFrame().payload, as: UTF8.self))
      socket.sendFrame(opcode: 0x1, Array(#"40{"sid":"sio-1"}"#.utf8))
      let emitted = String(decoding: socket.readFrame().payload, as: UTF8.self)
      record.set("emitted", emitted)
      socket.sendFrame(opcode: 0x1, Array("2".utf8))
      socket.sendFrame(opcode: 0x1, Array(#"42["shout",{"x":1}]"#.utf8))
      socket.sendFrame(opcode: 0x1, Array(#"42["message",{"type":"CLIENT_VARS","data":{"rev":41}}]"#.utf8))
      socket.sendFrame(opcode: 0x1, Array(#"430[null,null]"#.utf8))
      record.set("pong", String(decoding: socket.readFrame().payload, as: UTF8.self))
      socket.sendFrame(opcode: 0x1, Array("41".utf8))
      _ = socket.readFrame()
    }
    let client = try SocketIOClient(
      baseURL: try #require(URL(string: "http://127.0.0.1:\(peer.port)/pads")), query: [URLQueryItem(name: "padId", value: "notes")],
      timeout: 5)
    #expect(client.sessionID == "eio-1")
    #expect(client.pingInterval == 25 && client.pingTimeout == 20 && client.maximumPayload == 200)
    let id = try client.emit(Data(#"{"component":"pad","type":"CLIENT_READY"}"#.utf8), acknowledged: true)
    #expect(id == 0)
    let message = try #require(try client.receive(wait: 5))
    guard case .message(let data) = message else {
      Issue.record("expected a message, got \(message)")
      return
    }
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    #expect(object?["type"] as? String == "CLIENT_VARS")
    #expect(try client.receive(wait: 5) == .acknowledgement(id: 0, arguments: Data("[null,null]".utf8)))
    #expect(throws: WebSocketError.closed(code: nil, reason: "the server disconnected the socket")) { try client.receive(wait: 5) }
    client.close()
    peer.wait()
    #expect(record.get("target") == "GET /pads/socket.io/?EIO=4&transport=websocket&padId=notes HTTP/1.1")
    #expect(record.get("connect") == "40")
    #expect(record.get("emitted") == #"420["message",{"component":"pad","type":"CLIENT_READY"}]"#)
    #expect(record.get("pong") == "3")
  }

  @Test func aRefusedNamespaceIsAClosedSocket() throws {
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      socket.sendFrame(opcode: 0x1, Array(Self.open.utf8))
      _ = socket.readFrame()
      socket.sendFrame(opcode: 0x1, Array(#"44{"message":"Not authorized"}"#.utf8))
      _ = socket.readFrame()
    }
    #expect {
      _ = try SocketIOClient(baseURL: try #require(URL(string: "http://127.0.0.1:\(peer.port)/")), timeout: 5)
    } throws: { error in
      guard case WebSocketError.closed(_, let reason) = error else { return false }
      return reason.contains("Not authorized")
    }
    peer.wait()
  }

  @Test func aFirstPacketThatIsNotOpenIsAProtocolViolation() throws {
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      socket.sendFrame(opcode: 0x1, Array("hello".utf8))
      _ = socket.readFrame()
    }
    #expect(throws: WebSocketError.protocolViolation("the first packet is not an Engine.IO open packet")) {
      _ = try SocketIOClient(baseURL: try #require(URL(string: "http://127.0.0.1:\(peer.port)/")), timeout: 5)
    }
    peer.wait()
  }

  @Test func aPacketOverTheServersMaxPayloadIsNotSent() throws {
    let record = Record()
    let peer = try LoopbackPeer { socket in
      socket.acceptUpgrade(socket.readRequest())
      socket.sendFrame(opcode: 0x1, Array(Self.open.utf8))
      _ = socket.readFrame()
      socket.sendFrame(opcode: 0x1, Array("40".utf8))
      record.set("next", String(decoding: socket.readFrame().payload, as: UTF8.self))
    }
    let client = try SocketIOClient(baseURL: try #require(URL(string: "http://127.0.0.1:\(peer.port)/")), timeout: 5)
    let big = Data(("{\"text\":\"" + String(repeating: "x", count: 300) + "\"}").utf8)
    #expect(throws: WebSocketError.messageTooLarge(limit: 200)) { try client.emit(big) }
    try client.emit(Data("{}".utf8))
    peer.wait()
    #expect(record.get("next") == #"42["message",{}]"#)
  }
}
