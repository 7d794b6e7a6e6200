/// Tags every repository of the notebook with one push tag, in parallel with bounded concurrency.
///
/// For each repository: fetch, find the commit (the branch head, or `ref`), compare with the tag the
/// remote already has, create an annotated tag and push only that tag. Re-running is safe: a tag
/// the remote has at the same commit is skipped; at another commit it is kept (the branch moved on
/// after tagging, and a repeat push is a cherry-pick's repeat tag, never a moved production tag)
/// unless `force`. A failing repository does not stop the others.
public struct Tagger: Sendable {
  /// The notebook whose repositories are tagged.
  public let notebook: Notebook
  /// The tag.
  public let tag: PushTag
  /// A branch or commit SHA to tag instead of each repository's configured branch.
  public var ref: String?
  /// Move a tag the remote has at another commit.
  public var force = false
  /// Change nothing; report what would be done.
  public var dryRun = false
  /// How many repositories are worked on at once.
  public var concurrency = 4
  /// Per repository, push tags the previous note links to (its compare links' newer ends).
  public var previousNoteTags: [String: [PushTag]] = [:]
  /// The committer and tagger identity, as git environment variables.
  public var identity: [String: String] = [:]

  /// A tagger for the notebook's repositories.
  public init(notebook: Notebook, tag: PushTag) {
    self.notebook = notebook
    self.tag = tag
  }

  /// Tags every repository and returns one outcome per repository, in pushnote.yml's order.
  ///
  /// - Throws: ``ReleaseError/noRepositories``, ``ReleaseError/invalidRef(_:)`` before any work.
  public func run(progress: @escaping ReleaseProgressHandler = { _ in }) async throws(ReleaseError) -> [ReleaseOutcome] {
    let repositories = notebook.config.repositories
    guard !repositories.isEmpty else { throw .noRepositories }
    let checker = Git(directory: notebook.root)
    let target: Target
    if let ref, ref.utf8.count >= 7, let sha = try? ReleaseInput.commit(ref) {
      target = .commit(sha)
    } else if let ref {
      target = .branch(try await ReleaseInput.branch(ref, git: checker))
    } else {
      target = .configuredBranch
    }
    for repository in repositories where target == .configuredBranch {
      _ = try await ReleaseInput.branch(repository.branch, git: checker)
    }
    for repository in repositories { progress(ReleaseProgress(repository: repository.name, step: .waiting)) }
    let tagger = self
    return await BoundedConcurrency.map(repositories, limit: concurrency) { repository in
      let outcome: ReleaseOutcome
      do throws(ReleaseError) {
        outcome = try await tagger.tag(repository, target: target, progress: progress)
      } catch {
        outcome = ReleaseOutcome(repository: repository.name, tag: tagger.tag.name, action: .failed, error: error)
      }
      progress(ReleaseProgress(repository: repository.name, step: .finished(outcome)))
      return outcome
    }
  }

  /// What is tagged.
  private enum Target: Equatable {
    /// Each repository's branch from pushnote.yml.
    case configuredBranch
    /// This branch in every repository.
    case branch(String)
    /// This commit (it exists in one repository only, in practice).
    case commit(String)
  }

  /// Tags one repository.
  private func tag(
    _ repository: NotebookConfig.RepositoryConfig, target: Target, progress: ReleaseProgressHandler
  ) async throws(ReleaseError) -> ReleaseOutcome {
    progress(ReleaseProgress(repository: repository.name, step: .fetching))
    let clone = try await WorkingClone.open(repository, notebook: notebook, environment: identity)
    try await clone.fetch()
    let commit: String
    switch target {
    case .configuredBranch, .branch:
      let branch = if case .branch(let name) = target { name } else { repository.branch }
      guard let head = try await clone.branchHead(branch) else { throw .refNotFound(repository: repository.name, ref: branch) }
      commit = head
    case .commit(let sha): commit = try await clone.resolveCommit(sha)
    }
    let existing = try await clone.remoteTagCommit(tag)
    let action: ReleaseOutcome.Action
    var branchHead: String?
    var tagged = commit
    switch (existing, dryRun) {
    case (commit?, _): action = .skipped
    case (let other?, _) where !force:
      action = .kept
      branchHead = commit
      tagged = other
    case (nil, true): action = .wouldCreate
    case (_?, true): action = .wouldMove
    case (let other, false):
      progress(ReleaseProgress(repository: repository.name, step: .tagging(commit: commit)))
      try await clone.createTag(tag, at: commit, message: "Push \(tag.date.iso) (pushnote)")
      progress(ReleaseProgress(repository: repository.name, step: .pushing))
      try await clone.pushTag(tag, replace: other != nil)
      action = other == nil ? .created : .moved
    }
    progress(ReleaseProgress(repository: repository.name, step: .summarising))
    let previous = try await previousTag(in: clone)
    // What goes out ends at the push's newest tag: a cherry-pick's repeat tag when there is one.
    var newest: PushTag?
    if let latest = try await clone.remoteTags().filter({ $0.date == tag.date }).max(), latest > tag,
      let latestCommit = try await clone.remoteTagCommit(latest)
    {
      newest = latest
      tagged = latestCommit
    }
    var changes: ChangeSummary?
    if let previous, let from = try await clone.remoteTagCommit(previous) {
      changes = try await ChangeSummary.read(from: from, to: tagged, in: clone)
    }
    var outcome = ReleaseOutcome(
      repository: repository.name, tag: tag.name, action: action, commit: action == .kept ? existing : commit, previousTag: previous?.name,
      changes: changes)
    outcome.newestTag = newest?.name
    outcome.branchHead = branchHead
    return outcome
  }

  /// The tag compare links start from: the newest push tag the previous note links to that the
  /// remote has, else the remote's newest push tag of an earlier push date.
  func previousTag(in clone: WorkingClone) async throws(ReleaseError) -> PushTag? {
    let earlier = try await clone.remoteTags().filter { $0.date < tag.date }
    let fromNote = (previousNoteTags[clone.repository.name] ?? []).filter { earlier.contains($0) }
    return fromNote.max() ?? earlier.max()
  }
}
