import Foundation
import PushnoteCore

/// A second IRC client in the tests, which records every line it receives.
///
/// It joins channels, so a test reads what really arrived on the server, and answers PING on a
/// thread of its own.
public final class IRCListener: @unchecked Sendable {
  private let connection: TCPConnection
  private let lock = NSLock()
  private var received: [IRCMessage] = []
  private var rawLines: [[UInt8]] = []
  private var running = true
  /// Its nick.
  public let nick: String

  /// Connects over plain TCP to `port`, registers as `nick` (with the server `password`), joins
  /// `channels` (`"#keyed KEY"` for a keyed one) and starts listening.
  ///
  /// The blocking registration runs on a thread of its own, never on the few threads of Swift
  /// concurrency that the in-process fake servers of other tests need.
  public static func join(
    port: Int, nick: String = "listener", password: String? = nil, channels: [String]
  ) async throws
    -> IRCListener
  {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        continuation.resume(with: Result { try IRCListener(port: port, nick: nick, password: password, channels: channels) })
      }
    }
  }

  private init(port: Int, nick: String, password: String?, channels: [String]) throws {
    self.nick = nick
    connection = try TCPConnection(host: "127.0.0.1", port: port, timeout: 10)
    if let password { try connection.write(Array("PASS \(password)\r\n".utf8)) }
    try connection.write(Array("NICK \(nick)\r\nUSER \(nick) 0 * :test listener\r\n".utf8))
    var joined = Set<String>()
    while true {
      let line = String(decoding: try connection.readLine(), as: UTF8.self)
      guard let message = IRCMessage(line: line) else { continue }
      if message.command == "PING" { try connection.write(Array("PONG :\(message.trailing ?? "")\r\n".utf8)) }
      if message.command == "433" { throw IRCTestError.setup("nick \(nick) is taken") }
      if message.command == "001" { try connection.write(Array(channels.map { "JOIN \($0)\r\n" }.joined().utf8)) }
      if message.command == "366", message.parameters.count > 1 { joined.insert(message.parameters[1]) }
      if joined.count == channels.count { break }
    }
    connection.timeout = 0.2
    nonisolated(unsafe) let connection = connection
    // The thread holds the listener only while it handles a line, so releasing the listener ends it;
    // so does the server closing the connection.
    Thread.detachNewThread { [weak self] in
      while self?.isRunning == true {
        let bytes: [UInt8]
        do {
          bytes = try connection.readLine()
        } catch NetworkError.timedOut {
          continue
        } catch {
          break
        }
        guard let message = IRCMessage(line: String(decoding: bytes, as: UTF8.self)) else { continue }
        if message.command == "PING" { try? connection.write(Array("PONG :\(message.trailing ?? "")\r\n".utf8)) }
        self?.record(message, bytes)
      }
      try? connection.write(Array("QUIT\r\n".utf8))
    }
  }

  private var isRunning: Bool { lock.withLock { running } }

  private func record(_ message: IRCMessage, _ bytes: [UInt8]) {
    lock.withLock {
      received.append(message)
      rawLines.append(bytes)
    }
  }

  deinit { stop() }

  /// Stops listening and quits; the listening thread sends QUIT and ends on its own, so this never blocks.
  public func stop() {
    lock.withLock { running = false }
  }

  /// The bytes of every line received so far, without CR LF.
  public var lines: [[UInt8]] { lock.withLock { rawLines } }

  /// Everything received so far.
  public var messages: [IRCMessage] { lock.withLock { received } }

  /// The texts of the PRIVMSGs to `channel`, in order.
  public func texts(in channel: String) -> [String] {
    messages.filter { $0.command == "PRIVMSG" && $0.parameters.first == channel }.compactMap(\.trailing)
  }

  /// Waits until `condition` holds of the messages (at most `timeout` seconds), then returns them.
  @discardableResult
  public func wait(
    for what: String, timeout: Double = 10, until condition: @escaping @Sendable ([IRCMessage]) -> Bool
  ) async throws -> [IRCMessage] {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let now = messages
      if condition(now) { return now }
      try await Task.sleep(for: .milliseconds(25))
    }
    throw IRCTestError.timedOut(what)
  }

  /// Waits until the bot `nick` has quit (its QUIT reached the channel), so everything it sent has arrived.
  public func waitForQuit(of nick: String, timeout: Double = 10) async throws {
    try await wait(for: "\(nick) to quit", timeout: timeout) { messages in
      messages.contains { ($0.command == "QUIT" || $0.command == "PART") && $0.nick == nick }
    }
  }
}
