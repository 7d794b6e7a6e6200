import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct TCPConnectionTests {
  @Test func linesSplitAcrossPacketsComeWholeAndTheRestStaysBuffered() throws {
    let peer = try LoopbackPeer { socket in
      socket.send("first li")
      usleep(20_000)
      socket.send("ne\r\nsecond\nABCDEFtail")
      socket.shutdownWrite()
    }
    let connection = try TCPConnection(host: "127.0.0.1", port: peer.port, timeout: 5)
    #expect(connection.peerIsLoopback)
    #expect(String(decoding: try connection.readLine(), as: UTF8.self) == "first line")
    #expect(String(decoding: try connection.readLine(), as: UTF8.self) == "second")
    #expect(String(decoding: try connection.read(exactly: 6), as: UTF8.self) == "ABCDEF")
    #expect(String(decoding: try connection.readAvailable(), as: UTF8.self) == "tail")
    #expect(throws: NetworkError.closed) { try connection.readLine() }
    peer.wait()
  }

  @Test func aSilentPeerTimesOutAndReadAvailableReturnsNothing() throws {
    let peer = try LoopbackPeer { socket in _ = socket.receive(count: 5) }
    let connection = try TCPConnection(host: "127.0.0.1", port: peer.port, timeout: 0.2)
    #expect(try connection.readAvailable(wait: 0.05).isEmpty)
    #expect(throws: NetworkError.timedOut(seconds: 0.2)) { try connection.readLine() }
    try connection.write(Array("hello".utf8))
    peer.wait()
  }

  @Test func aLineOverTheLimitIsRefused() throws {
    let peer = try LoopbackPeer { socket in socket.send(String(repeating: "x", count: 300)) }
    let connection = try TCPConnection(host: "127.0.0.1", port: peer.port, timeout: 2)
    #expect(throws: NetworkError.lineTooLong(limit: 100)) { try connection.readLine(limit: 100) }
    peer.wait()
  }

  @Test func writingToAClosedPeerIsAnErrorNotSIGPIPE() throws {
    let peer = try LoopbackPeer { _ in }
    let connection = try TCPConnection(host: "127.0.0.1", port: peer.port, timeout: 2)
    peer.wait()
    usleep(50_000)
    let big = [UInt8](repeating: 0x41, count: 1 << 20)
    #expect(throws: NetworkError.self) {
      for _ in 0..<8 { try connection.write(big) }
    }
  }

  @Test func aClosedPortIsCannotConnect() throws {
    let closed = try ClosedLoopbackPort()
    let port = closed.port
    #expect {
      _ = try TCPConnection(host: "127.0.0.1", port: port, timeout: 1)
    } throws: { error in
      guard case NetworkError.cannotConnect(_, port, _) = error else { return false }
      return true
    }
    withExtendedLifetime(closed) {}
  }
}
