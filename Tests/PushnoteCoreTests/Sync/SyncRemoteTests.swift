import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The notebook's git remote (`git.remote`): a real bare repository on disk and a colleague's clone.
///
/// Sync pulls with rebase before and pushes after; git's conflicts are reported with nothing changed.
@Suite struct SyncRemoteTests {
  /// The harness's notebook with a bare remote, and a colleague's clone of it.
  struct Setup {
    let remote: TemporaryDirectory
    let colleague: TemporaryDirectory
    let harness: SyncHarness

    init(pushFirst: Bool = true) async throws {
      remote = try TemporaryDirectory(prefix: "pushnote-sync-remote")
      colleague = try TemporaryDirectory(prefix: "pushnote-sync-colleague")
      try await Self.run(["init", "-q", "--bare", "-b", "main", remote.path])
      harness = try await SyncHarness(gitRemote: remote.path)
      if pushFirst {
        try await harness.git(["push", "-q", remote.path, "main"])
        try await harness.establish()
      }
    }

    @discardableResult
    static func run(_ arguments: [String], in directory: String? = nil) async throws -> String {
      let result = try await ProcessRunner.run("git", arguments, workingDirectory: directory)
      if result.status != 0 { throw SyncError.git("git \(arguments) failed: \(result.stderr)", status: .dataError) }
      return result.stdout
    }

    /// The colleague clones the remote, replaces `old` by `new` in the note, commits and pushes.
    func colleagueCommits(_ old: String, _ new: String) async throws {
      let clone = colleague.appending("clone")
      if !FileManager.default.fileExists(atPath: clone) {
        try await Self.run(["clone", "-q", remote.path, clone])
        try await Self.run(["config", "user.name", "Colleague"], in: clone)
        try await Self.run(["config", "user.email", "c@example.org"], in: clone)
      } else {
        try await Self.run(["pull", "-q", "--rebase"], in: clone)
      }
      let note = (clone as NSString).appendingPathComponent("2026/mkt-2026-12-01.md")
      let text = try String(contentsOfFile: note, encoding: .utf8)
      try text.replacingOccurrences(of: old, with: new).write(toFile: note, atomically: true, encoding: .utf8)
      try await Self.run(["commit", "-qam", "colleague: \(new)"], in: clone)
      try await Self.run(["push", "-q"], in: clone)
    }

    func remoteHead() async throws -> String {
      try await Self.run(["--git-dir", remote.path, "rev-parse", "main"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func localHead() async throws -> String {
      try await harness.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether git is in the middle of anything (rebase, merge) or holds a stash.
    func gitIsIdle() async throws -> Bool {
      let gitDirectory = harness.folder.appending(".git")
      let busy = ["rebase-merge", "rebase-apply", "MERGE_HEAD"].contains {
        FileManager.default.fileExists(atPath: (gitDirectory as NSString).appendingPathComponent($0))
      }
      let stashes = try await harness.git(["stash", "list"])
      return !busy && stashes.isEmpty
    }
  }

  @Test func pullsWithRebaseBeforeAndPushesAfter() async throws {
    let setup = try await Setup()
    let harness = setup.harness
    try await setup.colleagueCommits("- [ ] verify stage", "- [x] verify stage COLLEAGUE")
    let colleagueHead = try await setup.remoteHead()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")  // uncommitted, another section
    let report = try await harness.sync()
    #expect(report.outcome == .synced)
    #expect(harness.file().contains("COLLEAGUE") && harness.file().contains("LOCAL"))
    #expect(await harness.padText() == harness.file())
    // The colleague's commit came first (pulled before), ours went on top and out (pushed after).
    #expect(try await setup.remoteHead() == setup.localHead())
    try await harness.git(["merge-base", "--is-ancestor", colleagueHead, "HEAD"])
    #expect(try await harness.git(["log", "-1", "--format=%s"]).hasPrefix("sync mkt-2026-12-01"))
    let status = try await harness.git(["status", "--porcelain"])
    #expect(status.isEmpty, "\(status)")
    #expect(try await setup.gitIsIdle())
  }

  @Test func aConflictWithAnUncommittedEditIsReportedWithNothingChanged() async throws {
    let setup = try await Setup()
    let harness = setup.harness
    try await setup.colleagueCommits("- [ ] tag zamboni", "- [x] tag zamboni COLLEAGUE")
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    let edited = harness.fileBytes()
    let head = try await setup.localHead(), remoteHead = try await setup.remoteHead()
    let pad = await harness.padText()
    await harness.server.resetCalls()
    let error = await harness.failingSync()
    guard case .remoteConflict(_, let branch, let files, _) = error else {
      Issue.record("expected a remote conflict, got \(String(describing: error))")
      return
    }
    #expect(error?.exitStatus == .unavailable)
    #expect(branch == "main" && files == ["2026/mkt-2026-12-01.md"])
    let message = error?.description ?? ""
    #expect(message.contains("2026/mkt-2026-12-01.md") && message.contains("git rebase --continue"))
    // Nothing lost, nothing half-done: the edit is in the file, the branch where it was.
    #expect(harness.fileBytes() == edited)
    #expect(try await setup.localHead() == head)
    #expect(try await setup.remoteHead() == remoteHead)
    #expect(try await setup.gitIsIdle())
    #expect(try await harness.git(["status", "--porcelain"]) == " M 2026/mkt-2026-12-01.md\n")
    #expect(await harness.padText() == pad)
    #expect(await harness.server.calls.isEmpty)

    // The way out the message gives works, and the next sync goes through.
    try await harness.git(["commit", "-qam", "local edit"])
    let pull = try await ProcessRunner.run(
      "git", ["pull", "-q", "--rebase", setup.remote.path, "main"], workingDirectory: harness.folder.path)
    #expect(pull.status != 0 && harness.file().contains("<<<<<<<"))
    // Resolved for the local side (while rebasing, "theirs" is the commit being replayed).
    try await harness.git(["checkout", "--theirs", "--", "2026/mkt-2026-12-01.md"])
    #expect(harness.file().contains("- [x] tag zamboni LOCAL") && !harness.file().contains("<<<<<<<"))
    try await harness.git(["add", "-A"])
    let continued = try await ProcessRunner.run(
      "git", ["rebase", "--continue"], environment: ["GIT_EDITOR": "true"], workingDirectory: harness.folder.path)
    #expect(continued.status == 0, "\(continued.stderr)")
    #expect(try await harness.sync().outcome == .synced)
    #expect(try await setup.remoteHead() == setup.localHead())
    #expect(await harness.padText() == harness.file())
  }

  @Test func aConflictWithALocalCommitLeavesNoRebaseBehind() async throws {
    let setup = try await Setup()
    let harness = setup.harness
    try await setup.colleagueCommits("- [ ] mail the list", "- [x] mail the list COLLEAGUE")
    try harness.editFile("- [ ] mail the list", "- [x] mail the list LOCAL")
    try await harness.git(["commit", "-qam", "local edit, not pushed"])
    try harness.editFile("- [ ] tag fireplace", "- [x] tag fireplace UNCOMMITTED")
    let edited = harness.fileBytes()
    let head = try await setup.localHead()
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .unavailable)
    guard case .remoteConflict(_, _, let files, _) = error else {
      Issue.record("expected a remote conflict, got \(String(describing: error))")
      return
    }
    #expect(files == ["2026/mkt-2026-12-01.md"])
    #expect(harness.fileBytes() == edited)
    #expect(try await setup.localHead() == head)
    #expect(try await setup.gitIsIdle())
  }

  @Test func anEmptyRemoteGetsTheBranchAndUnpushedCommitsGoOutOnANoOpSync() async throws {
    let setup = try await Setup(pushFirst: false)
    let harness = setup.harness
    try await harness.establish()
    #expect(try await setup.remoteHead() == setup.localHead())
    // A commit of the user's own (or one an earlier failed push left behind) goes out with the next sync.
    try "notes\n".write(toFile: harness.folder.appending("README.md"), atomically: true, encoding: .utf8)
    try await harness.git(["add", "README.md"])
    try await harness.git(["commit", "-qm", "readme"])
    let report = try await harness.sync()
    #expect(report.outcome == .unchanged && report.requests == 1)
    #expect(try await setup.remoteHead() == setup.localHead())
  }
}
