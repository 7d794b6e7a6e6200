import Foundation

/// The notebook's own git remote (`git.remote` in pushnote.yml): pulled with rebase before a sync
/// and pushed after it.
///
/// The pull never leaves git half-way: uncommitted edits are stashed, the local commits rebased
/// onto the remote branch, the edits put back. When git meets a conflict at any of these steps,
/// everything is put back as it was (the rebase aborted, the branch where it was, the edits
/// restored from the stash) and ``SyncError/remoteConflict(remote:branch:files:gitOutput:)`` reports the
/// files, so that the user resolves it with git and syncs again. Nothing is lost on any path.
struct NotebookRemote {
  /// The notebook's repository.
  let git: Git
  /// The remote, as a name or a URL or path.
  let remote: String

  /// Brings the remote branch's commits in, rebasing local commits and edits onto them; returns
  /// whether the local branch then has commits the remote lacks.
  ///
  /// - Throws: ``SyncError/remoteConflict(remote:branch:files:gitOutput:)`` when git meets a conflict (with
  ///   nothing changed), ``SyncError/git(_:status:)`` when the remote cannot be read (exit 75).
  func pull() async throws(SyncError) -> Bool {
    let branch = try await currentBranch()
    let listing = try await call(["ls-remote", "--heads", "--", remote, "refs/heads/\(branch)"])
    guard listing.status == 0 else { throw unreachable("read", listing.stderr) }
    // A remote without the branch yet (a new, empty repository): nothing to pull, all to push.
    guard !listing.stdout.isEmpty else { return true }
    let fetch = try await call(["fetch", "--quiet", "--", remote, "refs/heads/\(branch)"])
    guard fetch.status == 0 else { throw unreachable("fetch from", fetch.stderr) }
    let upstream = try await output(["rev-parse", "--verify", "FETCH_HEAD^{commit}"])
    let before = try await output(["rev-parse", "--verify", "HEAD^{commit}"])
    if try await call(["merge-base", "--is-ancestor", upstream, before]).status == 0 {
      return upstream != before
    }
    let dirty = try await !output(["status", "--porcelain", "--untracked-files=no"]).isEmpty
    if dirty {
      let stash = try await call(["stash", "push", "--quiet", "--message", "pushnote sync: edits kept during git pull --rebase"])
      guard stash.status == 0 else { throw .git("git stash failed before pulling from \(remote):\n" + stash.stderr, status: .unavailable) }
    }
    let rebase = try await call(["rebase", "--quiet", upstream])
    if rebase.status != 0 {
      let files = try await conflictedFiles()
      _ = try await call(["rebase", "--abort"])
      if dirty { try await restoreStash() }
      throw .remoteConflict(remote: remote, branch: branch, files: files, gitOutput: rebase.stderr + rebase.stdout)
    }
    guard dirty else { return try await isAhead(of: upstream) }
    let pop = try await call(["stash", "pop", "--quiet"])
    if pop.status != 0 {
      // The edits clash with the pulled commits: go back to the commit the stash was made on,
      // where it applies as it came (git keeps a stash whose pop failed).
      let files = try await conflictedFiles()
      _ = try await call(["reset", "--quiet", "--hard", before])
      try await restoreStash()
      throw .remoteConflict(remote: remote, branch: branch, files: files, gitOutput: pop.stderr + pop.stdout)
    }
    return try await isAhead(of: upstream)
  }

  /// Pushes the current branch to the remote.
  ///
  /// - Throws: ``SyncError/git(_:status:)`` (exit 75) when the push fails; the sync itself is done.
  func push() async throws(SyncError) {
    let branch = try await currentBranch()
    let output = try await call(["push", "--quiet", "--", remote, "HEAD:refs/heads/\(branch)"])
    if output.status != 0 {
      throw .git("git push to \(remote) failed (the sync itself is done and committed):\n" + output.stderr, status: .temporaryFailure)
    }
  }

  // MARK: Steps

  private func currentBranch() async throws(SyncError) -> String {
    let branch = try await output(["rev-parse", "--abbrev-ref", "HEAD"])
    guard branch != "HEAD" else {
      throw .git("the notebook is not on a branch (detached HEAD), so it cannot pull from or push to \(remote)", status: .configuration)
    }
    return branch
  }

  private func isAhead(of upstream: String) async throws(SyncError) -> Bool {
    try await output(["rev-parse", "--verify", "HEAD^{commit}"]) != upstream
  }

  /// The files git left unmerged.
  private func conflictedFiles() async throws(SyncError) -> [String] {
    try await output(["diff", "--name-only", "--diff-filter=U"]).split(separator: "\n").map(String.init)
  }

  /// Puts the stashed edits back; the stash was made on the commit checked out now.
  private func restoreStash() async throws(SyncError) {
    let pop = try await call(["stash", "pop", "--quiet"])
    guard pop.status == 0 else {
      throw .git(
        "git could not put your uncommitted edits back after a failed pull from \(remote); they are safe in "
          + "`git stash list` (restore them with `git stash pop`):\n" + pop.stderr, status: .unavailable)
    }
  }

  private func unreachable(_ action: String, _ stderr: String) -> SyncError {
    .git("could not \(action) the notebook's git remote \(remote); nothing was synced:\n" + stderr, status: .temporaryFailure)
  }

  private func output(_ arguments: [String]) async throws(SyncError) -> String {
    let result = try await call(arguments)
    guard result.status == 0 else { throw .git("git \(arguments.joined(separator: " ")) failed:\n" + result.stderr, status: .dataError) }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  private func call(_ arguments: [String]) async throws(SyncError) -> Git.Output {
    do {
      return try await git.call(arguments)
    } catch {
      throw .git(error.description, status: error.exitStatus)
    }
  }
}
