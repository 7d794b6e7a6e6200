import Foundation

/// One short IRC session through ``TCPConnection``: register (CAP and SASL PLAIN with an account),
/// join the channel, post, set the topic, part and quit.
///
/// Every line is built here from a command and cleaned text, so nothing from a note can end a line
/// early. Lines go out at the pace of ``FloodControl``; PING is answered whenever the client waits;
/// a taken nick (433) is retried as `nick_`, `nick__`, `nick1`. Posts are confirmed: after a
/// message's lines the client sends PING and waits for its PONG, so an error (404: cannot send to
/// the channel) is seen before the message counts as delivered. Blocking: run it off the
/// cooperative pool.
final class IRCClient {
  private let address: IRCAddress
  private let connection: TCPConnection
  private var flood: FloodControl
  private let clock = ContinuousClock()
  private let start: ContinuousClock.Instant
  private var pingCount = 0
  /// The nick the server gave the bot.
  private(set) var nick: String
  /// `:nick!user@host ` as the server relays the bot's lines; a generous guess until JOIN shows it.
  private var prefixLength: Int
  /// TOPICLEN from the server's 005 ISUPPORT.
  private var topicLength = 300

  /// Connects, registers and joins the channel.
  ///
  /// - Throws: ``ChatError/unreachable(destination:reason:)`` when the server cannot be reached or
  ///   drops the connection, ``ChatError/credentials(destination:reason:)`` when SASL or the server
  ///   password fails, ``ChatError/nickInUse(destination:tried:)``, ``ChatError/refused(destination:reason:)``
  ///   when the server or the channel refuses the bot.
  init(address: IRCAddress, password: String?, timeouts: ChatTimeouts, flood: FloodControl) throws(ChatError) {
    self.address = address
    self.flood = flood
    self.nick = address.nick
    prefixLength = 1 + address.nick.utf8.count + 1 + 10 + 1 + 63 + 1
    start = clock.now
    let destination = "irc \(address)"
    do {
      connection = try TCPConnection(host: address.host, port: address.port, timeout: timeouts.connect)
      connection.timeout = timeouts.read
      if address.tls { try connection.startTLS(host: address.host, caFile: address.caFile) }
    } catch {
      throw Self.chatError(error, destination: destination)
    }
    try register(password: password)
    try join()
  }

  deinit { connection.shutdown() }

  /// Posts a message to the channel, line by line, and waits until the server took it.
  func post(_ message: String) throws(ChatError) {
    let limit = IRCText.budget(command: "PRIVMSG", target: address.channel, prefixLength: prefixLength)
    for line in IRCText.lines(of: message, limit: limit) {
      try send("PRIVMSG \(address.channel) :\(line)")
    }
    if let error = try confirm(watching: ["404", "401", "403", "442", "489"]) {
      throw .refused(destination: "irc \(address)", reason: "\(error.command) \(error.trailing ?? "")")
    }
  }

  /// Sets the channel topic (one line, cut to the server's TOPICLEN); returns a warning instead
  /// when the bot may not (482: not a channel operator).
  func setTopic(_ topic: String) throws(ChatError) -> String? {
    let line = IRCText.split(IRCText.lines(of: topic, limit: 4096).joined(separator: " "), limit: min(topicLength, 390)).first ?? ""
    try send("TOPIC \(address.channel) :\(line)")
    guard let error = try confirm(watching: ["482", "442", "403"]) else { return nil }
    if error.command == "482" {
      return "\(address.channel): the topic was not set: \(nick) is not a channel operator there (482); "
        + "give it +o, or let everyone set the topic (mode -t)"
    }
    throw .refused(destination: "irc \(address)", reason: "\(error.command) \(error.trailing ?? "")")
  }

  /// Parts the channel and quits, waiting briefly for the server to close.
  func quit() {
    try? send("PART \(address.channel) :pushnote")
    try? send("QUIT :pushnote")
    connection.timeout = 2
    while let line = try? connection.readLine(limit: 8192) {
      if IRCMessage(line: String(decoding: line, as: UTF8.self))?.command == "ERROR" { break }
    }
  }

  // MARK: - Registration

  private func register(password: String?) throws(ChatError) {
    let destination = "irc \(address)"
    if address.account != nil {
      guard password != nil else { throw .missingSecret(destination: destination, variable: ChatConfig.Secret.ircPassword) }
      try send("CAP LS 302")
    } else if let password {
      try send("PASS \(IRCText.clean(password).replacingOccurrences(of: " ", with: ""))")
    }
    try send("NICK \(nick)")
    try send("USER \(address.nick) 0 * :pushnote")
    var tried = [nick]
    var capabilities: [String] = []
    var saslDone = address.account == nil
    while true {
      let message = try read()
      switch message.command {
      case "001":
        if let me = message.parameters.first { nick = me }
        guard saslDone else { throw .refused(destination: destination, reason: "the server registered the bot before SASL finished") }
        return
      case "005":
        for token in message.parameters.dropFirst() where token.hasPrefix("TOPICLEN=") {
          topicLength = Int(token.dropFirst(9)).map { max(16, $0) } ?? topicLength
        }
      case "433", "436":
        guard let next = Self.alternative(to: address.nick, after: tried) else { throw .nickInUse(destination: destination, tried: tried) }
        tried.append(next)
        nick = next
        try send("NICK \(next)")
      case "432": throw .refused(destination: destination, reason: "the server refuses the nick \(nick)")
      case "464": throw .credentials(destination: destination, reason: "the server password was refused (464)")
      case "465": throw .refused(destination: destination, reason: "the bot is banned from the server (465)")
      case "CAP":
        let sub = message.parameters.count > 1 ? message.parameters[1].uppercased() : ""
        if sub == "LS" {
          capabilities += (message.trailing ?? "").split(separator: " ").map { String($0.prefix { $0 != "=" }) }
          if message.parameters.count > 3, message.parameters[2] == "*" { continue }
          guard capabilities.contains("sasl") else {
            throw .refused(destination: destination, reason: "the server does not offer SASL, so the account cannot log in")
          }
          try send("CAP REQ :sasl")
        } else if sub == "ACK" {
          try send("AUTHENTICATE PLAIN")
        } else if sub == "NAK" {
          throw .refused(destination: destination, reason: "the server refused the SASL capability")
        }
      case "AUTHENTICATE":
        guard message.parameters.first == "+", let account = address.account, let password else { continue }
        let encoded = Data("\0\(account)\0\(password)".utf8).base64EncodedString()
        var rest = Substring(encoded)
        repeat {
          try send("AUTHENTICATE \(rest.prefix(400))")
          rest = rest.dropFirst(400)
        } while !rest.isEmpty
        if encoded.utf8.count % 400 == 0 { try send("AUTHENTICATE +") }
      case "900": continue
      case "903":
        saslDone = true
        try send("CAP END")
      case "902", "904", "905", "906", "908":
        throw .credentials(destination: destination, reason: "SASL PLAIN failed for \(address.account ?? "") (\(message.command))")
      case "421" where message.parameters.dropFirst().first == "CAP":
        throw .refused(destination: destination, reason: "the server does not offer SASL, so the account cannot log in")
      default: continue
      }
    }
  }

  private func join() throws(ChatError) {
    let destination = "irc \(address)"
    try send("JOIN \(address.channel)" + (address.key.map { " \($0)" } ?? ""))
    var joined = false
    while true {
      let message = try read()
      switch message.command {
      case "JOIN" where message.nick == nick:
        joined = true
        if let prefix = message.prefix { prefixLength = prefix.utf8.count + 2 }
      case "366" where joined: return
      case "403", "405", "471", "473", "474", "475", "476", "477", "489":
        throw .refused(
          destination: destination, reason: "cannot join \(address.channel): \(message.trailing ?? message.command) (\(message.command))")
      default: continue
      }
    }
  }

  // MARK: - Lines

  /// Sends PING and reads up to its PONG; returns the first reply in `watching` seen on the way.
  private func confirm(watching: Set<String>) throws(ChatError) -> IRCMessage? {
    pingCount += 1
    let token = "pushnote-\(pingCount)"
    try send("PING :\(token)")
    var seen: IRCMessage?
    while true {
      let message = try read()
      if message.command == "PONG", message.trailing == token { return seen }
      if seen == nil, watching.contains(message.command) { seen = message }
    }
  }

  /// Reads the next message, answering PING and turning ERROR into a failure.
  private func read() throws(ChatError) -> IRCMessage {
    let destination = "irc \(address)"
    while true {
      let bytes: [UInt8]
      do {
        bytes = try connection.readLine(limit: 8192)
      } catch {
        throw Self.chatError(error, destination: destination)
      }
      guard let message = IRCMessage(line: String(decoding: bytes, as: UTF8.self)) else { continue }
      switch message.command {
      case "PING": try send("PONG :\(IRCText.clean(message.trailing ?? ""))", paced: false)
      case "ERROR" where (message.trailing ?? "").lowercased().contains("password"):
        throw .credentials(destination: destination, reason: "the server closed the link: \(message.trailing ?? "")")
      case "ERROR": throw .unreachable(destination: destination, reason: "the server closed the link: \(message.trailing ?? "")")
      default: return message
      }
    }
  }

  /// Writes one line: a command built here, with CR LF added; at the flood pace unless `paced` is false.
  private func send(_ line: String, paced: Bool = true) throws(ChatError) {
    precondition(!line.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 }, "an IRC line holds no CR, LF or NUL")
    if paced {
      let elapsed = (clock.now - start).components
      let wait = flood.delay(now: Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
      if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }
    var bytes = Array(line.utf8.prefix(IRCText.lineLimit - 2))
    bytes += [0x0D, 0x0A]
    do {
      try connection.write(bytes)
    } catch {
      throw Self.chatError(error, destination: "irc \(address)")
    }
  }

  /// The next nick to try while `tried` are taken: `nick_`, `nick__`, `nick1`, `nick2`; nil after five.
  static func alternative(to nick: String, after tried: [String]) -> String? {
    let candidates = [nick + "_", nick + "__", nick + "1", nick + "2"].map { String($0.prefix(30)) }
    return candidates.first { !tried.contains($0) && IRCAddress.isNick($0) }
  }

  /// The chat error for a broken connection.
  static func chatError(_ error: NetworkError, destination: String) -> ChatError {
    switch error {
    case .tls(_, let reason): return .refused(destination: destination, reason: "TLS: \(reason)")
    default: return .unreachable(destination: destination, reason: error.description)
    }
  }
}

/// How long chat waits for servers.
public struct ChatTimeouts: Sendable, Equatable {
  /// Seconds to connect; short for the attempt a command makes on its way, so a server that is
  /// down costs the push nothing (the message is queued).
  public var connect: Double
  /// Seconds to wait for each answer.
  public var read: Double

  /// Timeouts.
  public init(connect: Double, read: Double) {
    self.connect = connect
    self.read = read
  }

  /// The attempt a command makes on its way: 1 s to connect, 5 s for each answer.
  public static let inline = ChatTimeouts(connect: 1, read: 5)
  /// `pushnote say`: 10 s to connect, 20 s for each answer.
  public static let patient = ChatTimeouts(connect: 10, read: 20)
}
