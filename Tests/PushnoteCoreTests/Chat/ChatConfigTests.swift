import Foundation
import PushnoteCore
import Testing

@Suite struct ChatConfigTests {
  @Test func readsEachKindOfDestination() throws {
    let config = try NotebookConfig(
      yaml: """
        product: Acme
        chat:
          - {kind: irc, url: "ircs://irc.example.org/#marketplace", nick: pushnote, account: bot, key: sesame, off: [stage, cherry_pick]}
          - {kind: irc, url: "irc://127.0.0.1:6668/ops", nick: pn}
          - {kind: matrix, homeserver: "https://matrix.example.org", room: "#marketplace:example.org"}
          - {kind: slack, off: [topic]}
        """, path: "pushnote.yml")
    let destinations = config.chat.destinations
    #expect(destinations.count == 4)
    guard case .irc(let irc) = destinations[0].service, case .irc(let plain) = destinations[1].service else {
      Issue.record("not IRC")
      return
    }
    #expect(
      irc
        == IRCAddress(
          host: "irc.example.org", port: 6697, tls: true, channel: "#marketplace", nick: "pushnote", account: "bot", key: "sesame"))
    #expect(destinations[0].off == [.stage, .cherryPick])
    #expect(destinations[0].description == "irc ircs://irc.example.org:6697/#marketplace")
    #expect(plain.channel == "#ops" && plain.port == 6668 && !plain.tls)
    #expect(destinations[2].service == .matrix(homeserver: URL(string: "https://matrix.example.org")!, room: "#marketplace:example.org"))
    #expect(destinations[3].service == .slack && !destinations[3].setsTopic)
  }

  @Test(arguments: [
    ("chat:\n  - {kind: irc, url: \"irc://irc.example.org/#m\", nick: pn}\n", 2, 22, "use ircs://"),
    ("chat:\n  - {kind: irc, url: \"ircs://irc.example.org/#m\", nick: 9lives}\n", 2, 57, "not an IRC nick"),
    ("chat:\n  - {kind: irc, url: \"ircs://irc.example.org\", nick: pn}\n", 2, 22, "not an IRC address"),
    ("chat:\n  - {kind: slack, url: \"https://hooks.slack.com/services/T/B/x\"}\n", 2, 19, "PUSHNOTE_SLACK_WEBHOOK"),
    ("chat:\n  - {kind: matrix, homeserver: \"http://matrix.example.org\", room: \"#m:example.org\"}\n", 2, 32, "https://"),
    ("chat:\n  - {kind: matrix, homeserver: \"https://m.example.org\", room: \"marketplace\"}\n", 2, 63, "neither a room id"),
    ("chat:\n  - {kind: irc, url: \"ircs://h/#m\", nick: pn, off: [lunch]}\n", 2, 53, "unknown chat event 'lunch'"),
    ("chat:\n  - {kind: matrix, homeserver: \"https://m.example.org\", room: \"!a:b\", nick: pn}\n", 2, 71, "'nick' does not apply"),
    ("chat:\n  - {kind: telegram}\n", 2, 12, "unknown chat kind"),
    ("chat:\n  - {kind: irc, url: \"ircs://h/#m\", nick: pn, password: hunter2}\n", 2, 47, "unknown key 'password'"),
  ])
  func badDestinationsNameTheLineAndColumn(yaml: String, line: Int, column: Int, message: String) {
    #expect {
      _ = try NotebookConfig(yaml: yaml, path: "pushnote.yml")
    } throws: { error in
      guard let error = error as? NotebookError, case .configuration(let path, let atLine, let atColumn, let text) = error else {
        return false
      }
      return path == "pushnote.yml" && atLine == line && atColumn == column && text.contains(message) && error.exitStatus == .configuration
    }
  }
}
