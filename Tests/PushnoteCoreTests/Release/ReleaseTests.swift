import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct ReleaseTests {
  static let previousNote = """
    # Acme push 2026-11-24

    ## Compare

    - https://github.com/acme/api/compare/2026.11.17...2026.11.24
    - https://github.com/acme/web/compare/2026.11.17...2026.11.24

    """

  static func note(pick: String = "0000000") -> String {
    """
    # Acme push 2026-12-01

    - Release manager: rita
    - Tag: 2026.12.01

    ## Compare

    - https://github.com/acme/api/compare/YYYY.MM.DD...YYYY.MM.DD
    - Old: https://github.com/acme/api/compare/2026.11.10...2026.11.17

    ## Cherry-picks

    - [ ] https://github.com/acme/api/commit/\(pick) the crash fix

    ## Migrations

    ## Before the push

    - [ ] Tag every repository

    """
  }

  /// A notebook whose remotes were tagged for the previous push, then got new commits (one with a
  /// migration), with the previous note and this week's note committed.
  private func prepared() async throws -> (ReleaseFixture, note: String) {
    let fixture = try await ReleaseFixture()
    _ = try await fixture.tagger("2026.11.24").run()
    try await GitRemotes.commit(
      to: fixture.remote("acme/api"), files: ["migrations/0042_rename.sql": "ALTER TABLE;\n"], message: "Rename a column")
    try await GitRemotes.commit(
      to: fixture.remote("acme/api"), files: ["src/api.txt": "api\n"], message: "Faster API", author: "Bo Ops <bo@example.org>")
    try await fixture.addNote("2026/mkt-2026-11-24.md", ReleaseTests.previousNote)
    let note = try await fixture.addNote("2026/mkt-2026-12-01.md", ReleaseTests.note())
    return (fixture, note)
  }

  private func commitCount(_ fixture: ReleaseFixture) async throws -> Int {
    Int(try await Git(directory: fixture.root).run(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  @Test func tagRefreshesCompareLinksListsMigrationsAndWhatGoesOutAndCommits() async throws {
    let (fixture, note) = try await prepared()
    let release = Release(notebook: try fixture.notebook())
    let commitsBefore = try await commitCount(fixture)
    let report = try await release.tag(note: note)
    #expect(report.failure == nil)
    #expect(report.noteUpdated && report.committed)
    #expect(try await commitCount(fixture) == commitsBefore + 1)
    let text = try String(contentsOfFile: note, encoding: .utf8)
    let expected = ReleaseTests.note()
      .replacingOccurrences(of: "api/compare/YYYY.MM.DD...YYYY.MM.DD", with: "api/compare/2026.11.24...2026.12.01")
      .replacingOccurrences(
        of: "2026.11.10...2026.11.17\n",
        with: """
          2026.11.10...2026.11.17
          - https://github.com/acme/web/compare/2026.11.24...2026.12.01

          ## What goes out

          - acme/api (2026.11.24...2026.12.01): 2 commits by Bo Ops, Ada Dev
            - \(try await shortSHA(fixture, "acme/api", "main")) Faster API (Bo Ops)
            - \(try await shortSHA(fixture, "acme/api", "main~1")) Rename a column (Ada Dev)
          - acme/web (2026.11.24...2026.12.01): no changes

          """
      )
      .replacingOccurrences(of: "## Migrations\n", with: "## Migrations\n\n- [ ] acme/api `migrations/0042_rename.sql`\n")
      .replacingOccurrences(of: "- [ ] Tag every repository", with: "- [x] Tag every repository")
    #expect(text == expected)
    let again = try await release.tag(note: note)
    #expect(again.repositories.map(\.action) == [.skipped, .skipped])
    #expect(!again.noteUpdated)
    #expect(try String(contentsOfFile: note, encoding: .utf8) == expected)
    #expect(try await commitCount(fixture) == commitsBefore + 1)
  }

  @Test func reTaggingAfterACherryPickFinishesKeepsWhatGoesOutAndEndsAtTheRepeatTag() async throws {
    let (fixture, note) = try await prepared()
    let remote = try fixture.remote("acme/api")
    let release = Release(notebook: try fixture.notebook())
    _ = try await release.tag(note: note)
    let fix = try await GitRemotes.commit(to: remote, files: ["src/crash.txt": "fixed\n"], message: "Fix the crash")
    _ = try await release.cherryPick(note: note, repository: "acme/api", commits: [fix])
    let tagsBefore = try await GitRemotes.tags(of: remote)
    let again = try await release.tag(note: note)
    #expect(again.failure == nil)
    #expect(again.repositories.map(\.action) == [.kept, .skipped])
    #expect(again.repositories[0].newestTag == "2026.12.01-1")
    #expect(again.repositories.compactMap(\.advice).allSatisfy { !$0.contains("--force") })
    #expect(try await GitRemotes.tags(of: remote) == tagsBefore)
    let text = try String(contentsOfFile: note, encoding: .utf8)
    #expect(text.contains("- acme/api (2026.11.24...2026.12.01-1): 3 commits by "))
    #expect(text.contains(" Fix the crash (Ada Dev)\n"))
    #expect(text.contains(" Faster API (Bo Ops)\n"))
    #expect(text.contains("- acme/web (2026.11.24...2026.12.01): no changes\n"))
    #expect(text.contains("api/compare/2026.11.24...2026.12.01-1\n"))
    #expect(text.contains("- [x] Tag every repository"))
    let third = try await release.tag(note: note)
    #expect(third.failure == nil && !third.noteUpdated)
  }

  @Test func aFailedRepositoryKeepsItsWhatGoesOutLinesAndTheTagItemStaysOpen() async throws {
    let (fixture, note) = try await prepared()
    let release = Release(notebook: try fixture.notebook())
    _ = try await release.tag(note: note)
    let untick = try String(contentsOfFile: note, encoding: .utf8).replacingOccurrences(of: "- [x] Tag every", with: "- [ ] Tag every")
    try await fixture.addNote("2026/mkt-2026-12-01.md", untick)
    let before = untick.components(separatedBy: "## What goes out\n")[1].components(separatedBy: "## ")[0]
    try FileManager.default.moveItem(atPath: fixture.remote("acme/api"), toPath: fixture.remote("acme/api") + ".gone")
    try await GitRemotes.commit(to: fixture.remote("acme/web"), files: ["web.txt": "w\n"], message: "Web change")
    let report = try await release.tag(note: note)
    #expect(report.repositories.map(\.action) == [.failed, .kept])
    let text = try String(contentsOfFile: note, encoding: .utf8)
    let after = text.components(separatedBy: "## What goes out\n")[1].components(separatedBy: "## ")[0]
    let apiLines = before.split(separator: "\n").filter { $0.hasPrefix("- acme/api") || $0.hasPrefix("  - ") }
    #expect(!apiLines.isEmpty)
    #expect(apiLines.allSatisfy { after.contains($0) })
    #expect(text.contains("- [ ] Tag every repository"))
  }

  @Test func aFirstPushGetsNoCompareLinkFromATagThatDoesNotExist() async throws {
    let fixture = try await ReleaseFixture()
    let note = try await fixture.addNote(
      "2026/mkt-2026-12-01.md",
      """
      # Acme push 2026-12-01

      ## Compare

      - https://github.com/acme/api/compare/2026.11.24...2026.12.01
      - https://github.com/acme/web/compare/YYYY.MM.DD...YYYY.MM.DD

      """)
    let report = try await Release(notebook: try fixture.notebook()).tag(note: note)
    #expect(report.repositories.map(\.previousTag) == [nil, nil])
    let text = try String(contentsOfFile: note, encoding: .utf8)
    #expect(!text.contains("/compare/"))
    #expect(text.contains("- https://github.com/acme/api/commits/2026.12.01\n- https://github.com/acme/web/commits/2026.12.01\n"))
    #expect(text.contains("- acme/api: no earlier push tag, nothing to compare"))
  }

  @Test func newWritesAFirstPushsCommitListAndLaterAnExistingTagsCompareLink() async throws {
    let fixture = try await ReleaseFixture()
    let notebook = try fixture.notebook()
    let templates = Templates(searchPath: [Fixtures.path("templates")])
    let first = try #require(PushDate("2026-12-01"))
    func fetched() async -> [String: [PushTag]] {
      var tags: [String: [PushTag]] = [:]
      for repository in notebook.config.repositories {
        tags[repository.name] = await WorkingClone.fetchedPushTags(of: repository, notebook: notebook)
      }
      return tags
    }
    // Never fetched: nothing known, the previous week's date tag as before.
    #expect(await fetched().isEmpty)
    // Fetched (a dry run of tag fetches), no push tag yet: the first push.
    var dryRun = Release.TagOptions()
    dryRun.dryRun = true
    let note = try await fixture.addNote("2026/mkt-2026-12-01.md", "# Acme push 2026-12-01\n")
    _ = try await Release(notebook: notebook).tag(note: note, options: dryRun)
    let firstText = try NewNote.render(in: notebook, date: first, templates: templates, fetchedTags: await fetched())
    #expect(!firstText.contains("/compare/"))
    #expect(firstText.contains("- https://github.com/acme/api/commits/2026.12.01\n- https://github.com/acme/web/commits/2026.12.01\n"))
    // Tagged: next week compares from the tag that now exists.
    try await fixture.addNote("2026/mkt-2026-12-01.md", firstText)
    _ = try await Release(notebook: notebook).tag(note: note)
    let next = try NewNote.render(
      in: notebook, date: try #require(PushDate("2026-12-08")), templates: templates, fetchedTags: await fetched())
    #expect(next.contains("- https://github.com/acme/api/compare/2026.12.01...2026.12.08\n"))
  }

  @Test func dryRunChangesNeitherRemotesNorNote() async throws {
    let (fixture, note) = try await prepared()
    let before = try await fixture.remoteRefs()
    let bytes = try Data(contentsOf: URL(fileURLWithPath: note))
    var options = Release.TagOptions()
    options.dryRun = true
    let report = try await Release(notebook: try fixture.notebook()).tag(note: note, options: options)
    #expect(report.repositories.map(\.action) == [.wouldCreate, .wouldCreate])
    #expect(report.noteUpdated && !report.committed)
    #expect(try await fixture.remoteRefs() == before)
    #expect(try Data(contentsOf: URL(fileURLWithPath: note)) == bytes)
  }

  @Test func placeholderTagAndNonPushDayAreRefused() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    let release = Release(notebook: try fixture.notebook())
    let placeholder = try await fixture.addNote("2026/mkt-2026-12-01.md", "# Acme push 2026-12-01\n\n- Tag: YYYY.MM.DD\n")
    await #expect(throws: ReleaseError.invalidPushDate("Tag: YYYY.MM.DD")) { _ = try await release.tag(note: placeholder) }
    let mismatch = try await fixture.addNote("2026/mkt-2026-12-08.md", "# Acme push 2026-12-08\n\n- Tag: 2026.12.01\n")
    await #expect(throws: ReleaseError.invalidPushDate("2026-12-01 (the file is named for 2026-12-08)")) {
      _ = try await release.tag(note: mismatch)
    }
    let wednesday = try await fixture.addNote("2026/mkt-2026-12-02.md", "# Acme push 2026-12-02\n")
    let date = try #require(PushDate("2026-12-02"))
    await #expect(throws: ReleaseError.notPushDay(date, pushWeekday: .tuesday)) { _ = try await release.tag(note: wednesday) }
    #expect(try await GitRemotes.tags(of: fixture.remote("acme/api")).isEmpty)
    var forced = Release.TagOptions()
    forced.force = true
    #expect(try await release.tag(note: wednesday, options: forced).repositories.map(\.action) == [.created])
  }

  @Test func cherryPickRecordsTheCommitsTheTagAndTheCompareLink() async throws {
    let (fixture, note) = try await prepared()
    let remote = try fixture.remote("acme/api")
    let release = Release(notebook: try fixture.notebook())
    _ = try await release.tag(note: note)
    let listed = try await GitRemotes.commit(to: remote, files: ["src/crash.txt": "fixed\n"], message: "Fix the crash")
    let extra = try await GitRemotes.commit(to: remote, files: ["src/extra.txt": "more\n"], message: "Fix the other crash")
    let tagged = try String(contentsOfFile: note, encoding: .utf8).replacingOccurrences(of: "0000000", with: String(listed.prefix(10)))
    try await fixture.addNote("2026/mkt-2026-12-01.md", tagged)
    let now = try #require(ISO8601DateFormatter().date(from: "2026-12-01T13:05:00Z"))
    let report = try await release.cherryPick(note: note, repository: "acme/api", commits: [String(listed.prefix(8)), extra], now: now)
    #expect(report.outcome.tag == "2026.12.01-1")
    #expect(report.committed)
    #expect(try await GitRemotes.tags(of: remote)["2026.12.01-1"] == report.outcome.commit)
    let text = try String(contentsOfFile: note, encoding: .utf8)
    let expected =
      tagged
      .replacingOccurrences(of: "api/compare/2026.11.24...2026.12.01", with: "api/compare/2026.11.24...2026.12.01-1")
      .replacingOccurrences(
        of: "- [ ] https://github.com/acme/api/commit/\(listed.prefix(10)) the crash fix\n",
        with: "- [x] https://github.com/acme/api/commit/\(listed.prefix(10)) the crash fix (2026.12.01-1) 2026-12-01 13:05\n"
          + "- [x] https://github.com/acme/api/commit/\(extra) (2026.12.01-1) 2026-12-01 13:05: Fix the other crash\n")
    #expect(text == expected)
    let parsed = try ParsedNote(bytes: Array(text.utf8), path: note, config: fixture.notebook().config)
    #expect(parsed.note.cherryPicks.filter(\.done).count == 2)
  }

  @Test func injectionAttemptsInNoteAndArgumentsRunNothing() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    let marker = "pwned-\(UUID().uuidString)"
    let hostile = """
      # Acme push 2026-12-01

      - Tag: 2026.12.01

      ## Compare

      - https://github.com/acme/api/compare/$(touch \(marker))...2026.12.01
      - https://github.com/acme/api/compare/--upload-pack=touch%20\(marker)...2026.12.01
      - https://github.com/acme/api/compare/2026.11.24...;touch \(marker)
      - https://github.com/acme/api/compare/`touch \(marker)`...$(touch \(marker))
      - https://github.com/acme/api/compare/--upload-pack...2026.12.01

      ## Cherry-picks

      - [ ] https://github.com/acme/api/commit/$(touch \(marker))
      - [ ] https://github.com/acme/api/commit/--upload-pack=touch

      """
    let note = try await fixture.addNote("2026/mkt-2026-12-01.md", hostile)
    let release = Release(notebook: try fixture.notebook())
    let parsed = try ParsedNote(bytes: Array(hostile.utf8), path: note, config: fixture.notebook().config)
    #expect(parsed.note.compare.map(\.from).contains("--upload-pack"))
    let report = try await release.tag(note: note)
    #expect(report.repositories.map(\.action) == [.created])
    for bad in ["$(touch \(marker))", "--upload-pack=touch \(marker)", ";touch \(marker)", "abc;touch", "`touch x`"] {
      await #expect(throws: ReleaseError.invalidCommit(bad)) {
        _ = try await release.cherryPick(note: note, repository: "acme/api", commits: [bad])
      }
      var options = Release.TagOptions()
      options.ref = bad
      await #expect(throws: ReleaseError.invalidRef(bad)) { _ = try await release.tag(note: note, options: options) }
    }
    await #expect(throws: ReleaseError.unknownRepository("--upload-pack=touch \(marker)", known: ["acme/api"])) {
      _ = try await release.cherryPick(note: note, repository: "--upload-pack=touch \(marker)", commits: ["abcdef1"])
    }
    let created = FileManager.default.enumerator(atPath: fixture.directory.path)?.allObjects.compactMap { $0 as? String } ?? []
    #expect(!created.contains { $0.contains(marker) })
    #expect(!FileManager.default.fileExists(atPath: (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(marker)))
    #expect(try await GitRemotes.tags(of: fixture.remote("acme/api")).keys.sorted() == ["2026.12.01"])
  }

  private func shortSHA(_ fixture: ReleaseFixture, _ repository: String, _ revision: String) async throws -> String {
    String(try await Git(directory: fixture.remote(repository)).run(["rev-parse", revision]).prefix(7))
  }
}
