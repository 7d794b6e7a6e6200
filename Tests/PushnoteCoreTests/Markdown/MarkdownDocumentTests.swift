import PushnoteCore
import Testing

@Suite struct MarkdownDocumentTests {
  private func parse(_ text: String) throws -> MarkdownDocument { try MarkdownDocument(bytes: Array(text.utf8)) }

  @Test func blockRangesAreExactBytes() throws {
    let text = "# Week 47 — café\n\n- [ ] write report\n- [x] ship **v1**\n  - [ ] nested été item\n"
    let document = try parse(text)
    let heading = try #require(document.blocks.first)
    #expect(heading.kind == .heading(level: 1))
    #expect(document.source.string(heading.range) == "# Week 47 — café")
    #expect(document.plainText(of: heading) == "Week 47 — café")
    #expect(Array(document.topLevel) == [0, 1])
    let list = document.blocks[1]
    #expect(list.kind == .list(ordered: false, tight: true))
    let items = Array(document.children(of: 1))
    #expect(items.count == 2)
    #expect(document.plainText(of: document.blocks[items[1] + 1]) == "[x] ship v1")
    let nestedList = try #require(Array(document.children(of: items[1])).last)
    let nested = try #require(Array(document.children(of: nestedList)).first)
    #expect(document.blocks[nested].parent == nestedList)
    #expect(document.source.string(document.blocks[nested].range) == "- [ ] nested été item")
    #expect(document.blocks[nested].line == 5 && document.blocks[nested].column == 3)
    #expect(list.end == document.blocks.count)
  }

  @Test func byteOrderMarkKeepsOffsetsOfTheOriginalBytes() throws {
    let document = try MarkdownDocument(bytes: [0xEF, 0xBB, 0xBF] + Array("# Title\n\ntext\n".utf8))
    #expect(document.source.byteOrderMarkLength == 3)
    #expect(document.blocks[0].range == 3..<10)
    #expect(document.blocks[0].column == 4)
    #expect(document.source.string(document.blocks[1].range) == "text")
  }

  @Test func crlfLineEndingsStayOutsideBlocks() throws {
    let document = try parse("- [x] crlf item\r\n- [ ] second\r\n")
    let items = document.children(of: 0).map { document.blocks[$0] }
    #expect(document.source.string(items[0].range) == "- [x] crlf item")
    #expect(document.source.string(items[1].range) == "- [ ] second")
    #expect(document.source.preferredLineEnding == "\r\n")
  }

  @Test func nulBytesDoNotShiftPositions() throws {
    let document = try MarkdownDocument(bytes: Array("a\u{0}b\u{0}c\n\n## After\n".utf8))
    let heading = document.blocks[1]
    #expect(document.source.string(heading.range) == "## After")
  }

  @Test func invalidUTF8IsAnErrorWithItsOffset() {
    let bytes: [UInt8] = Array("# ok\nab".utf8) + [0xC3, 0x28] + Array("\n".utf8)
    #expect(throws: MarkdownError.invalidUTF8(path: "n.md", offset: 7, location: SourceLocation(line: 2, column: 3, offset: 7))) {
      try MarkdownDocument(bytes: bytes, path: "n.md")
    }
  }

  @Test(arguments: [
    [0xED, 0xA0, 0x80] as [UInt8],  // a surrogate
    [0xC0, 0xAF],  // overlong
    [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
    [0xE2, 0x82],  // truncated
  ])
  func malformedSequencesAreRefused(bytes: [UInt8]) {
    #expect(throws: MarkdownError.self) { try MarkdownDocument(bytes: Array("x".utf8) + bytes) }
  }

  @Test func codeBlocksAndPlainText() throws {
    let text =
      "Pushing:\n\n    https://github.com/a/b/compare/1...2\n\n[x](https://example.org/x) and <https://auto.example>\n"
      + "*a* `b` <span>c</span>\\\nd &amp; e\n"
    let document = try parse(text)
    #expect(document.blocks[1].kind == .codeBlock)
    #expect(document.source.string(document.blocks[1].range) == "https://github.com/a/b/compare/1...2")
    #expect(document.plainText(of: document.blocks[1]).isEmpty)
    #expect(document.plainText(of: document.blocks[2]) == "x and https://auto.example a b c d & e")
  }

  @Test func emptyAndDeeplyNestedInputs() throws {
    #expect(try parse("").blocks.isEmpty)
    let deep = String(repeating: ">", count: 5000) + " x\n"
    let document = try parse(deep)
    #expect(document.blocks.count > 1000)
    #expect(Array(document.topLevel) == [0])
    #expect(document.blocks[0].end == document.blocks.count)
  }

  @Test func listEndingAtBlankLineEndsAtContent() throws {
    let document = try parse("- a\n- b\n\nafter\n")
    #expect(document.source.string(document.blocks[0].range) == "- a\n- b")
  }

  @Test func parsesOnManyThreadsAtOnceAsOnOne() async throws {
    // Each parse has its own arena for cmark's memory; parses running side by side must not share one.
    let texts = (0..<64).map { index in
      "# Note \(index)\n\n" + (0..<index * 20).map { "- [x] item \($0) of \(index) with `code` and *emphasis*\n" }.joined()
    }
    let serial = try texts.map { try parse($0) }
    let parallel = try await withThrowingTaskGroup(of: (Int, MarkdownDocument).self) { group in
      for (index, text) in texts.enumerated() { group.addTask { (index, try MarkdownDocument(bytes: Array(text.utf8))) } }
      var result: [Int: MarkdownDocument] = [:]
      for try await (index, document) in group { result[index] = document }
      return result
    }
    for (index, document) in serial.enumerated() {
      let other = try #require(parallel[index])
      #expect(other.blocks == document.blocks)
      #expect(other.blocks.indices.allSatisfy { other.plainText(of: other.blocks[$0]) == document.plainText(of: document.blocks[$0]) })
    }
    #expect(serial[63].plainText(of: serial[63].blocks[3]) == "[x] item 0 of 63 with code and emphasis")
  }

  @Test func longParagraphsAndCodeBlocksSurviveTheirBuffersGrowing() throws {
    // Buffers of this size get blocks of their own, grown and freed while cmark reads: all of it
    // must come back intact, whatever order the blocks are freed in.
    let words = (0..<6_000).map { "word\($0)" }
    let paragraphs = (0..<4).map { index in words.map { "\($0)-\(index)" }.joined(separator: " ") }
    let code = (0..<3_000).map { "line \($0) of the code block" }.joined(separator: "\n")
    let text = paragraphs.joined(separator: "\n\n") + "\n\n```\n" + code + "\n```\n"
    let document = try parse(text)
    #expect(document.blocks.count == 5)
    for (index, paragraph) in paragraphs.enumerated() {
      #expect(document.plainText(of: document.blocks[index]) == paragraph)
    }
    #expect(document.blocks[4].kind == .codeBlock)
    #expect(document.source.string(document.blocks[4].range) == "```\n" + code + "\n```")
  }
}
