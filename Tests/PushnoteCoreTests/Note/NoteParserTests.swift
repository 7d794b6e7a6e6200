import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// The parser on the template-shaped sample note and on small hand-written notes.
@Suite struct NoteParserTests {
  private static let pacific = TimeZone(identifier: "America/Los_Angeles") ?? .current

  private func parse(_ text: String, path: String? = "mkt-2026-12-01.md", config: NotebookConfig = NotebookConfig()) throws -> ParsedNote {
    try ParsedNote(bytes: Array(text.utf8), path: path, config: config)
  }

  private func sample() throws -> ParsedNote {
    let notebook = try Notebook(root: Fixtures.fixture("notes"))
    return try ParsedNote(
      bytes: Array(try Fixtures.text("notes/mkt-2026-12-01.md").utf8), path: "mkt-2026-12-01.md", config: notebook.config)
  }

  @Test func sampleNoteHeaderAndPeople() throws {
    let note = try sample().note
    #expect(note.title == "Marketplace push 2026-12-01")
    #expect(note.date == PushDate("2026-12-01"))
    #expect(note.tag == "2026.12.01")
    #expect(note.pad == "mkt-2026-12-01")
    #expect(note.people == Note.People(releaseManager: "ddurst", qa: "krupa", ops: "jason"))
    #expect(note.headerFields.map(\.key) == ["rm", "qa", "ops", "tag", "pad"])
  }

  @Test func headerFieldValueRangesPointAtTheValues() throws {
    let parsed = try sample()
    for field in parsed.note.headerFields {
      #expect(parsed.source.string(field.valueRange) == field.value)
      #expect(parsed.source.location(ofOffset: field.valueRange.lowerBound).line == field.line)
    }
    let blank = try parse("# Push\n\n- QA:\n- Ops:   \n\n## Checklist\n")
    let qa = try #require(blank.note.headerFields.first)
    #expect(qa.value.isEmpty && qa.valueRange.isEmpty)
    #expect(qa.valueRange.lowerBound == Array("# Push\n\n- QA:".utf8).count)
    #expect(blank.note.people.qa == nil)
  }

  @Test func sectionsProgressAndItemBytes() throws {
    let parsed = try sample()
    let note = parsed.note
    let before = try #require(note.sections.first { $0.title == "Before we push" })
    #expect(before.level == 2)
    #expect(before.items.map(\.state) == [.done, .done, .open, .notApplicable])
    #expect(before.progress == Note.Progress(before.items))
    #expect(before.progress.done == 2 && before.progress.total == 3)
    for section in note.sections {
      #expect(parsed.source.string(section.range).hasPrefix(section.level == 1 ? "# " : "## "))
      for item in section.items {
        #expect(section.range.contains(item.range.lowerBound))
        if let box = item.boxOffset {
          #expect(parsed.source.bytes[box - 1] == UInt8(ascii: "["))
          #expect(parsed.source.bytes[box + 1] == UInt8(ascii: "]"))
        }
      }
    }
    // Sections tile the file from the first heading to the end.
    for (current, next) in zip(note.sections, note.sections.dropFirst()) { #expect(current.range.upperBound == next.range.lowerBound) }
    #expect(note.sections.last?.range.upperBound == parsed.source.bytes.count)
    // The title's extent holds every subsection.
    #expect(note.sections.first?.extent == 0..<parsed.source.bytes.count)
  }

  @Test func aMigrationNamesItsRepositoryByAWholeWord() throws {
    let config = try NotebookConfig(yaml: "repositories:\n  - name: mozilla/zamboni\n  - name: mozilla/fireplace\n", path: "pushnote.yml")
    let text = """
      ## Migrations

      - [ ] `migrations/1.sql` (zamboni)
      - [ ] `migrations/2.sql` for mozilla/fireplace
      - [ ] `migrations/3.sql` zambonis
      - [ ] `migrations/4.sql` — café, fireplace
      - [ ] `migrations/5.sql` café-zamboni
      - [ ] `migrations/6.sql` zamboni.
      """
    // As the version before the byte-wise search found them.
    let expected = ["mozilla/zamboni", "mozilla/fireplace", nil, "mozilla/fireplace", nil, nil]
    #expect(try parse(text, config: config).note.migrations.map(\.repo) == expected)
  }

  @Test func linksFlagsMigrationsSignoffsTimeline() throws {
    let note = try sample().note
    #expect(note.compare.map(\.repo) == ["mozilla/zamboni", "mozilla/fireplace", "mozilla/solitude"])
    #expect(note.compare.map(\.to) == ["2026.12.01-1", "2026.12.01", "2026.12.01"])
    #expect(note.pushes == 2)
    #expect(note.cherryPicks.map(\.done) == [true, true])
    #expect(note.cherryPicks.first?.tag == "2026.12.01-1")
    #expect(note.flags.map(\.name) == ["enable-new-search", "paid-apps"])
    #expect(note.flags.map(\.desired) == ["on", "off"])
    #expect(note.migrations.map(\.repo) == ["mozilla/zamboni", nil])
    #expect(note.signoffs.map(\.role) == ["qa", "ops", "rm"])
    #expect(note.signoffs.first?.name == "krupa")
    #expect(note.signoffs.first?.at == "2026-12-01T12:10:00-08:00")
    #expect(note.timeline.map(\.event) == ["push started", "stage verified", "Push complete"])
    #expect(note.timeline.last?.at == "2026-12-01T12:33:00-08:00")
    #expect(note.durationSeconds == 91 * 60)
  }

  @Test func checkboxBytesDecideNotInlines() throws {
    // A link definition `[x]: /url` turns `[x]` into a link; the raw bytes still read as a ticked box.
    let text = "## Checklist\n\n- [x] ship it\n- [X] upper\n- [ ]\n- [ ]no space\n- [x](http://e.org) link\n1. [ ] ordered\n\n[x]: /url\n"
    let parsed = try parse(text)
    let items = try #require(parsed.note.sections.first?.items)
    #expect(items.map(\.text) == ["ship it", "upper", "", "ordered"])
    #expect(items.map(\.state) == [.done, .done, .open, .open])
    let boxes = items.compactMap { $0.boxOffset.map { parsed.source.string($0..<$0 + 1) } }
    #expect(boxes == ["x", "X", " ", " "])
  }

  @Test func struckItemsCountDone() throws {
    let note = try parse("## Picks\n\n- ~~all done~~\n- ~single~\n- ~~half~~ not all\n- [ ] ~~ticked by strike~~\n- plain\n").note
    let items = try #require(note.sections.first?.items)
    #expect(items.map(\.text) == ["~~all done~~", "~single~", "~~ticked by strike~~"])
    #expect(items.allSatisfy { $0.state == .done })
    #expect(items[0].boxOffset == nil)
  }

  @Test func padEraTitlesAndPlainTextFields() throws {
    let text = """
      This week's push hero is cgrebs
      ops: jason

      Blockers:

      Pushing:

          https://github.com/o/r/compare/2017.01.01...2017.01.05

      start: 5:20pm UTC
      end: 6pm UTC

      """
    let note = try parse(text, path: "2017/01/05.md").note
    #expect(note.sections.map(\.title) == ["Blockers:", "Pushing:"])
    #expect(note.sections.allSatisfy { $0.level == 0 })
    #expect(note.people.releaseManager == "cgrebs")
    #expect(note.people.ops == "jason")
    #expect(note.date == PushDate("2017-01-05"))
    #expect(note.compare.count == 1)
    #expect(note.timeline.map(\.event) == ["start", "end"])
    #expect(note.durationSeconds == 40 * 60)
  }

  @Test func durationAcrossMidnight() throws {
    let note = try parse("## Stats\n\nstart: 23:40 UTC\nend: 0:20 UTC\n").note
    #expect(note.durationSeconds == 40 * 60)
    #expect(note.timeline.last?.at == "2026-12-01T16:20:00-08:00")
  }

  @Test func stepsOfThePushDoNotStartOrEndIt() throws {
    let text = """
      ## Timeline

      - 2026-11-27 11:20 stage deploy started
      - 2026-11-27 11:40 stage deploy finished
      - 11:02 push started
      - 11:20 migrations started
      - 11:26 migrations finished
      - 12:04 Push complete

      """
    let note = try parse(text).note
    #expect(note.durationSeconds == 62 * 60)
  }

  @Test func signoffForms() throws {
    let text = """
      ## Sign-offs

      - [x] QA: krupa 2026-12-01 12:10
      - [x] Release manager: [@ddurst](https://x) at 6:03pm CEST
      - [ ] Ops sign-off: <ops>

      """
    let note = try parse(text).note
    #expect(note.signoffs.map(\.role) == ["qa", "rm", "ops"])
    #expect(note.signoffs.map(\.name) == ["krupa", "ddurst", nil])
    #expect(note.signoffs[1].at == "2026-12-01T08:03:00-08:00")
    #expect(note.signoffs.map(\.done) == [true, true, false])
  }

  @Test func flagsFromProseAndCommands() throws {
    let text = """
      ## After

      - turn on the flag to try the frontend
      - [ ] waffle switch enable-yara off

      ```
      $ ./manage.py waffle_switch activate-sync --create
      ```

      """
    let note = try parse(text).note
    #expect(note.flags.map(\.name) == ["enable-yara", "activate-sync"])
    #expect(note.flags.map(\.desired) == ["off", nil])
    #expect(note.flags.map(\.line) == [4, 7])
  }

  @Test func setextAndCodeBlockHeadings() throws {
    let text = "Title\n=====\n\nChecks\n------\n\n- [ ] one\n\n```\n## not a heading\n```\n\n    ## nor this\n"
    let note = try parse(text).note
    #expect(note.sections.map(\.title) == ["Title", "Checks"])
    #expect(note.sections.map(\.level) == [1, 2])
    #expect(note.sections[1].items.count == 1)
  }

  @Test func compareAndCommitLinkForms() throws {
    let text = """
      See https://gitlab.example.org/group/sub/repo/-/compare/2026.11.24...2026.12.01.
      (HTTPS://GitHub.com/o/r/compare/v1.0..main) and <http://github.com/o/r/compare/a...b>
      Not links: https://github.com/o/r/compare/...b https://github.com/o/compare/a...b
      - [x] https://github.com/o/r/commit/abc1234 https://github.com/o/r/commit/abc12 https://github.com/o/r/commit/abc1234x

      """
    let parsed = try parse(text)
    let links = parsed.note.compare.map { "\($0.repo) \($0.from) \($0.to)" }
    #expect(links == ["group/sub/repo 2026.11.24 2026.12.01", "o/r v1.0 main", "o/r a b"])
    #expect(parsed.note.compare.map(\.line) == [1, 2, 2])
    #expect(parsed.note.compare.allSatisfy { parsed.source.string($0.range) == $0.url })
    #expect(parsed.note.cherryPicks.map(\.sha) == ["abc1234"])
    #expect(parsed.note.cherryPicks.first?.done == true)
  }
}
