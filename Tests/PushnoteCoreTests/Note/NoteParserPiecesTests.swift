import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// A note is read piece by piece, each piece's tree dropped once read; the model is exactly the one
/// of the note read as one piece, wherever the cuts fall and however many pieces are parsed at once.
@Suite struct NoteParserPiecesTests {
  /// The sample corpus's notes (pad-era and template-made), generated ones, and notes whose header,
  /// title or first `##` come late.
  static let notes: [(String, [UInt8])] = {
    var notes = Fixtures.notes().map { ($0.name, $0.bytes) }
    notes.append(("weeks", GeneratedNotes.weeks(bytes: 120_000).flatMap { $0 }))
    notes.append(("short lines", GeneratedNotes.shortLines(bytes: 60_000, seed: 7)))
    notes.append(("one long list", MarkdownPiecesTests.longList))
    notes.append(("generated list", GeneratedNotes.oneList(bytes: 60_000, seed: 3)))
    // A byte-order mark, CRLF line endings, NUL bytes and sections of the same title, in a list cut anywhere.
    let odd = (0..<400).map {
      "## Checks\r\n\r\n- [x] step \($0)\u{0}\r\n- [ ] QA: krupa 12:\($0 % 50 + 10)\r\n* 11:0\($0 % 10): event\r\n"
    }
    notes.append(("odd bytes", [0xEF, 0xBB, 0xBF] + Array(("# Push 2026-12-01\r\n\r\n" + odd.joined()).utf8)))
    let filler = (1...40).map { "Paragraph \($0) of text before anything.\n\n- [x] step \($0)\n- 11:\(10 + $0): event \($0)\n\n" }.joined()
    let sections =
      "## Timeline\n\n- 11:02 push started\n- 12:30 done\n\n## Sign-offs\n\n- [x] QA: krupa 12:10\n\nStart: 11:00\nEnd: 13:00\n"
    // The title, and with it the date, only after many pieces: before it, after it and after the first `##`.
    notes.append(("late title", Array((filler + "# Push 2026-12-08\n\n- Ops: jason\n\n" + sections).utf8)))
    notes.append(("title after a section", Array(("## Notes\n\n" + filler + "# Push 2026-12-08\n\n" + sections).utf8)))
    // No title and no date field: the date is the file name's, known only at the end.
    notes.append(("no date", Array((filler + sections).utf8)))
    // No `##` at all: pad-era titles decide the sections, known only at the end.
    notes.append(
      (
        "pad era",
        Array((filler + "Pushing:\n    https://github.com/a/b/compare/2026.12.01...2026.12.01-1\n\nTimeline:\n11:00 start\n").utf8)
      ))
    // The `##` that ends the header comes late, after header fields spread over pieces.
    let header = (1...30).map { "- Release manager: person\($0)\n\nText \($0).\n\n" }.joined()
    notes.append(("late header end", Array(("# Push\n\n" + header + "- Tag: 2026.12.01-2\n\n" + sections).utf8)))
    return notes
  }()

  @Test func theCorpusIsThere() {
    #expect(Self.notes.count >= 37)
  }

  @Test(arguments: notes.map(\.0)) func piecesGiveTheModelOfTheWhole(name: String) throws {
    let bytes = try #require(Self.notes.first { $0.0 == name }).1
    let source = try SourceText(bytes: bytes, path: "2026/mkt-2026-12-01.md")
    var config = NotebookConfig()
    config.timeZone = try #require(TimeZone(identifier: "America/Los_Angeles"))
    let whole = try NoteParser(source: source, config: config, path: source.path).parse(pieceSize: .max, workers: 1)
    // A piece of one byte cuts at every place where a cut is allowed.
    for pieceSize in [1, 97, 4096] {
      for workers in [1, 3] {
        let pieces = try NoteParser(source: source, config: config, path: source.path).parse(pieceSize: pieceSize, workers: workers)
        #expect(pieces == whole, "\(name), pieces of \(pieceSize), \(workers) workers")
        #expect(pieces.sections.map(\.extent) == whole.sections.map(\.extent), "\(name), pieces of \(pieceSize)")
        #expect(pieces.headerFields == whole.headerFields, "\(name), pieces of \(pieceSize)")
      }
    }
  }

  /// A checklist item keeps its line, state, box and bytes in 32 bytes beside its text: the model
  /// of a note of millions of items is what a big note holds.
  @Test func aChecklistItemIsSmallAndKeepsWhatItIsGiven() {
    #expect(MemoryLayout<Note.ChecklistItem>.stride == 32)
    let largestLine = MarkdownDocument.largestSize - 1
    for state in [Note.ItemState.open, .done, .notApplicable] {
      for line in [1, 2, 65_536, largestLine] {
        var item = Note.ChecklistItem(text: "t", state: state, line: line, boxOffset: line % 2 == 0 ? nil : 7, range: 3..<(line % 1000 + 4))
        #expect(item.state == state && item.line == line && item.range == 3..<(line % 1000 + 4))
        #expect(item.boxOffset == (line % 2 == 0 ? nil : 7))
        item.state = .done
        item.line = 5
        #expect(item.state == .done && item.line == 5 && item.text == "t")
      }
    }
  }

  @Test func theNotesThatWaitReadAsTheyShould() throws {
    func parse(_ name: String) throws -> Note {
      let bytes = try #require(Self.notes.first { $0.0 == name }).1
      return try ParsedNote(bytes: bytes, path: "2026/mkt-2026-12-01.md").note
    }
    for name in ["late title", "title after a section"] {
      let late = try parse(name)
      #expect(late.title == "Push 2026-12-08")
      #expect(late.date == PushDate("2026-12-08"))
      #expect(late.signoffs.first?.at?.hasPrefix("2026-12-08T12:10") == true)
      #expect(late.timeline.first?.at?.hasPrefix("2026-12-08T11:11") == true, "\(name)")
    }
    let undated = try parse("no date")
    #expect(undated.date == PushDate("2026-12-01"))
    #expect(undated.durationSeconds == 2 * 3600)
    let pad = try parse("pad era")
    #expect(pad.sections.map(\.title) == ["Pushing:", "Timeline:"])
    #expect(pad.sections.map(\.level) == [0, 0])
    let header = try parse("late header end")
    #expect(header.people.releaseManager == "person1")
    #expect(header.tag == "2026.12.01-2")
    #expect(header.pushes == 3)
  }
}
