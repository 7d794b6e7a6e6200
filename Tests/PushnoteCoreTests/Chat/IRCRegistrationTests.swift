import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Registration against a scripted server (LoopbackPeer): SASL PLAIN, PING while waiting, and the
/// failures, which a real ngIRCd (it has no SASL) cannot show.
@Suite struct IRCRegistrationTests {
  /// Serves one client: each line it sends is recorded and answered by `respond`.
  static func serve(_ respond: @escaping @Sendable (String) -> [String]) throws -> (LoopbackPeer, ReceivedLines) {
    let lines = ReceivedLines()
    let peer = try LoopbackPeer(timeout: 20) { socket in
      var pending: [UInt8] = []
      while true {
        let byte = socket.receive(count: 1)
        guard let first = byte.first else { return }
        if first != 0x0A {
          pending.append(first)
          continue
        }
        if pending.last == 0x0D { pending.removeLast() }
        let line = String(decoding: pending, as: UTF8.self)
        pending = []
        lines.append(line)
        for answer in respond(line) { socket.send(answer + "\r\n") }
        if line.hasPrefix("QUIT") { return }
      }
    }
    return (peer, lines)
  }

  /// The usual answers after registration: JOIN, PONG, ERROR on QUIT.
  static func afterWelcome(_ line: String) -> [String] {
    if line.hasPrefix("JOIN ") { return [":pushnote!bot@127.0.0.1 JOIN #push", ":srv 366 pushnote #push :End of NAMES list"] }
    if line.hasPrefix("PING :") { return [":srv PONG srv :\(line.dropFirst(6))"] }
    if line.hasPrefix("QUIT") { return ["ERROR :Closing link"] }
    return []
  }

  static func notifier(port: Int, account: String?, environment: [String: String]) throws -> (TemporaryDirectory, ChatNotifier) {
    let address = IRCAddress(host: "127.0.0.1", port: port, tls: false, channel: "#push", nick: "pushnote", account: account)
    var (folder, notifier) = try IRCDeliveryTests.notifier([ChatDestination(.irc(address))], environment: environment)
    notifier.timeouts = ChatTimeouts(connect: 2, read: 5)
    return (folder, notifier)
  }

  @Test func logsInWithSASLPlainAndAnswersPingWhileWaiting() async throws {
    let (peer, lines) = try Self.serve { line in
      switch line {
      case "CAP LS 302": return [":srv CAP * LS * :multi-prefix", ":srv CAP * LS :sasl=PLAIN,EXTERNAL"]
      case "CAP REQ :sasl": return [":srv CAP * ACK :sasl"]
      case "AUTHENTICATE PLAIN": return ["AUTHENTICATE +"]
      case "AUTHENTICATE " + Data("\0bot\0s3cret-pw".utf8).base64EncodedString():
        return ["PING :are-you-there", ":srv 900 pushnote pushnote!bot@h bot :You are now logged in", ":srv 903 pushnote :SASL successful"]
      case "CAP END": return [":srv 001 pushnote :Welcome", ":srv 005 pushnote TOPICLEN=50 :are supported"]
      default: return Self.afterWelcome(line)
      }
    }
    let (_, notifier) = try Self.notifier(port: peer.port, account: "bot", environment: ["PUSHNOTE_IRC_PASSWORD": "s3cret-pw"])
    let report = await notifier.post([ChatEvent.say("logged in")])
    peer.wait()
    #expect(report.delivered.count == 1, "\(report.warnings)")
    let sent = lines.all
    #expect(Array(sent.prefix(4)) == ["CAP LS 302", "NICK pushnote", "USER pushnote 0 * :pushnote", "CAP REQ :sasl"])
    #expect(sent.contains("PONG :are-you-there"))
    let end = try #require(sent.firstIndex(of: "CAP END"))
    #expect(try #require(sent.firstIndex(of: "PONG :are-you-there")) < end)
    #expect(sent[end...].contains("PRIVMSG #push :logged in"))
    #expect(sent.suffix(2) == ["PART #push :pushnote", "QUIT :pushnote"])
    #expect(!report.warnings.joined().contains("s3cret-pw"))
  }

  @Test func aRejectedLoginIsACredentialsErrorAndTheMessageWaits() async throws {
    let (peer, _) = try Self.serve { line in
      switch line {
      case "CAP LS 302": return [":srv CAP * LS :sasl"]
      case "CAP REQ :sasl": return [":srv CAP * ACK :sasl"]
      case "AUTHENTICATE PLAIN": return ["AUTHENTICATE +"]
      case let other where other.hasPrefix("AUTHENTICATE "): return [":srv 904 * :SASL authentication failed"]
      default: return Self.afterWelcome(line)
      }
    }
    let (_, notifier) = try Self.notifier(port: peer.port, account: "bot", environment: ["PUSHNOTE_IRC_PASSWORD": "wrong-pw"])
    let report = await notifier.post([ChatEvent.say("not yet")])
    #expect(report.delivered.isEmpty)
    #expect(report.queued.count == 1)
    #expect(report.failure?.exitStatus == .permission)
    #expect(!report.warnings.joined().contains("wrong-pw"))
  }

  @Test func aServerWithoutSASLNeverSeesThePassword() async throws {
    let (peer, lines) = try Self.serve { line in
      line == "CAP LS 302" ? [":srv CAP * LS :multi-prefix away-notify"] : Self.afterWelcome(line)
    }
    let (_, notifier) = try Self.notifier(port: peer.port, account: "bot", environment: ["PUSHNOTE_IRC_PASSWORD": "never-sent"])
    let report = await notifier.post([ChatEvent.say("hello")])
    #expect(report.delivered.isEmpty)
    guard case .refused(_, let reason) = report.failure else {
      Issue.record("expected a refusal, got \(String(describing: report.failure))")
      return
    }
    #expect(reason.contains("SASL"))
    try await Task.sleep(for: .milliseconds(200))
    #expect(!lines.all.joined().contains("never-sent"))
    #expect(!lines.all.contains { $0.hasPrefix("AUTHENTICATE") })
  }

  @Test func withoutAnAccountThePasswordIsTheServerPassword() async throws {
    let (peer, lines) = try Self.serve { line in
      line.hasPrefix("USER ") ? [":srv 001 pushnote :Welcome"] : Self.afterWelcome(line)
    }
    let (_, notifier) = try Self.notifier(port: peer.port, account: nil, environment: ["PUSHNOTE_IRC_PASSWORD": "server-pw"])
    let report = await notifier.post([ChatEvent.say("hello")])
    peer.wait()
    #expect(report.delivered.count == 1, "\(report.warnings)")
    #expect(Array(lines.all.prefix(3)) == ["PASS server-pw", "NICK pushnote", "USER pushnote 0 * :pushnote"])
  }

  @Test func everyNickTakenIsAClearError() async throws {
    let (peer, _) = try Self.serve { line in
      line.hasPrefix("NICK ") ? [":srv 433 * \(line.dropFirst(5)) :Nickname is already in use"] : Self.afterWelcome(line)
    }
    let (_, notifier) = try Self.notifier(port: peer.port, account: nil, environment: [:])
    let report = await notifier.post([ChatEvent.say("hello")])
    guard case .nickInUse(_, let tried) = report.failure else {
      Issue.record("expected nickInUse, got \(String(describing: report.failure))")
      return
    }
    #expect(tried == ["pushnote", "pushnote_", "pushnote__", "pushnote1", "pushnote2"])
    #expect(report.queued.count == 1)
  }
}

/// The lines a scripted server received.
final class ReceivedLines: @unchecked Sendable {
  private let lock = NSLock()
  private var lines: [String] = []

  func append(_ line: String) { lock.withLock { lines.append(line) } }

  var all: [String] { lock.withLock { lines } }
}
