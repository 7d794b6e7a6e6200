import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// A big note is parsed in pieces; the blocks and plain text are exactly those of one parse of the whole.
@Suite struct MarkdownPiecesTests {
  /// The sample corpus's notes, and generated ones.
  static let notes: [(String, [UInt8])] = {
    var notes: [(String, [UInt8])] = []
    for folder in ["amo", "notes"] {
      let root = Fixtures.fixture(folder)
      let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".md") }.sorted()
      for file in files {
        guard let data = FileManager.default.contents(atPath: (root as NSString).appendingPathComponent(file)) else { continue }
        notes.append((folder + "/" + file, Array(data)))
      }
    }
    notes.append(("weeks", GeneratedNotes.weeks(bytes: 200_000).flatMap { $0 }))
    notes.append(("short lines", GeneratedNotes.shortLines(bytes: 200_000, seed: 5)))
    return notes
  }()

  private func converted(
    _ bytes: [UInt8], pieceSize: Int, workers: Int = 2
  ) throws -> (blocks: [MarkdownBlock], plainText: [UInt8]) {
    try CommonMarkConverter.convert(SourceText(bytes: bytes), pieceSize: pieceSize, workers: workers)
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
