import PushnoteCore
import Testing

@Suite struct IRCTextTests {
  @Test func lineBreaksAndNULBecomeBlanksAndCTCPMarkersGo() {
    #expect(IRCText.clean("x\r\nQUIT") == "x  QUIT")
    #expect(IRCText.clean("a\0b") == "a b")
    #expect(IRCText.clean("\u{01}ACTION dances\u{01}") == "ACTION dances")
    #expect(IRCText.clean("naïve 日本 🚀") == "naïve 日本 🚀")
  }

  @Test func messageLinesNeverHoldALineBreakOrNUL() {
    let lines = IRCText.lines(of: "one\r\nPRIVMSG #other :pwned\n\ntwo\0three\r", limit: 400)
    #expect(lines == ["one", "PRIVMSG #other :pwned", "two three"])
    for line in lines { #expect(!line.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0 || $0 == 1 }) }
  }

  @Test func longTextIsCutAtBlanksWithinTheByteLimit() {
    let words = (0..<200).map { ["push", "déploiement", "日本語", "🚀rocket", "x"][$0 % 5] + String($0) }
    let text = words.joined(separator: " ")
    #expect(text.utf8.count > 1000)
    let pieces = IRCText.split(text, limit: 100)
    #expect(pieces.count > 10)
    for piece in pieces {
      #expect(piece.utf8.count <= 100)
      #expect(!piece.hasPrefix(" ") && !piece.hasSuffix(" "))
    }
    #expect(pieces.joined(separator: " ") == text)
    // Greedy: no piece could have taken the next word.
    for (piece, next) in zip(pieces, pieces.dropFirst()) {
      let firstWord = next.prefix { $0 != " " }
      #expect(piece.utf8.count + 1 + firstWord.utf8.count > 100)
    }
  }

  @Test func aWordLongerThanALineIsCutBetweenCharactersNeverInsideOne() {
    let word = String(repeating: "é", count: 150) + String(repeating: "🚀", count: 40)
    let pieces = IRCText.split(word, limit: 101)
    #expect(pieces.joined() == word)
    for piece in pieces {
      #expect(piece.utf8.count <= 101)
      #expect(String(validating: Array(piece.utf8), as: UTF8.self) == piece)
    }
    #expect(pieces.first?.utf8.count == 100)  // 50 two-byte characters; a 51st would need 102
  }

  @Test func theBudgetLeavesRoomForTheRelayedPrefix() {
    let prefix = ":pushnote!~pushnote@127.0.0.1 "
    let budget = IRCText.budget(command: "PRIVMSG", target: "#push", prefixLength: prefix.utf8.count)
    let line = prefix + "PRIVMSG #push :" + String(repeating: "a", count: budget) + "\r\n"
    #expect(line.utf8.count == 512)
  }

  @Test func floodControlSendsABurstThenOneLinePerInterval() {
    var flood = FloodControl(burst: 3, interval: 1)
    let waits = (0..<6).map { _ in flood.delay(now: 0) }
    #expect(waits == [0, 0, 0, 1, 2, 3])
    var later = FloodControl(burst: 3, interval: 1)
    _ = (0..<3).map { _ in later.delay(now: 0) }
    #expect(later.delay(now: 10) == 0)  // the timer ran down while idle
  }

  @Test func serverLinesParseWithPrefixParametersAndTrailing() throws {
    let message = try #require(IRCMessage(line: ":pushnote!~p@127.0.0.1 PRIVMSG #push :hello  world"))
    #expect(message.nick == "pushnote")
    #expect(message.command == "PRIVMSG")
    #expect(message.parameters == ["#push", "hello  world"])
    let reply = try #require(IRCMessage(line: ":irc.test 433 * pushnote :Nickname already in use"))
    #expect(reply.command == "433")
    #expect(reply.parameters == ["*", "pushnote", "Nickname already in use"])
    #expect(IRCMessage(line: "PING :abc")?.trailing == "abc")
    #expect(IRCMessage(line: "") == nil)
  }
}
