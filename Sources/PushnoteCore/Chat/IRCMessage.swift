/// One line an IRC server sends: `[:prefix] COMMAND params… [:trailing]` (RFC 2812 2.3.1).
public struct IRCMessage: Sendable, Equatable {
  /// Who sent it (`nick!user@host` or a server name); nil without a prefix.
  public var prefix: String?
  /// The command or three-digit reply, upper-cased.
  public var command: String
  /// The parameters, the trailing one last and whole.
  public var parameters: [String]

  /// Parses a line without its CR LF; nil for an empty line.
  public init?(line: String) {
    var rest = Substring(line)
    if rest.hasPrefix("@") {  // IRCv3 message tags, ignored
      guard let space = rest.firstIndex(of: " ") else { return nil }
      rest = rest[rest.index(after: space)...].drop { $0 == " " }
    }
    if rest.hasPrefix(":") {
      let end = rest.firstIndex(of: " ") ?? rest.endIndex
      prefix = String(rest[rest.index(after: rest.startIndex)..<end])
      rest = rest[end...].drop { $0 == " " }
    }
    var parameters: [String] = []
    var command: String?
    while !rest.isEmpty {
      if command != nil, rest.hasPrefix(":") {
        parameters.append(String(rest.dropFirst()))
        break
      }
      let end = rest.firstIndex(of: " ") ?? rest.endIndex
      let word = String(rest[..<end])
      if command == nil { command = word.uppercased() } else { parameters.append(word) }
      rest = rest[end...].drop { $0 == " " }
    }
    guard let command else { return nil }
    self.command = command
    self.parameters = parameters
  }

  /// The nick of the prefix (before `!`).
  public var nick: String? { prefix.map { String($0.prefix { $0 != "!" }) } }

  /// The last parameter, the text of a PRIVMSG or TOPIC.
  public var trailing: String? { parameters.last }
}
