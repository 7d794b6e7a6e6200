/// What `pushnote tag` or `pushnote cherry-pick` did, or would do, in one repository.
public struct ReleaseOutcome: Sendable, Equatable, JSONObject {
  /// What happened to the tag.
  public enum Action: String, Sendable {
    /// The tag was created and pushed.
    case created
    /// The remote already had the tag at the same commit; nothing was done.
    case skipped
    /// The remote has the tag at another commit (the branch moved on after tagging); it stays where
    /// it is: a repeat push is `pushnote cherry-pick`, never a moved production tag.
    case kept
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
  /// The push's newest tag when it is a later repeat tag than ``tag`` (`2026.12.01-1`): what goes
  /// out and the compare links end there.
  public var newestTag: String?
  /// For a ``Action/kept`` tag: the branch head that was not tagged.
  public var branchHead: String?

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

  /// The keys docs/json.md gives, those of unknown values left out.
  public func writeFields(to fields: inout JSONFields) {
    fields.field("action", action.rawValue)
    if let branchHead { fields.field("branch_head", branchHead) }
    if let changes { fields.field("changes", changes) }
    if let commit { fields.field("commit", commit) }
    if let error { fields.field("error", error.description) }
    if let newestTag { fields.field("newest_tag", newestTag) }
    if let previousTag { fields.field("previous_tag", previousTag) }
    fields.field("repository", repository)
    fields.field("tag", tag)
  }

  /// The tag the push's compare links and what goes out end at: the newest repeat tag, else ``tag``.
  public var endTag: String { newestTag ?? tag }

  /// For a kept tag, what happened and what to do instead of moving it; nil otherwise.
  public var advice: String? {
    guard action == .kept, let branchHead, let commit else { return nil }
    return "\(repository): the branch moved on to \(branchHead.prefix(12)) after \(tag) was tagged at \(commit.prefix(12)); "
      + "the tag stays (for a repeat push: pushnote cherry-pick \(repository) SHA)"
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
