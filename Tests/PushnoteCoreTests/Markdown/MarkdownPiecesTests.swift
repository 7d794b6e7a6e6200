import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// A big note is parsed in pieces; the blocks and plain text are exactly those of one parse of the whole.
@Suite struct MarkdownPiecesTests {
  /// The sample corpus's notes, and generated ones.
  static let notes: [(String, [UInt8])] = {
    var notes = Fixtures.notes().map { ($0.name, $0.bytes) }
    notes.append(("weeks", GeneratedNotes.weeks(bytes: 200_000).flatMap { $0 }))
    notes.append(("short lines", GeneratedNotes.shortLines(bytes: 200_000, seed: 5)))
    return notes
  }()

  private func converted(
    _ bytes: [UInt8], pieceSize: Int, workers: Int = 2
  ) throws -> (blocks: [MarkdownBlock], plainText: [UInt8]) {
    try CommonMarkConverter.convert(SourceText(bytes: bytes), pieceSize: pieceSize, workers: workers)
  }

  /// Every block but lists, code and HTML, as the whole and the pieces cut in lists must both have
  /// them: kind, bytes, line, column and plain text.
  ///
  /// A fenced code block in an item that the next item ends has, in the whole, an end position in
  /// that next line (cmark's, not CommonMark's, which ends it with its item); nothing reads the
  /// ranges of code and HTML blocks.
  private func blocksButLists(_ bytes: [UInt8], pieceSize: Int, workers: Int = 2) throws -> [String] {
    let source = try SourceText(bytes: bytes)
    var result: [String] = []
    try CommonMarkConverter.convert(source, pieceSize: pieceSize, workers: workers, splitsLists: true, transform: { $0 }) { piece in
      for block in piece.blocks {
        switch block.kind {
        case .list, .codeBlock, .htmlBlock: continue
        default: break
        }
        result.append("\(block.kind) \(block.range) \(block.line):\(block.column) \(piece.plainText(of: block))")
      }
    }
    return result
  }

  @Test func theCorpusIsThere() {
    #expect(Self.notes.count >= 28)
  }

  @Test(arguments: notes.map(\.0)) func piecesGiveTheBlocksOfTheWhole(name: String) throws {
    let bytes = try #require(Self.notes.first { $0.0 == name }).1
    let whole = try converted(bytes, pieceSize: .max)
    // A piece of one byte cuts at every place where a cut is allowed; the pieces of a wave are
    // parsed at once, one thread each.
    for pieceSize in [1, 64, 4096] {
      for workers in [1, 3] {
        let pieces = try converted(bytes, pieceSize: pieceSize, workers: workers)
        #expect(pieces.blocks == whole.blocks, "\(name), pieces of \(pieceSize), \(workers) workers")
        #expect(pieces.plainText == whole.plainText, "\(name), pieces of \(pieceSize), \(workers) workers")
      }
    }
  }

  @Test(arguments: notes.map(\.0) + ["one long list"]) func piecesCutInListsGiveEveryOtherBlockOfTheWhole(name: String) throws {
    let bytes = name == "one long list" ? Self.longList : try #require(Self.notes.first { $0.0 == name }).1
    let whole = try blocksButLists(bytes, pieceSize: .max)
    for pieceSize in [1, 64, 4096] {
      #expect(try blocksButLists(bytes, pieceSize: pieceSize, workers: 3) == whole, "\(name), pieces of \(pieceSize)")
    }
  }

  /// A note that is one list, with nested items, lazy lines, code, quotes and HTML in its items,
  /// and what only looks like a bullet item.
  static let longList: [UInt8] = {
    var text = "# One list\n\n"
    for index in 0..<300 {
      switch index % 10 {
      case 0: text += "- [x] step \(index)\n  - nested \(index)\n    - deeper\n"
      case 1: text += "- item \(index)\nlazy line of it\n"
      case 2: text += "- item \(index)\n\n  ```\n- not an item: in the code\n  ```\n"
      case 3: text += "* other marker \(index)\n+ and another\n"
      case 4: text += "- quote \(index)\n  > quoted\n> lazy quote\n"
      case 5: text += "- - -\n- * *\n-  two spaces \(index)\n"
      case 6: text += "- <div>\n- html \(index)\n\n"
      case 7: text += "```\n- in a top-level fence \(index)\n\n- still\n```\n"
      case 8: text += "<pre>\n- inside pre \(index)\n\n- still\n</pre>\n"
      default: text += "- loose \(index)\n\n- [ ] after a blank \(index)\nText \(index)\n- 11:02: event \(index)\n"
      }
    }
    return Array(text.utf8)
  }()

  @Test func aCutNeverFallsInsideWhatGoesOnOverABlankLine() throws {
    let text = """
      # Note

      ```
      code

      fenced over a blank line
      ```

      <!--
      a comment

      over a blank line
      -->

      - item

        continued after a blank line
      > quote

      last paragraph
      \r
      Windows line after a blank one\r
      """
    let bytes = Array(text.utf8)
    #expect(try converted(bytes, pieceSize: 1).blocks == (try converted(bytes, pieceSize: .max).blocks))
    #expect(try converted(bytes, pieceSize: 1).plainText == (try converted(bytes, pieceSize: .max).plainText))
  }

  @Test func aLinkReferenceDefinitionKeepsTheNoteWhole() throws {
    let bytes = Array("# Note\n\n[x] done\n\nlater\n\n[x]: https://example.org\n".utf8)
    let whole = try converted(bytes, pieceSize: .max)
    #expect(try converted(bytes, pieceSize: 1).blocks == whole.blocks)
    #expect(String(decoding: whole.plainText, as: UTF8.self).hasPrefix("Notex done"))
  }

  @Test func aByteOrderMarkAndNULBytesMapBackInEveryPiece() throws {
    let bytes = [0xEF, 0xBB, 0xBF] + Array("# Note\n\ntext\u{0}more\n\nnext\u{0}\n\nlast\n".utf8)
    let whole = try converted(bytes, pieceSize: .max)
    #expect(try converted(bytes, pieceSize: 1).blocks == whole.blocks)
    #expect(whole.blocks.first?.range == 3..<9)
  }

  /// Buffers that cmark grows far past the arena's shared blocks (long code blocks and a long
  /// paragraph, several alive at once) grow in blocks of their own, moved by `realloc`; what comes
  /// out is exactly what went in, and the arena's release after each piece frees every block once.
  @Test func buffersThatGrowLargeComeOutWhole() throws {
    let lines = (0..<6_000).map { "line \($0) of a long code block" }
    let code = lines.joined(separator: "\n") + "\n"
    let words = (0..<40_000).map { "w\($0)" }.joined(separator: " ")
    let text =
      "# Big\n\n```sh\n" + code + "```\n\n> ```\n> " + lines.joined(separator: "\n> ") + "\n> ```\n\n" + words + "\n\n~~~\n" + code
      + "~~~\n"
    for pieceSize in [Int.max, 1 << 16] {
      let result = try converted(Array(text.utf8), pieceSize: pieceSize)
      let source = try SourceText(bytes: Array(text.utf8))
      let codes = result.blocks.filter { $0.kind == .codeBlock }.map { source.string($0.range) }
      #expect(
        codes == ["```sh\n" + code + "```", "```\n> " + lines.joined(separator: "\n> ") + "\n> ```", "~~~\n" + code + "~~~"],
        "pieces of \(pieceSize)")
      #expect(String(decoding: result.plainText, as: UTF8.self) == "Big" + words, "pieces of \(pieceSize)")
    }
  }
}
