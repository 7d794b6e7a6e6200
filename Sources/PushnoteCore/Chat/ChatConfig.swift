import Foundation
import Yams

/// Where pushnote posts about the push: the `chat:` list of `pushnote.yml`.
///
/// Each destination has a kind (`irc`, `matrix`, `slack`) and may turn events off with
/// `off: [stage, cherry_pick]`. Secrets never appear here: they come from the environment
/// (`PUSHNOTE_IRC_PASSWORD`, `PUSHNOTE_MATRIX_TOKEN`, `PUSHNOTE_SLACK_WEBHOOK`). `docs/chat.md`
/// documents each key.
public struct ChatConfig: Sendable, Equatable {
  /// The destinations, in the order messages go out.
  public var destinations: [ChatDestination] = []

  /// No destination: nothing is posted.
  public init(destinations: [ChatDestination] = []) { self.destinations = destinations }
}

/// One channel, room or webhook, and the events it is not told about.
public struct ChatDestination: Sendable, Equatable, CustomStringConvertible {
  /// What kind of server, and how to reach it.
  public enum Service: Sendable, Equatable {
    /// An IRC channel.
    case irc(IRCAddress)
    /// A Matrix room on a homeserver (`https://`, or `http://` to loopback).
    case matrix(homeserver: URL, room: String)
    /// A Slack incoming webhook; its URL is the secret `PUSHNOTE_SLACK_WEBHOOK`.
    case slack
  }

  /// The server.
  public var service: Service
  /// Events this destination is not told about.
  public var off: Set<ChatEventKind> = []

  /// A destination told about every event.
  public init(_ service: Service, off: Set<ChatEventKind> = []) {
    self.service = service
    self.off = off
  }

  /// The destination's name in messages and in the queue; it never holds a secret.
  ///
  /// `irc ircs://host:6697/#channel`, `matrix https://host (#room:host)`, `slack webhook`.
  public var description: String {
    switch service {
    case .irc(let address): return "irc \(address)"
    case .matrix(let homeserver, let room): return "matrix \(homeserver.absoluteString) (\(room))"
    case .slack: return "slack webhook"
    }
  }

  /// Whether the destination can set a topic (Slack webhooks cannot).
  public var setsTopic: Bool {
    if case .slack = service { return false }
    return true
  }
}

/// An IRC server, channel and identity, as `ircs://host:6697/#channel` and the keys beside it.
public struct IRCAddress: Sendable, Equatable, CustomStringConvertible {
  /// The server's host name or address.
  public var host: String
  /// The port: 6697 for `ircs://`, 6667 for `irc://` unless given.
  public var port: Int
  /// Whether TLS is used (`ircs://`); plain `irc://` is refused unless the host is loopback.
  public var tls: Bool
  /// The channel, with its `#`.
  public var channel: String
  /// The nick the bot asks for; `_`, then digits are appended while it is taken.
  public var nick: String
  /// The SASL PLAIN account; its password is `PUSHNOTE_IRC_PASSWORD`.
  public var account: String?
  /// The channel key (`+k`), if the channel has one; it is not a secret of the bot's.
  public var key: String?
  /// A PEM file of certificates to trust instead of the system's (a self-signed server).
  public var caFile: String?

  /// An address; `irc://` to a host that is not loopback is refused when pushnote.yml is read.
  public init(
    host: String, port: Int, tls: Bool, channel: String, nick: String, account: String? = nil, key: String? = nil, caFile: String? = nil
  ) {
    self.host = host
    self.port = port
    self.tls = tls
    self.channel = channel
    self.nick = nick
    self.account = account
    self.key = key
    self.caFile = caFile
  }

  public var description: String { "\(tls ? "ircs" : "irc")://\(host.contains(":") ? "[\(host)]" : host):\(port)/\(channel)" }

  /// Reads `ircs://host[:port]/#channel` (the `#` may be left out); nil with the reason.
  public static func parse(_ text: String) -> (host: String, port: Int, tls: Bool, channel: String)? {
    let tls: Bool
    var rest: Substring
    if text.hasPrefix("ircs://") {
      tls = true
      rest = text.dropFirst(7)
    } else if text.hasPrefix("irc://") {
      tls = false
      rest = text.dropFirst(6)
    } else {
      return nil
    }
    guard let slash = rest.firstIndex(of: "/") else { return nil }
    var authority = rest[..<slash]
    rest = rest[rest.index(after: slash)...]
    var host: Substring
    var port = tls ? 6697 : 6667
    if authority.hasPrefix("[") {
      guard let close = authority.firstIndex(of: "]") else { return nil }
      host = authority[authority.index(after: authority.startIndex)..<close]
      authority = authority[authority.index(after: close)...]
    } else {
      host = authority.prefix { $0 != ":" }
      authority = authority[host.endIndex...]
    }
    if authority.hasPrefix(":") {
      guard let number = Int(authority.dropFirst()), (1...65535).contains(number) else { return nil }
      port = number
    } else if !authority.isEmpty {
      return nil
    }
    let channel = rest.hasPrefix("#") || rest.hasPrefix("&") ? String(rest) : "#" + rest
    guard !host.isEmpty, isChannel(channel) else { return nil }
    return (String(host), port, tls, channel)
  }

  /// Whether text is a channel name servers accept: `#` or `&`, then up to 49 bytes without
  /// blanks, commas, BEL or line breaks.
  public static func isChannel(_ text: String) -> Bool {
    guard let first = text.utf8.first, first == UInt8(ascii: "#") || first == UInt8(ascii: "&") else { return false }
    return text.utf8.count > 1 && text.utf8.count <= 50 && !text.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: ",") }
  }

  /// Whether text is a nick (RFC 2812): a letter or `[]\`_^{|}` first, then also digits and `-`,
  /// at most 30 characters.
  public static func isNick(_ text: String) -> Bool {
    let special = Set("[]\\`_^{|}".utf8)
    guard let first = text.utf8.first, text.utf8.count <= 30 else { return false }
    func letter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || special.contains(byte) }
    return letter(first) && text.utf8.allSatisfy { letter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
  }
}

extension ChatConfig {
  /// Where the environment's secrets are named.
  public enum Secret {
    /// The SASL PLAIN password (with `account:`), else the server password (PASS).
    public static let ircPassword = "PUSHNOTE_IRC_PASSWORD"
    /// The Matrix access token.
    public static let matrixToken = "PUSHNOTE_MATRIX_TOKEN"
    /// The Slack incoming-webhook URL.
    public static let slackWebhook = "PUSHNOTE_SLACK_WEBHOOK"
    /// All of them, for redaction.
    public static let all = [ircPassword, matrixToken, slackWebhook]
  }

  /// Reads the `chat:` node of `pushnote.yml`: a list of destinations.
  ///
  /// - Throws: ``NotebookError/configuration(path:line:column:message:)`` at the offending key or value.
  init(_ node: Node, reader: YAMLReader) throws(NotebookError) {
    for entry in try reader.sequence(node, what: "chat") {
      destinations.append(try Self.destination(entry, reader: reader))
    }
  }

  private static func destination(_ node: Node, reader: YAMLReader) throws(NotebookError) -> ChatDestination {
    let keys: Set<String> = ["kind", "url", "nick", "account", "key", "ca_file", "homeserver", "room", "off"]
    let fields = try reader.mapping(node, allowed: keys, what: "a chat destination")
    func field(_ name: String) -> Node? { fields.first { $0.key == name }?.value }
    guard let kindNode = field("kind") else { throw reader.error(node, "a chat destination needs kind: irc, matrix or slack") }
    let kind = try reader.string(kindNode, what: "chat kind")
    let allowed: Set<String>
    let service: ChatDestination.Service
    switch kind {
    case "irc":
      allowed = ["kind", "url", "nick", "account", "key", "ca_file", "off"]
      service = .irc(try irc(fields, node: node, reader: reader))
    case "matrix":
      allowed = ["kind", "homeserver", "room", "off"]
      guard let homeserverNode = field("homeserver"), let roomNode = field("room") else {
        throw reader.error(node, "a matrix destination needs homeserver: URL and room: !id:server or #alias:server")
      }
      let text = try reader.string(homeserverNode, what: "chat homeserver")
      guard let url = URL(string: text), let host = url.host, url.user == nil, url.query == nil,
        url.scheme == "https" || (url.scheme == "http" && ServerURL.isLoopback(host))
      else {
        throw reader.error(homeserverNode, "homeserver '\(text)' is not an https:// URL (http:// only to loopback) without credentials")
      }
      let room = try reader.string(roomNode, what: "chat room")
      guard room.first == "!" || room.first == "#", room.dropFirst().contains(":"), !room.contains(where: \.isWhitespace) else {
        throw reader.error(roomNode, "room '\(room)' is neither a room id (!id:server) nor an alias (#name:server)")
      }
      service = .matrix(homeserver: url, room: room)
    case "slack":
      allowed = ["kind", "off"]
      if let url = fields.first(where: { $0.key == "url" }) {
        throw reader.error(
          url.keyNode, "the Slack webhook URL is a secret: set \(Secret.slackWebhook) in the environment, not in pushnote.yml")
      }
      service = .slack
    default:
      throw reader.error(kindNode, "unknown chat kind '\(kind)' (known: irc, matrix, slack)")
    }
    for (key, keyNode, _) in fields where !allowed.contains(key) {
      throw reader.error(keyNode, "'\(key)' does not apply to a \(kind) destination (known: \(allowed.sorted().joined(separator: ", ")))")
    }
    var off: Set<ChatEventKind> = []
    if let offNode = field("off") {
      for element in try reader.sequence(offNode, what: "chat off") {
        let name = try reader.string(element, what: "an event of chat off")
        guard let event = ChatEventKind(rawValue: name) else {
          throw reader.error(
            element, "unknown chat event '\(name)' (known: \(ChatEventKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        off.insert(event)
      }
    }
    return ChatDestination(service, off: off)
  }

  private static func irc(
    _ fields: [(key: String, keyNode: Node, value: Node)], node: Node, reader: YAMLReader
  ) throws(NotebookError)
    -> IRCAddress
  {
    func value(_ name: String) -> Node? { fields.first { $0.key == name }?.value }
    guard let urlNode = value("url"), let nickNode = value("nick") else {
      throw reader.error(node, "an irc destination needs url: ircs://host:6697/#channel and nick:")
    }
    let url = try reader.string(urlNode, what: "chat url")
    guard let parts = IRCAddress.parse(url) else {
      throw reader.error(urlNode, "'\(url)' is not an IRC address (ircs://host:6697/#channel)")
    }
    guard parts.tls || ServerURL.isLoopback(parts.host) else {
      throw reader.error(urlNode, "irc:// sends in the clear; use ircs:// (plain irc:// is allowed only to loopback)")
    }
    let nick = try reader.string(nickNode, what: "chat nick")
    guard IRCAddress.isNick(nick) else {
      throw reader.error(nickNode, "'\(nick)' is not an IRC nick (a letter first, at most 30 characters)")
    }
    var address = IRCAddress(host: parts.host, port: parts.port, tls: parts.tls, channel: parts.channel, nick: nick)
    if let accountNode = value("account") {
      let account = try reader.string(accountNode, what: "chat account")
      guard !account.isEmpty, !account.utf8.contains(where: { $0 < 0x21 }) else {
        throw reader.error(accountNode, "the account must be one word")
      }
      address.account = account
    }
    if let keyNode = value("key") {
      let key = try reader.string(keyNode, what: "chat key")
      guard !key.isEmpty, !key.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ",") }) else {
        throw reader.error(keyNode, "a channel key is one word without commas")
      }
      address.key = key
    }
    if let caNode = value("ca_file") { address.caFile = try reader.string(caNode, what: "chat ca_file") }
    return address
  }
}
