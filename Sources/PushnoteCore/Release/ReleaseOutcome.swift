/// What `pushnote tag` or `pushnote cherry-pick` did, or would do, in one repository.
public struct ReleaseOutcome: Sendable, Equatable, Encodable {
  /// What happened to the tag.
  public enum Action: String, Sendable, Encodable {
    /// The tag was created and pushed.
    case created
    /// The remote already had the tag at the same commit; nothing was done.
    case skipped
    /// The tag existed at another commit and was moved (`--force`).
    case moved
    /// Dry run: the tag would be created and pushed.
    case wouldCreate = "would_create"
    /// Dry run: the tag would be moved.
    case wouldMove = "would_move"
    /// The repository failed; `error` says why.
    case failed
  }

  /// `OWNER/NAME`.
  public var repository: String
  /// The tag.
  public var tag: String
  /// What happened.
  public var action: Action
  /// The commit tagged (or that would be).
  public var commit: String?
  /// The tag compare links start from: the repository's previous push tag, when known.
  public var previousTag: String?
  /// What goes out, when the previous tag is known.
  public var changes: ChangeSummary?
  /// Why the repository failed.
  public var error: ReleaseError?

  enum CodingKeys: String, CodingKey {
    case repository, tag, action, commit
    case previousTag = "previous_tag"
    case changes, error
  }

  /// Creates an outcome.
  public init(
    repository: String, tag: String, action: Action, commit: String? = nil, previousTag: String? = nil,
    changes: ChangeSummary? = nil, error: ReleaseError? = nil
  ) {
    self.repository = repository
    self.tag = tag
    self.action = action
    self.commit = commit
    self.previousTag = previousTag
    self.changes = changes
    self.error = error
  }

  /// Whether the remote has (or, in a dry run, would have) the tag at the commit.
  public var succeeded: Bool { action != .failed }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(repository, forKey: .repository)
    try container.encode(tag, forKey: .tag)
    try container.encode(action, forKey: .action)
    try container.encodeIfPresent(commit, forKey: .commit)
    try container.encodeIfPresent(previousTag, forKey: .previousTag)
    try container.encodeIfPresent(changes, forKey: .changes)
    try container.encodeIfPresent(error?.description, forKey: .error)
  }
}

/// One step of one repository, reported while repositories are worked on in parallel.
public struct ReleaseProgress: Sendable {
  /// Where the repository is.
  public enum Step: Sendable {
    /// Waiting for a free slot.
    case waiting
    /// Fetching its branches and tags.
    case fetching
    /// Creating the tag.
    case tagging(commit: String)
    /// Cherry-picking commits onto the tag.
    case cherryPicking(commit: String)
    /// Pushing the tag.
    case pushing
    /// Reading what goes out.
    case summarising
    /// Finished, one way or another.
    case finished(ReleaseOutcome)
  }

  /// `OWNER/NAME`.
  public var repository: String
  /// The step.
  public var step: Step
}

/// Receives progress as repositories advance; called from several tasks at once.
public typealias ReleaseProgressHandler = @Sendable (ReleaseProgress) -> Void
