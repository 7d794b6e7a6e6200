import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The line scanner behind ``NoteSections`` is held to cmark's answer on every real note of the
/// AMO sample (as written, with CRLF line endings, and with each line's trailing text cut) and on
/// the note template: the same sections, titles, identities and local-only marks.
@Suite struct SectionScannerCorpusTests {
  static let notes = AMOCorpusTests.notes + ["notes/mkt-2026-12-01.md", "notes/mkt-2026-12-08.md"]

  /// The variants of a note the scanner must agree on.
  static func variants(_ text: String) -> [String] {
    let lines = text.components(separatedBy: "\n")
    return [
      text, text.replacingOccurrences(of: "\n", with: "\r\n"),
      // Headings and text cut short: closing `#`s, emphasis and code left open.
      lines.map { String($0.prefix(12)) }.joined(separator: "\n"),
    ]
  }

  @Test(arguments: SectionScannerCorpusTests.notes)
  func theScannerFindsWhatCmarkFinds(_ relative: String) throws {
    let text = try String(contentsOfFile: Fixtures.fixture(relative), encoding: .utf8)
    for variant in Self.variants(text) {
      let bytes = Array(variant.utf8)
      let localOnly = ["Private notes", "notes", "Pushing"]
      let fast = try NoteSections(bytes: bytes, localOnly: localOnly)
      let parsed = try NoteSections(bytes: bytes, localOnly: localOnly, alwaysParse: true)
      #expect(fast.sections == parsed.sections, "\(relative)")
      #expect(fast.hiddenKeys == parsed.hiddenKeys, "\(relative)")
      // And both are what the outline reads from the Markdown tree.
      let document = try MarkdownDocument(bytes: bytes)
      let headingLines = NoteOutline.headings(in: document).map { $0.line - 1 }
      #expect(parsed.sections.filter { $0.level > 0 }.map(\.lines.lowerBound) == headingLines, "\(relative)")
    }
  }

  @Test func theScannerTakesMostOfTheSample() throws {
    var scanned = 0
    for relative in Self.notes {
      let text = try String(contentsOfFile: Fixtures.fixture(relative), encoding: .utf8)
      if NoteSections.scan(SyncText(bytes: Array(text.utf8))).headings != nil { scanned += 1 }
    }
    // The test above means something only if the scanner answers for some notes itself.
    #expect(scanned >= 5, "\(scanned) of \(Self.notes.count)")
  }
}
