import Foundation
import PushnoteCore
import Testing

/// Notes that are empty, odd or hostile: the parser reads what it can and never crashes.
@Suite struct BadInputTests {
  private func parse(_ bytes: [UInt8], path: String? = "mkt-2026-12-01.md") throws -> ParsedNote {
    try ParsedNote(bytes: bytes, path: path)
  }

  private func parse(_ text: String) throws -> ParsedNote { try parse(Array(text.utf8)) }

  @Test func emptyFile() throws {
    let note = try parse([]).note
    #expect(note.sections.isEmpty && note.title == nil && note.compare.isEmpty)
    #expect(note.date == PushDate("2026-12-01"))
    #expect(note.problems.isEmpty)
  }

  @Test func noHeadingsAtAll() throws {
    let note = try parse("just some text\n\n- [ ] an item outside any section\n").note
    #expect(note.sections.isEmpty)
    #expect(note.problems.isEmpty)
  }

  @Test func duplicateHeadingsKeepTheirOwnItems() throws {
    let note = try parse("## Checklist\n\n- [x] a\n\n## Checklist\n\n- [ ] b\n- [ ] c\n").note
    #expect(note.sections.map(\.items.count) == [1, 2])
    #expect(note.problems.map(\.severity) == [.warning])
  }

  @Test func headingsInCodeBlocksAreText() throws {
    let note = try parse("## Real\n\n```\n## fenced\n- [ ] not an item\n```\n\n    ## indented\n").note
    #expect(note.sections.map(\.title) == ["Real"])
    #expect(note.sections[0].items.isEmpty)
  }

  @Test func crlfLineEndings() throws {
    let parsed = try parse("# Push\r\n\r\n- QA: krupa\r\n\r\n## Checklist\r\n\r\n- [x] one\r\n- [ ] two\r\n")
    #expect(parsed.note.people.qa == "krupa")
    let field = try #require(parsed.note.headerFields.first)
    #expect(parsed.source.string(field.valueRange) == "krupa")
    let items = try #require(parsed.note.sections.last?.items)
    #expect(items.map(\.text) == ["one", "two"])
    #expect(items.map { parsed.source.string($0.range) } == ["- [x] one", "- [ ] two"])
    #expect(parsed.source.bytes[items[0].boxOffset ?? 0] == UInt8(ascii: "x"))
  }

  @Test func byteOrderMarkKeepsBoxOffsetsExact() throws {
    let parsed = try parse([0xEF, 0xBB, 0xBF] + Array("## Checklist\n- [x] one\n".utf8))
    let section = try #require(parsed.note.sections.first)
    #expect(section.title == "Checklist")
    #expect(section.range.lowerBound == 3)
    #expect(section.items.first?.boxOffset == 3 + 13 + 3)
  }

  @Test func nulBytesDoNotShiftBoxes() throws {
    let parsed = try parse(Array("## A\u{0}B\n\n- [ ] x\u{0}y\n- [x] z\n".utf8))
    let items = try #require(parsed.note.sections.first?.items)
    #expect(items.count == 2)
    for item in items { #expect(parsed.source.bytes[(item.boxOffset ?? 0) - 1] == UInt8(ascii: "[")) }
    #expect(parsed.note.problems.map(\.description) == ["1:5: warning: NUL byte in the note (2 in all)"])
  }

  @Test func invalidUTF8IsAnErrorWithItsOffset() {
    let bytes = Array("# Push\n\n- [ ] caf".utf8) + [0xC3, 0x28] + Array("\n".utf8)
    #expect(throws: MarkdownError.invalidUTF8(path: "bad.md", offset: 17, location: SourceLocation(line: 3, column: 10, offset: 17))) {
      try ParsedNote(bytes: bytes, path: "bad.md")
    }
  }

  @Test func fiveMegabyteNote() throws {
    // Mostly prose, as a long-running note grows; enough structure to exercise every reader.
    let prose = String(repeating: "QA looked at the stage server again and found nothing worrying, see the dashboard. ", count: 50)
    var text = "# Marketplace push 2026-12-01\n\n- Release manager: ddurst\n\n"
    var week = 0
    while text.utf8.count < 5_000_000 {
      week += 1
      text += "## Section \(week)\n\n- [x] https://github.com/mozilla/zamboni/compare/2026.11.24...2026.12.01\n"
      text += "- [ ] switch `flag-\(week)` on\n- ~~https://github.com/mozilla/zamboni/commit/4be0ca4973917a4f9aba5d6db94757112e639ca0~~\n\n"
      text += prose + "\n\n    indented code \(week)\n\n"
    }
    let parsed = try parse(text)
    let note = parsed.note
    #expect(parsed.source.bytes.count >= 5_000_000)
    #expect(note.sections.count == week + 1)
    #expect(note.compare.count == week)
    #expect(note.cherryPicks.count == week && note.cherryPicks.allSatisfy { $0.done })
    #expect(note.flags.count == week)
    #expect(note.sections.last?.progress.done == 2 && note.sections.last?.progress.total == 3)
    #expect(note.sections.last?.range.upperBound == parsed.source.bytes.count)
    #expect(note.people.releaseManager == "ddurst")
  }

}
