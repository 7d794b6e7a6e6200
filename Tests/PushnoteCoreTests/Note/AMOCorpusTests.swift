import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// The parser on every real AMO note of the sample (Tests/Fixtures/amo, MPL 2.0): nothing crashes, and
/// the links found equal what a plain-text regular expression finds in the same bytes.
@Suite struct AMOCorpusTests {
  /// Every note of the sample, as paths relative to the fixtures folder.
  static let notes: [String] = {
    let root = Fixtures.fixture("amo")
    let files = FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String } ?? []
    return files.filter { $0.hasSuffix(".md") && !$0.hasSuffix("README.md") }.sorted().map { "amo/" + $0 }
  }()

  private static let compareOracle = try? NSRegularExpression(
    pattern: #"https?://[A-Za-z0-9.:-]+/(?:[A-Za-z0-9._-]+/)+?(?:-/)?compare/[A-Za-z0-9._/-]+?\.\.\.?[A-Za-z0-9._/-]*[A-Za-z0-9_/-]"#)
  private static let commitOracle = try? NSRegularExpression(
    pattern: #"https?://[A-Za-z0-9.:-]+/[A-Za-z0-9._/-]+?/commit/[0-9a-f]{7,40}\b"#)

  /// `line: url` for every match of a regular expression, line by line.
  private func scan(_ text: String, _ expression: NSRegularExpression?) throws -> [String] {
    let expression = try #require(expression)
    var result: [String] = []
    for (index, line) in text.components(separatedBy: "\n").enumerated() {
      let range = NSRange(line.startIndex..., in: line)
      for match in expression.matches(in: line, range: range) {
        guard let found = Range(match.range, in: line) else { continue }
        result.append("\(index + 1): \(line[found])")
      }
    }
    return result
  }

  @Test func theSampleIsThere() {
    #expect(AMOCorpusTests.notes.count == 24)
  }

  @Test(arguments: AMOCorpusTests.notes)
  func linksEqualAPlainTextScan(_ relative: String) throws {
    let text = try Fixtures.text(relative)
    let parsed = try ParsedNote(bytes: Array(text.utf8), path: relative)
    #expect(parsed.note.date != nil)
    let compareLinks = try scan(text, AMOCorpusTests.compareOracle)
    let commitLinks = try scan(text, AMOCorpusTests.commitOracle)
    #expect(parsed.note.compare.map { "\($0.line): \($0.url)" } == compareLinks)
    #expect(parsed.note.cherryPicks.map { "\($0.line): \($0.url)" } == commitLinks)
    for link in parsed.note.compare {
      #expect(parsed.source.string(link.range) == link.url)
      #expect(link.url.hasSuffix("/compare/\(link.from)...\(link.to)") || link.url.hasSuffix("/compare/\(link.from)..\(link.to)"))
    }
    #expect(!parsed.note.sections.isEmpty)
  }

  @Test func padEraNoteReadsSectionsPeopleAndTimes() throws {
    let parsed = try ParsedNote(bytes: Array(try Fixtures.text("amo/2017/04/13.md").utf8), path: "amo/2017/04/13.md")
    let note = parsed.note
    #expect(note.sections.map(\.title).contains("Pushing:"))
    #expect(note.people.releaseManager == "tofumatt")
    #expect(note.people.ops == "jason")
    #expect(note.compare.map(\.to) == ["2017.04.13-1", "2017.04.13"])
    #expect(note.pushes == 2)
    #expect(note.timeline.map(\.at) == ["2017-04-13T09:11:00-07:00", "2017-04-13T09:43:00-07:00"])
    #expect(note.durationSeconds == 32 * 60)
  }

  @Test func struckCommitLinksAreDoneCherryPicks() throws {
    let note = try ParsedNote(bytes: Array(try Fixtures.text("amo/2019/01/07.md").utf8), path: "amo/2019/01/07.md").note
    #expect(note.cherryPicks.count == 7)
    #expect(note.cherryPicks.allSatisfy { $0.done })
    #expect(note.people.releaseManager == "muffinresearch")
    let open = try ParsedNote(bytes: Array(try Fixtures.text("amo/2017/07/20.md").utf8), path: "amo/2017/07/20.md").note
    #expect(open.cherryPicks.count == 3)
    #expect(open.cherryPicks.allSatisfy { !$0.done })
  }

  @Test func waffleCommandsInCodeBlocks() throws {
    let note = try ParsedNote(bytes: Array(try Fixtures.text("amo/2019/10/24.md").utf8), path: "amo/2019/10/24.md").note
    #expect(note.flags.map(\.name) == ["enable-yara", "enable-yara"])
    #expect(note.flags.map(\.desired) == ["off", "on"])
  }
}
