import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

@Suite struct CherryPickerTests {
  /// A repository tagged 2026.12.01 at its third commit, with two later commits on main: one that
  /// applies onto the tag (a new file) and one that conflicts with it.
  private func tagged(localClones: Bool = false) async throws -> (ReleaseFixture, clean: String, conflicting: String) {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"], localClones: localClones)
    _ = try await fixture.tagger("2026.12.01").run()
    let remote = try fixture.remote("acme/api")
    try await GitRemotes.commit(to: remote, files: ["src/module.txt": "rewritten\n"], message: "Rewrite the module")
    let conflicting = try await GitRemotes.commit(to: remote, files: ["src/module.txt": "rewritten twice\n"], message: "Tweak the module")
    let clean = try await GitRemotes.commit(
      to: remote, files: ["src/fix.txt": "the fix\n"], message: "Fix the crash", author: "Bo Ops <bo@example.org>")
    return (fixture, clean, conflicting)
  }

  private func picker(_ fixture: ReleaseFixture, _ commits: [String]) throws -> CherryPicker {
    var picker = try CherryPicker(
      notebook: fixture.notebook(), repository: "acme/api", pushDate: try #require(PushDate("2026-12-01")), commits: commits)
    picker.identity = ReleaseFixture.identity
    return picker
  }

  @Test func cleanCherryPickTagsTheNextRepeatOnTopOfTheTagAndPushesIt() async throws {
    let (fixture, clean, _) = try await tagged()
    let remote = try fixture.remote("acme/api")
    let base = try #require(try await GitRemotes.tags(of: remote)["2026.12.01"])
    let outcome = try await picker(fixture, [String(clean.prefix(10))]).run()
    #expect(outcome.baseTag == "2026.12.01")
    #expect(outcome.tag == "2026.12.01-1")
    #expect(outcome.picked.map(\.sha) == [clean])
    #expect(outcome.picked.map(\.subject) == ["Fix the crash"])
    let tags = try await GitRemotes.tags(of: remote)
    let tagged = try #require(tags["2026.12.01-1"])
    #expect(tagged == outcome.commit)
    let git = Git(directory: remote)
    #expect(try await git.run(["rev-parse", "\(tagged)^"]).trimmingCharacters(in: .whitespacesAndNewlines) == base)
    #expect(try await git.run(["show", "\(tagged):src/fix.txt"]) == "the fix\n")
    #expect(try await git.run(["log", "-1", "--format=%B", tagged]).contains("cherry picked from commit \(clean)"))
    #expect(try await git.run(["log", "-1", "--format=%an|%cn", tagged]) == "Bo Ops|Rita Release\n")
    let another = try await GitRemotes.commit(to: remote, files: ["src/other.txt": "other\n"], message: "Another fix")
    let second = try await picker(fixture, [another]).run()
    #expect(second.baseTag == "2026.12.01-1")
    #expect(second.tag == "2026.12.01-2")
  }

  @Test func conflictStopsWithNothingPushedAndTheCloneLeftClean() async throws {
    let (fixture, clean, conflicting) = try await tagged(localClones: true)
    let remote = try fixture.remote("acme/api")
    let before = try await fixture.remoteRefs()
    let clone = Git(directory: fixture.directory.appending("clones/acme/api"))
    let headBefore = try await clone.run(["rev-parse", "HEAD"])
    await #expect(throws: ReleaseError.conflict(repository: "acme/api", commit: conflicting, files: ["src/module.txt"])) {
      _ = try await picker(fixture, [clean, conflicting]).run()
    }
    #expect(try await fixture.remoteRefs() == before)
    #expect(try await GitRemotes.tags(of: remote).keys.sorted() == ["2026.12.01"])
    #expect(try await clone.run(["status", "--porcelain"]).isEmpty)
    #expect(try await clone.run(["rev-parse", "HEAD"]) == headBefore)
    #expect(try await clone.run(["worktree", "list", "--porcelain"]).components(separatedBy: "worktree ").count == 2)
    #expect(try await clone.run(["tag", "--list", "2026.12.01-1"]).isEmpty)
  }

  @Test func dryRunAppliesInAScratchWorktreeButPushesNothing() async throws {
    let (fixture, clean, _) = try await tagged()
    let before = try await fixture.remoteRefs()
    var picker = try picker(fixture, [clean])
    picker.dryRun = true
    let outcome = try await picker.run()
    #expect(outcome.tag == "2026.12.01-1")
    #expect(!outcome.pushed)
    #expect(try await fixture.remoteRefs() == before)
  }

  @Test func refusesAnUntaggedPushUnknownCommitsAndRepositories() async throws {
    let fixture = try await ReleaseFixture(repositories: ["acme/api"])
    let head = try await GitRemotes.head(of: fixture.remote("acme/api"))
    let date = try #require(PushDate("2026-12-01"))
    await #expect(throws: ReleaseError.notTagged(repository: "acme/api", date: date)) {
      _ = try await picker(fixture, [head]).run()
    }
    _ = try await fixture.tagger("2026.12.01").run()
    await #expect(throws: ReleaseError.unknownCommit(repository: "acme/api", commit: "deadbeefdeadbeef")) {
      _ = try await picker(fixture, ["deadbeefdeadbeef"]).run()
    }
    await #expect(throws: ReleaseError.alreadyInTag(repository: "acme/api", commit: head, tag: "2026.12.01")) {
      _ = try await picker(fixture, [head]).run()
    }
    #expect(throws: ReleaseError.unknownRepository("acme/other", known: ["acme/api"])) {
      _ = try CherryPicker(notebook: fixture.notebook(), repository: "acme/other", pushDate: date, commits: [head])
    }
  }

  @Test func aCommitWhoseChangeTheTagHasAlreadySaysSoInsteadOfGitsEmptyCommitAdvice() async throws {
    let (fixture, clean, _) = try await tagged()
    let remote = try fixture.remote("acme/api")
    _ = try await picker(fixture, [clean]).run()
    let tagsBefore = try await GitRemotes.tags(of: remote)
    // The same commit again: its change is in 2026.12.01-1 (as a cherry-pick), so it applies as nothing.
    await #expect(throws: ReleaseError.alreadyInTag(repository: "acme/api", commit: clean, tag: "2026.12.01-1")) {
      _ = try await picker(fixture, [clean]).run()
    }
    // The same change made again as another commit on main.
    let again = try await GitRemotes.commit(to: remote, files: ["src/fix.txt": "the fix\n"], message: "Fix the crash, again")
    let error = await #expect(throws: ReleaseError.self) { _ = try await picker(fixture, [again]).run() }
    #expect(error?.description.contains("allow-empty") == false)
    #expect(error == .alreadyInTag(repository: "acme/api", commit: again, tag: "2026.12.01-1"))
    #expect(try await GitRemotes.tags(of: remote).keys.sorted() == ["2026.12.01", "2026.12.01-1"])
    #expect(try await GitRemotes.tags(of: remote) == tagsBefore)
  }
}
