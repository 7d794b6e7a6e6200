import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct TagCommandTests {
  static let note = """
    # Acme push 2026-12-01

    - Tag: 2026.12.01

    ## Compare

    - https://github.com/acme/api/compare/2026.11.24...2026.12.01

    ## Cherry-picks

    ## Migrations

    """

  private func pushnote(_ arguments: [String]) async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(Fixtures.builtExecutable("pushnote"), arguments)
  }

  private func json(_ result: ProcessRunner.Result) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  @Test func tagsEveryRepositoryAndPrintsASummaryTable() async throws {
    let fixture = try await ReleaseFixture()
    try await fixture.addNote("2026/mkt-2026-12-01.md", TagCommandTests.note)
    let result = try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stdout.split(separator: "\n").map(String.init)
    #expect(lines.first?.hasPrefix("REPOSITORY") == true)
    #expect(lines.contains { $0.hasPrefix("acme/api") && $0.contains("2026.12.01") && $0.contains("created") })
    #expect(lines.contains { $0.hasPrefix("acme/web") && $0.contains("created") })
    #expect(result.stdout.contains("note: 2026/mkt-2026-12-01.md updated and committed"))
    #expect(!result.stdout.contains("\u{1B}["))
    for name in ["acme/api", "acme/web"] {
      #expect(try await GitRemotes.tags(of: fixture.remote(name)) == ["2026.12.01": GitRemotes.head(of: fixture.remote(name))])
    }
    let again = try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root, "--json"])
    #expect(again.status == 0)
    let report = try json(again)
    let repositories = try #require(report["repositories"] as? [[String: Any]])
    #expect(repositories.map { $0["action"] as? String } == ["skipped", "skipped"])
    #expect(report["note_updated"] as? Bool == false)
  }

  @Test func partialFailureExitsNonZeroWithTheSummaryAndReRunFinishes() async throws {
    let fixture = try await ReleaseFixture()
    try await fixture.addNote("2026/mkt-2026-12-01.md", TagCommandTests.note)
    try GitRemotes.refusePushes(try fixture.remote("acme/web"))
    let failed = try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root, "--json"])
    #expect(failed.status == 65)
    #expect(failed.stderr.contains("acme/web"))
    let repositories = try #require(try json(failed)["repositories"] as? [[String: Any]])
    #expect(repositories.map { $0["action"] as? String } == ["created", "failed"])
    try GitRemotes.acceptPushes(try fixture.remote("acme/web"))
    let finished = try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root, "--json"])
    #expect(finished.status == 0, "\(finished.stderr)")
    JSONShapes.check(finished.stdout, documentedAs: "pushnote tag --json")
    let second = try #require(try json(finished)["repositories"] as? [[String: Any]])
    #expect(second.map { $0["action"] as? String } == ["skipped", "created"])
  }

  @Test func refusesANonPushDayUnlessForcedAndBadArgumentsWithUsageErrors() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    try await fixture.addNote("2026/mkt-2026-12-02.md", "# Acme push 2026-12-02\n")
    let refused = try await pushnote(["tag", "2026-12-02", "--notebook", fixture.root])
    #expect(refused.status == 64)
    #expect(refused.stderr.contains("not a push day"))
    #expect(try await GitRemotes.tags(of: fixture.remote("acme/api")).isEmpty)
    let badRef = try await pushnote(["tag", "2026-12-02", "--notebook", fixture.root, "--force", "--ref=--upload-pack=touch x"])
    #expect(badRef.status == 64)
    #expect(badRef.stderr.contains("not a valid branch or ref name"))
    let forced = try await pushnote(["tag", "2026-12-02", "--notebook", fixture.root, "--force"])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try await GitRemotes.tags(of: fixture.remote("acme/api")).keys.sorted() == ["2026.12.02"])
  }

  @Test func cherryPickTagsTheRepeatAndRejectsHostileArguments() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    try await fixture.addNote("2026/mkt-2026-12-01.md", TagCommandTests.note)
    #expect(try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root]).status == 0)
    let fix = try await GitRemotes.commit(to: fixture.remote("acme/api"), files: ["fix.txt": "fix\n"], message: "Fix it")
    let marker = "pwned-\(UUID().uuidString)"
    for hostile in ["$(touch \(marker))", ";touch \(marker)", "--upload-pack=touch \(marker)"] {
      let result = try await pushnote(["cherry-pick", "--notebook", fixture.root, "--note", "2026-12-01", "acme/api", "--", hostile])
      #expect(result.status == 64)
      #expect(result.stderr.contains("is not a commit SHA"))
    }
    let unknown = try await pushnote(["cherry-pick", "--notebook", fixture.root, "--note", "2026-12-01", "acme/nope", fix])
    #expect(unknown.status == 64)
    let created = FileManager.default.enumerator(atPath: fixture.directory.path)?.allObjects.compactMap { $0 as? String } ?? []
    #expect(!created.contains { $0.contains(marker) })
    let before = try await fixture.remoteRefs()
    let dryRun = try await pushnote(["cherry-pick", "--notebook", fixture.root, "--note", "2026-12-01", "--dry-run", "acme/api", fix])
    #expect(dryRun.status == 0, "\(dryRun.stderr)")
    #expect(dryRun.stdout.contains("acme/api: would tag 2026.12.01-1 on top of 2026.12.01\n"))
    #expect(dryRun.stdout.contains("note: 2026/mkt-2026-12-01.md would be updated"))
    #expect(try await fixture.remoteRefs() == before)
    let result = try await pushnote(["cherry-pick", "--notebook", fixture.root, "--note", "2026-12-01", "acme/api", fix, "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    JSONShapes.check(result.stdout, documentedAs: "pushnote cherry-pick --json")
    let outcome = try #require(try json(result)["outcome"] as? [String: Any])
    #expect(outcome["tag"] as? String == "2026.12.01-1")
    #expect(try await GitRemotes.tags(of: fixture.remote("acme/api"))["2026.12.01-1"] == outcome["commit"] as? String)
    let text = try String(contentsOfFile: fixture.root + "/2026/mkt-2026-12-01.md", encoding: .utf8)
    // The first push: no earlier tag to compare from, so the tag's commit list, moved on to the repeat tag.
    #expect(text.contains("- https://github.com/acme/api/commits/2026.12.01-1\n"))
    #expect(!text.contains("/compare/2026.11.24"))
    #expect(text.contains("- [x] https://github.com/acme/api/commit/\(fix) (2026.12.01-1)"))
  }
}
