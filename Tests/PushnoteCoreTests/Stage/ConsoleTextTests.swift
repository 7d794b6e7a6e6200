import Foundation
import PushnoteCore
import Testing

/// A build's console made fit for a note.
@Suite struct ConsoleTextTests {
  @Test func theLastLinesWithoutEscapesOrControlCharacters() {
    let console =
      "Started by user rm\r\n\u{1B}[1;31mERROR\u{1B}[0m: \u{1B}]8;;http://x\u{07}link\u{1B}]8;;\u{07} failed"
      + "\rprogress 100%\u{08}\n\tindented\u{00}\n\n\n"
    #expect(ConsoleText.tail(Data(console.utf8), lines: 10) == ["Started by user rm", "ERROR: link failed", "progress 100%", "\tindented"])
    #expect(ConsoleText.tail(Data(console.utf8), lines: 2) == ["progress 100%", "\tindented"])
    #expect(ConsoleText.tail(Data(console.utf8), lines: 0).isEmpty)
  }

  @Test func bytesThatAreNotUTF8AreShownAsReplacements() {
    #expect(ConsoleText.tail(Data([0x6F, 0x6B, 0xFF, 0x0A]), lines: 5) == ["ok\u{FFFD}"])
  }

  @Test func theFenceIsLongerThanAnyBacktickRun() {
    #expect(ConsoleText.fence(for: ["plain"]) == "```")
    #expect(ConsoleText.fence(for: ["a ``` b", "````"]) == "`````")
  }
}
