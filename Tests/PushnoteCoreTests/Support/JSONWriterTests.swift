import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The one JSON writer: the bytes Foundation's JSONEncoder gave (pretty, sorted, slashes unescaped),
/// with snake_case keys.
@Suite struct JSONWriterTests {
  private struct Sample: Encodable {
    var empty: [Int] = []
    var emptyObject: [String: Int] = [:]
    var whole = 1.0
    var third = 1.0 / 3
    var tiny = 1e-7
    var huge = 1e21
    var negative = -2.5
    var text = "a/b \"q\" \\ é \u{7F} \u{2028} 😀"
    var nested = [["x": [1, 2]], [:]]
    var flag = false
    var missing: Int? = nil
    var big = Int.max
    var zero = 0
    var ten = 10
    var minus = -7
    var smallest = Int.min
  }

  @Test func writesWhatJSONEncoderWrote() throws {
    let sample = Sample()
    let expected = try JSONOracle.text(sample).replacingOccurrences(of: "emptyObject", with: "empty_object")
    #expect(try JSONWriter.text(sample) == expected)
  }

  @Test func escapesEveryControlCharacterAsJSONEncoderDid() throws {
    let text = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
    #expect(try JSONWriter.text([text]) == (try JSONOracle.text([text])))
  }

  @Test func theNotesOfTheCorpusComeOutAsJSONEncoderWroteThem() throws {
    for name in ["mkt-2026-12-01.md", "mkt-2026-12-08.md"] {
      let note = try ParsedNote(bytes: AtomicFile.read(Fixtures.fixture("notes/" + name))).note
      #expect(note.json() == (try JSONOracle.text(note)), "\(name)")
    }
  }

  @Test func camelCaseKeysComeOutSnakeCaseAndDictionaryKeysAsTheyAre() throws {
    struct Report: Encodable {
      var conflictLines = 2
      var padID = "mkt-2026-12-01"
      var byRepository = ["mozilla/Zamboni": 1]
      var httpURLValue = 3
    }
    let text = try JSONWriter.text(Report())
    #expect(text.contains(#""conflict_lines" : 2"#))
    #expect(text.contains(#""pad_id" : "mkt-2026-12-01""#))
    #expect(text.contains(#""mozilla/Zamboni" : 1"#))
    #expect(text.contains(#""http_url_value" : 3"#))
    #expect(JSONWriter.snakeCase("alreadysnake_case") == "alreadysnake_case")
    #expect(JSONWriter.snakeCase("dryRun") == "dry_run")
  }

  @Test func aTopLevelScalarAndAnEmptyArray() throws {
    #expect(try JSONWriter.text("x/y") == "\"x/y\"\n")
    #expect(try JSONWriter.text([Int]()) == "[\n\n]\n")
  }

  /// Keys out of order, a key written twice, and containers filled after the keys that follow them.
  private struct Unusual: Encodable {
    enum Keys: String, CodingKey { case zeta, alpha, mid, late, list, parent }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: Keys.self)
      try container.encode("last", forKey: .zeta)
      try container.encode(1, forKey: .alpha)
      var late = container.nestedContainer(keyedBy: Keys.self, forKey: .late)
      var list = container.nestedUnkeyedContainer(forKey: .list)
      let parent = container.superEncoder(forKey: .parent)
      try container.encode(2, forKey: .alpha)
      try container.encode([3, 4], forKey: .mid)
      try late.encode(true, forKey: .zeta)
      try late.encode("x", forKey: .alpha)
      try list.encode("first")
      var inner = list.nestedUnkeyedContainer()
      try list.encode("third")
      try inner.encode(5)
      var single = parent.singleValueContainer()
      try single.encode("from the parent")
    }
  }

  @Test func keysOutOfOrderAndContainersFilledLateComeOutAsJSONEncoderWroteThem() throws {
    #expect(try JSONWriter.text(Unusual()) == (try JSONOracle.text(Unusual())))
    #expect(try JSONWriter.text([Unusual(), Unusual()]) == (try JSONOracle.text([Unusual(), Unusual()])))
  }

  @Test func aNoteWrittenFieldByFieldEscapesAndCountsAsJSONEncoderDid() throws {
    var note = Note()
    note.title = "a \"quoted\" \\ title\t\u{1}é😀/"
    note.pushes = Int.min
    note.durationSeconds = -120
    note.sections = [
      Note.Section(
        title: "", level: 0, line: Int.max,
        items: [Note.ChecklistItem(text: "\n", state: .notApplicable, line: 0, boxOffset: nil, range: 0..<0)],
        range: 0..<0)
    ]
    let expected = try JSONOracle.text(note)
    #expect(note.json() == expected)
    #expect(try JSONOracle.streamed(note, blockSize: 1).text == expected)
  }

  @Test func aNoteOfManyItemsComesOutAsJSONEncoderWroteIt() throws {
    let bytes = GeneratedNotes.shortLines(bytes: 60_000, seed: 3)
    let note = try ParsedNote(bytes: bytes, path: "2026/mkt-2026-12-01.md").note
    #expect(note.json() == (try JSONOracle.text(note)))
  }

  @Test func aBigNoteGoesOutInBlocksThatJoinToTheSameBytes() throws {
    let bytes = GeneratedNotes.shortLines(bytes: 60_000, seed: 3)
    let note = try ParsedNote(bytes: bytes, path: "2026/mkt-2026-12-01.md").note
    let whole = note.json()
    for blockSize in [1, 100, 4096] {
      let (text, blocks) = try JSONOracle.streamed(note, blockSize: blockSize)
      #expect(text == whole, "blocks of \(blockSize)")
      #expect(blocks > whole.utf8.count / max(blockSize, 2_000) / 2, "blocks of \(blockSize): \(blocks)")
    }
  }

  /// Arrays of at least ``JSONFields/longArray`` elements going to a sink are written in runs on
  /// several threads: a section of many items, and many sections of few.
  @Test func longArraysWrittenInRunsComeOutAsJSONEncoderWroteThem() throws {
    let list = try ParsedNote(bytes: GeneratedNotes.oneList(bytes: 300_000, seed: 4), path: "mkt-2026-12-01.md").note
    #expect((list.sections.map(\.items.count).max() ?? 0) > 2 * JSONFields.longArray)
    var sections = Note()
    sections.sections = (0..<(JSONFields.longArray + 300)).map { index in
      Note.Section(
        title: "Section \(index) \u{201C}quoted\u{201D}", level: 2, line: index + 1,
        items: index % 3 == 0 ? [] : [Note.ChecklistItem(text: "step \(index)", state: .open, line: index + 2, boxOffset: nil)],
        range: 0..<0)
    }
    for note in [list, sections] {
      let expected = try JSONOracle.text(note)
      for blockSize in [1, 1 << 20] {
        #expect(try JSONOracle.streamed(note, blockSize: blockSize).text == expected, "blocks of \(blockSize)")
      }
      #expect(note.json() == expected)
    }
  }

  @Test func valuesWhoseKeysMayMoveStayWholeUntilTheyAreDone() throws {
    let values = [Unusual(), Unusual(), Unusual()]
    #expect(try JSONOracle.streamed(values, blockSize: 1).text == (try JSONOracle.text(values)))
    #expect(try JSONOracle.streamed(Sample(), blockSize: 1).text == (try JSONWriter.text(Sample())))
  }
}
