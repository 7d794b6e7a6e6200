/// Why tagging, a cherry-pick or the note's release bookkeeping failed.
public enum ReleaseError: PushnoteError, Equatable {
  /// The repository is not one of pushnote.yml's `repositories`; names come from there only.
  case unknownRepository(String, known: [String])
  /// A repository's name in pushnote.yml is not `OWNER/NAME` made of letters, digits, `.`, `_` and `-`.
  case invalidRepositoryName(String)
  /// pushnote.yml lists no repositories, so there is nothing to tag.
  case noRepositories
  /// The repository has neither a `git` URL nor a `clone` in pushnote.yml.
  case noRemote(repository: String)
  /// A tag name is not a push tag (`YYYY.MM.DD` or `YYYY.MM.DD-N`) or not a valid git ref name.
  case invalidTag(String)
  /// A commit is not 4 to 40 hexadecimal digits.
  case invalidCommit(String)
  /// A branch or ref given to tag is not a valid git ref name.
  case invalidRef(String)
  /// The note's push date or tag is a template placeholder, malformed, or missing.
  case invalidPushDate(String)
  /// The push date is not the notebook's push weekday; `--force` allows it.
  case notPushDay(PushDate, pushWeekday: Weekday)
  /// The branch or ref to tag does not exist in the repository's remote.
  case refNotFound(repository: String, ref: String)
  /// The repository has no tag of this push yet to cherry-pick onto (run `pushnote tag` first).
  case notTagged(repository: String, date: PushDate)
  /// A commit to cherry-pick is not in the repository (nor on any of its remote branches).
  case unknownCommit(repository: String, commit: String)
  /// A commit to cherry-pick is already in the tag it would go onto.
  case alreadyInTag(repository: String, commit: String, tag: String)
  /// A commit did not apply cleanly; nothing was tagged or pushed and the clone was left clean.
  case conflict(repository: String, commit: String, files: [String])
  /// A git command failed, in a repository's clone when `repository` is given.
  case git(repository: String?, GitError)
  /// Some repositories failed; the others were done. Running the command again finishes the rest.
  case repositoriesFailed([String: ReleaseError])
  /// The note or the notebook could not be read or written.
  case notebook(NotebookError)
  /// The note is not valid UTF-8 or could not be parsed.
  case note(MarkdownError)

  public var exitStatus: ExitStatus {
    switch self {
    case .unknownRepository, .invalidRef, .invalidCommit, .notPushDay: return .usage
    case .invalidRepositoryName, .noRepositories, .noRemote: return .configuration
    case .invalidTag, .invalidPushDate, .refNotFound, .notTagged, .unknownCommit, .alreadyInTag, .conflict:
      return .dataError
    case .git(_, let error): return error.exitStatus
    case .repositoriesFailed(let failures):
      return failures.sorted { $0.key < $1.key }.first?.value.exitStatus ?? .dataError
    case .notebook(let error): return error.exitStatus
    case .note: return .dataError
    }
  }

  public var description: String {
    switch self {
    case .unknownRepository(let name, let known):
      return "'\(name)' is not a repository of pushnote.yml (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
    case .invalidRepositoryName(let name): return "pushnote.yml: repository name '\(name)' is not OWNER/NAME"
    case .noRepositories: return "pushnote.yml lists no repositories"
    case .noRemote(let repository): return "\(repository): pushnote.yml gives neither `git` nor `clone` for it"
    case .invalidTag(let tag): return "'\(tag)' is not a push tag (YYYY.MM.DD or YYYY.MM.DD-N)"
    case .invalidCommit(let commit): return "'\(commit)' is not a commit SHA (4 to 40 hexadecimal digits)"
    case .invalidRef(let ref): return "'\(ref)' is not a valid branch or ref name"
    case .invalidPushDate(let text): return "the note's push date '\(text)' is a placeholder or malformed; fix the note first"
    case .notPushDay(let date, let weekday):
      return "\(date) is a \(date.weekday.name), not a push day (\(weekday.name)); use --force to allow it"
    case .refNotFound(let repository, let ref): return "\(repository): no branch or commit '\(ref)' in its remote"
    case .notTagged(let repository, let date):
      return "\(repository) has no tag of the push \(date) yet; run pushnote tag first"
    case .unknownCommit(let repository, let commit): return "\(repository): commit \(commit) is not in the repository"
    case .alreadyInTag(let repository, let commit, let tag):
      return "\(repository): commit \(commit.prefix(12)) is already in \(tag); nothing to cherry-pick"
    case .conflict(let repository, let commit, let files):
      return "\(repository): commit \(commit.prefix(12)) does not apply cleanly"
        + (files.isEmpty ? "" : " (conflicts in \(files.joined(separator: ", ")))") + "; nothing was pushed"
    case .git(let repository, let error): return (repository.map { "\($0): " } ?? "") + error.description
    case .repositoriesFailed(let failures):
      let lines = failures.sorted { $0.key < $1.key }.map { "  \($0.value)" }
      return "\(failures.count) repositor\(failures.count == 1 ? "y" : "ies") failed (run the command again to finish):\n"
        + lines.joined(separator: "\n")
    case .notebook(let error): return error.description
    case .note(let error): return error.description
    }
  }
}
