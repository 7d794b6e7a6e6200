import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// `show --json` output is a contract (docs/json.md): the model of fixed notes must equal golden files.
@Suite struct NoteGoldenTests {
  /// A note, the notebook whose configuration reads it, and its golden file.
  struct Case: Sendable, CustomTestStringConvertible {
    var note: String
    var notebook: String?
    var golden: String
    var testDescription: String { note }
  }

  static let cases = [
    Case(note: "mkt-2026-12-01.md", notebook: "notes", golden: "notes/mkt-2026-12-01.json"),
    Case(note: "amo/2017/04/13.md", notebook: nil, golden: "notes/amo-2017-04-13.json"),
    Case(note: "amo/2019/01/07.md", notebook: nil, golden: "notes/amo-2019-01-07.json"),
    Case(note: "amo/2022/12/08.md", notebook: nil, golden: "notes/amo-2022-12-08.json"),
  ]

  @Test(arguments: NoteGoldenTests.cases)
  func modelEqualsGoldenJSON(_ golden: Case) throws {
    let config = try golden.notebook.map { try Notebook(root: Fixtures.fixture($0)).config } ?? NotebookConfig()
    let path = golden.notebook.map { "\($0)/\(golden.note)" } ?? golden.note
    let bytes = Array(try Fixtures.text(path).utf8)
    let note = try ParsedNote(bytes: bytes, path: golden.note, config: config).note
    #expect(note.json() == (try Fixtures.text(golden.golden)))
  }

  @Test func jsonRoundTripsThroughTheModel() throws {
    let text = try Fixtures.text("notes/mkt-2026-12-01.json")
    let decoded = try JSONDecoder().decode(Note.self, from: Data(text.utf8))
    #expect(decoded.json() == text)
    #expect(decoded.sections.count == 9)
  }

  @Test func everyKeyIsPresentEvenWhenUnknown() throws {
    let json = try ParsedNote(bytes: []).note.json()
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let keys = [
      "file", "title", "date", "tag", "pad", "people", "sections", "compare", "cherry_picks", "flags", "migrations", "signoffs",
      "timeline", "pushes", "duration_seconds", "problems",
    ]
    #expect(Set(object.keys) == Set(keys))
    #expect(object["duration_seconds"] is NSNull)
  }
}
