import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct TaggerTests {
  @Test func firstTaggingCreatesAnnotatedTagsAtEachBranchHeadAndPushesOnlyThem() async throws {
    let fixture = try await ReleaseFixture()
    let heads = try await [
      GitRemotes.head(of: fixture.remote("acme/api")), GitRemotes.head(of: fixture.remote("acme/web")),
    ]
    let outcomes = try await fixture.tagger("2026.12.01").run()
    #expect(outcomes.map(\.action) == [.created, .created])
    #expect(outcomes.map(\.commit) == heads)
    for (name, head) in zip(["acme/api", "acme/web"], heads) {
      let remote = try fixture.remote(name)
      #expect(try await GitRemotes.tags(of: remote) == ["2026.12.01": head])
      let type = try await Git(directory: remote).run(["cat-file", "-t", "refs/tags/2026.12.01"])
      #expect(type.trimmingCharacters(in: .whitespacesAndNewlines) == "tag")
      let tagger = try await Git(directory: remote).run(["for-each-ref", "--format=%(taggername)", "refs/tags/2026.12.01"])
      #expect(tagger.contains("Rita Release"))
      let branches = try await Git(directory: remote).run(["for-each-ref", "--format=%(refname)", "refs/heads/"])
      #expect(branches == "refs/heads/main\n")
    }
    let ignore = try String(contentsOfFile: fixture.root + "/.pushnote/clones/.gitignore", encoding: .utf8)
    #expect(ignore.contains("*"))
    let status = try await Git(directory: fixture.root).run(["status", "--porcelain"])
    #expect(status.isEmpty)
  }

  @Test func reRunSkipsTagsAlreadyAtTheCommit() async throws {
    let fixture = try await ReleaseFixture()
    _ = try await fixture.tagger("2026.12.01").run()
    let before = try await fixture.remoteRefs()
    let outcomes = try await fixture.tagger("2026.12.01").run()
    #expect(outcomes.map(\.action) == [.skipped, .skipped])
    #expect(try await fixture.remoteRefs() == before)
  }

  @Test func partialFailureReportsTheRepositoryAndReRunFinishesTheRest() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api", "acme/web", "acme/docs"])
    try GitRemotes.refusePushes(try fixture.remote("acme/web"))
    let first = try await fixture.tagger("2026.12.01").run()
    #expect(first.map(\.action) == [.created, .failed, .created])
    #expect(first[1].error?.description.contains("pushes are refused here") == true)
    #expect(try await GitRemotes.tags(of: fixture.remote("acme/web")).isEmpty)
    try GitRemotes.acceptPushes(try fixture.remote("acme/web"))
    let second = try await fixture.tagger("2026.12.01").run()
    #expect(second.map(\.action) == [.skipped, .created, .skipped])
    let webHead = try await GitRemotes.head(of: fixture.remote("acme/web"))
    #expect(try await GitRemotes.tags(of: fixture.remote("acme/web")) == ["2026.12.01": webHead])
  }

  @Test func tagAtAnotherCommitIsKeptWithoutAdvisingForceUnlessForced() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    let remote = try fixture.remote("acme/api")
    let old = try await GitRemotes.head(of: remote)
    _ = try await fixture.tagger("2026.12.01").run()
    let new = try await GitRemotes.commit(to: remote, files: ["src/fix.txt": "fixed\n"], message: "Late fix")
    let kept = try await fixture.tagger("2026.12.01").run()
    #expect(kept[0].action == .kept)
    #expect(kept[0].error == nil)
    #expect(kept[0].commit == old)
    #expect(kept[0].branchHead == new)
    let advice = try #require(kept[0].advice)
    #expect(advice.contains("cherry-pick") && !advice.contains("--force"))
    #expect(try await GitRemotes.tags(of: remote) == ["2026.12.01": old])
    var forced = try fixture.tagger("2026.12.01")
    forced.force = true
    #expect(try await forced.run().map(\.action) == [.moved])
    #expect(try await GitRemotes.tags(of: remote) == ["2026.12.01": new])
  }

  @Test func dryRunLeavesEveryRemoteUntouched() async throws {
    let fixture = try await ReleaseFixture()
    let before = try await fixture.remoteRefs()
    var tagger = try fixture.tagger("2026.12.01")
    tagger.dryRun = true
    let outcomes = try await tagger.run()
    #expect(outcomes.map(\.action) == [.wouldCreate, .wouldCreate])
    #expect(try await fixture.remoteRefs() == before)
  }

  @Test func summarisesCommitsSinceThePreviousTagAndFindsMigrations() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    let remote = try fixture.remote("acme/api")
    _ = try await fixture.tagger("2026.11.24").run()
    try await GitRemotes.commit(
      to: remote, files: ["migrations/0042_rename.sql": "ALTER TABLE x;\n"], message: "Rename a column", author: "Bo Ops <bo@example.org>")
    try await GitRemotes.commit(
      to: remote, files: ["apps/users/migrations/0007_email.py": "pass\n", "apps/users/models.py": "x\n"], message: "Add an email")
    try await GitRemotes.commit(
      to: remote, files: ["docs/migrations/notes.md": "no\n", "migrations/sub/0001.sql": "no\n"], message: "Docs")
    let outcomes = try await fixture.tagger("2026.12.01").run()
    let changes = try #require(outcomes.first?.changes)
    #expect(outcomes.first?.previousTag == "2026.11.24")
    #expect(changes.commits.map(\.subject) == ["Docs", "Add an email", "Rename a column"])
    #expect(changes.authors == ["Ada Dev", "Bo Ops"])
    #expect(changes.migrations == ["apps/users/migrations/0007_email.py", "migrations/0042_rename.sql"])
  }

  @Test func previousNoteTagWinsOverTheNewestEarlierTag() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    let remote = try fixture.remote("acme/api")
    _ = try await fixture.tagger("2026.11.17").run()
    try await GitRemotes.commit(to: remote, files: ["a.txt": "a\n"], message: "A")
    _ = try await fixture.tagger("2026.11.24").run()
    try await GitRemotes.commit(to: remote, files: ["b.txt": "b\n"], message: "B")
    var tagger = try fixture.tagger("2026.12.01")
    tagger.previousNoteTags = ["acme/api": [try #require(PushTag("2026.11.17")), try #require(PushTag("2026.10.01"))]]
    let outcome = try #require(try await tagger.run().first)
    #expect(outcome.previousTag == "2026.11.17")
    #expect(outcome.changes?.commits.map(\.subject) == ["B", "A"])
    let plain = try #require(try await fixture.tagger("2026.12.01").run().first)
    #expect(plain.previousTag == "2026.11.24")
  }

  @Test func refOverridesTheBranch() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    let remote = try fixture.remote("acme/api")
    let base = try await GitRemotes.head(of: remote)
    let hotfix = try await GitRemotes.commit(to: remote, branch: "hotfix", parent: base, files: ["h.txt": "h\n"], message: "Hotfix")
    var tagger = try fixture.tagger("2026.12.01")
    tagger.ref = "hotfix"
    #expect(try await tagger.run().first?.commit == hotfix)
    #expect(try await GitRemotes.tags(of: remote) == ["2026.12.01": hotfix])
  }

  @Test func missingBranchFailsThatRepositoryOnly() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    var tagger = try fixture.tagger("2026.12.01")
    tagger.ref = "no-such-branch"
    let outcome = try #require(try await tagger.run().first)
    #expect(outcome.error == .refNotFound(repository: "acme/api", ref: "no-such-branch"))
  }

  @Test func progressReportsEveryRepositoryFinishing() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api", "acme/web", "acme/docs"])
    let finished = Locked<[String]>([])
    var tagger = try fixture.tagger("2026.12.01")
    tagger.concurrency = 2
    _ = try await tagger.run { event in
      if case .finished = event.step { finished.withValue { $0.append(event.repository) } }
    }
    #expect(finished.value.sorted() == ["acme/api", "acme/docs", "acme/web"])
  }
}

/// A value shared between tasks, behind a lock.
final class Locked<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: Value

  init(_ value: Value) { stored = value }

  var value: Value { lock.withLock { stored } }

  func withValue(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
