import Foundation

/// A repeat push in one repository: commits cherry-picked, in order, onto the latest tag of the
/// push, tagged `YYYY.MM.DD-N` (the next N) and that tag pushed.
///
/// The work happens in a temporary worktree of the clone, detached at the tag, so the clone's own
/// working tree is never touched. A commit that does not apply cleanly stops everything: the
/// cherry-pick is aborted, the worktree removed, nothing is tagged or pushed.
public struct CherryPicker: Sendable {
  /// The notebook.
  public let notebook: Notebook
  /// The repository, from pushnote.yml.
  public let repository: NotebookConfig.RepositoryConfig
  /// The push whose latest tag the commits go onto.
  public let pushDate: PushDate
  /// The commits, as given (checked hex SHAs).
  public let commits: [String]
  /// Apply the commits in a scratch worktree, but tag and push nothing.
  public var dryRun = false
  /// The committer and tagger identity, as git environment variables.
  public var identity: [String: String] = [:]

  /// What the cherry-pick did.
  public struct Outcome: Sendable, Equatable, JSONObject {
    /// `OWNER/NAME`.
    public var repository: String
    /// The tag the commits went onto.
    public var baseTag: String
    /// The new tag (in a dry run, the one it would be).
    public var tag: String
    /// The commit the new tag points at; nil in a dry run.
    public var commit: String?
    /// The commits picked, as they are in the repository.
    public var picked: [ChangeSummary.Commit]
    /// Whether the tag was pushed (false in a dry run).
    public var pushed: Bool

    /// Every key; `commit` only when there is one, as docs/json.md allows.
    public func writeFields(to fields: inout JSONFields) {
      fields.field("base_tag", baseTag)
      if let commit { fields.field("commit", commit) }
      fields.field("picked", picked)
      fields.field("pushed", pushed)
      fields.field("repository", repository)
      fields.field("tag", tag)
    }
  }

  /// A cherry-pick of checked commits into a repository of pushnote.yml.
  ///
  /// - Throws: ``ReleaseError/unknownRepository(_:known:)``, ``ReleaseError/invalidCommit(_:)``.
  public init(notebook: Notebook, repository name: String, pushDate: PushDate, commits: [String]) throws(ReleaseError) {
    self.notebook = notebook
    repository = try ReleaseInput.repository(named: name, in: notebook.config)
    self.pushDate = pushDate
    var checked: [String] = []
    for commit in commits { checked.append(try ReleaseInput.commit(commit)) }
    self.commits = checked
  }

  /// Cherry-picks, tags and pushes.
  ///
  /// - Throws: ``ReleaseError/notTagged(repository:date:)``, ``ReleaseError/unknownCommit(repository:commit:)``,
  ///   ``ReleaseError/alreadyInTag(repository:commit:tag:)``,
  ///   ``ReleaseError/conflict(repository:commit:files:)``, ``ReleaseError/git(repository:_:)``.
  public func run(progress: @escaping ReleaseProgressHandler = { _ in }) async throws(ReleaseError) -> Outcome {
    progress(ReleaseProgress(repository: repository.name, step: .fetching))
    let clone = try await WorkingClone.open(repository, notebook: notebook, environment: identity)
    try await clone.fetch()
    var picked: [ChangeSummary.Commit] = []
    for sha in commits { picked.append(try await describe(try await clone.resolveCommit(sha), in: clone)) }
    guard let base = try await clone.remoteTags().filter({ $0.date == pushDate }).max(),
      let baseCommit = try await clone.remoteTagCommit(base)
    else { throw .notTagged(repository: repository.name, date: pushDate) }
    for commit in picked where try await clone.call(["merge-base", "--is-ancestor", commit.sha, baseCommit]).status == 0 {
      throw .alreadyInTag(repository: repository.name, commit: commit.sha, tag: base.name)
    }
    let tag = base.next
    let worktree = (NSTemporaryDirectory() as NSString).appendingPathComponent("pushnote-cherry-pick-\(UUID().uuidString)")
    try await clone.run(["worktree", "add", "--quiet", "--detach", "--", worktree, baseCommit])
    let result: Result<String, ReleaseError>
    do throws(ReleaseError) {
      result = .success(try await apply(picked, onto: base, in: clone.inWorktree(worktree), progress: progress))
    } catch {
      result = .failure(error)
    }
    _ = try? await clone.call(["worktree", "remove", "--force", "--", worktree])
    _ = try? await clone.call(["worktree", "prune"])
    let head = try result.get()
    var outcome = Outcome(repository: repository.name, baseTag: base.name, tag: tag.name, commit: nil, picked: picked, pushed: false)
    guard !dryRun else { return outcome }
    progress(ReleaseProgress(repository: repository.name, step: .tagging(commit: head)))
    try await clone.createTag(tag, at: head, message: "Push \(pushDate.iso), repeat \(tag.repeatNumber) (pushnote)")
    progress(ReleaseProgress(repository: repository.name, step: .pushing))
    try await clone.pushTag(tag, replace: false)
    outcome.commit = head
    outcome.pushed = true
    return outcome
  }

  /// Applies the commits in order in a worktree; returns the new head.
  ///
  /// A commit whose change the tag already has (an earlier cherry-pick of it, or the same change
  /// made again) applies as nothing: that is ``ReleaseError/alreadyInTag(repository:commit:tag:)``,
  /// not git's advice to commit it empty.
  private func apply(
    _ picked: [ChangeSummary.Commit], onto base: PushTag, in worktree: WorkingClone, progress: ReleaseProgressHandler
  ) async throws(ReleaseError) -> String {
    for commit in picked {
      progress(ReleaseProgress(repository: repository.name, step: .cherryPicking(commit: commit.sha)))
      let arguments = ["cherry-pick", "-x", "--end-of-options", commit.sha]
      let result = try await worktree.call(arguments)
      guard result.status == 0 else {
        let unmerged = try await worktree.run(["diff", "--name-only", "--diff-filter=U"])
        let unchanged = try await worktree.call(["diff", "--quiet", "HEAD", "--"]).status == 0
        _ = try await worktree.call(["cherry-pick", "--abort"])
        if unmerged.isEmpty, unchanged { throw .alreadyInTag(repository: repository.name, commit: commit.sha, tag: base.name) }
        let files = unmerged.split(separator: "\n").map(String.init)
        if files.isEmpty {
          throw .git(repository: repository.name, .failed(arguments: arguments, status: result.status, stderr: result.stderr))
        }
        throw .conflict(repository: repository.name, commit: commit.sha, files: files)
      }
    }
    return try await worktree.run(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The commit's subject and author.
  private func describe(_ sha: String, in clone: WorkingClone) async throws(ReleaseError) -> ChangeSummary.Commit {
    guard let commit = try await ChangeSummary.log([sha], limit: 1, in: clone).first else {
      throw .unknownCommit(repository: repository.name, commit: sha)
    }
    return commit
  }
}
