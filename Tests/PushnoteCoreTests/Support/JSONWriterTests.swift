import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// The one JSON writer: the bytes Foundation's JSONEncoder gave (pretty, sorted, slashes unescaped),
/// with snake_case keys.
@Suite struct JSONWriterTests {
  /// Foundation's encoder as the earlier versions used it: the oracle for the layout.
  private func oracle(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }

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
  }

  @Test func writesWhatJSONEncoderWrote() throws {
    let sample = Sample()
    let expected = try oracle(sample).replacingOccurrences(of: "emptyObject", with: "empty_object")
    #expect(try JSONWriter.text(sample) == expected)
  }

  @Test func escapesEveryControlCharacterAsJSONEncoderDid() throws {
    let text = String(decoding: (0..<0x20).map { UInt8($0) }, as: UTF8.self)
    #expect(try JSONWriter.text([text]) == (try oracle([text])))
  }

  @Test func theNotesOfTheCorpusComeOutAsJSONEncoderWroteThem() throws {
    for name in ["mkt-2026-12-01.md", "mkt-2026-12-08.md"] {
      let note = try ParsedNote(bytes: AtomicFile.read(Fixtures.fixture("notes/" + name))).note
      #expect(note.json() == (try oracle(note)), "\(name)")
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
}
