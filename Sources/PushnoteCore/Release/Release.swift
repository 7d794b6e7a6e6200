import Foundation

/// `pushnote tag` and `pushnote cherry-pick`: the work in the repositories, then the note's
/// bookkeeping written as byte splices and committed to the notebook.
public struct Release: Sendable {
  /// The notebook.
  public let notebook: Notebook
  /// The checklist item `tag` ticks once every repository has the tag.
  public static let tagItem = "Tag every repository"

  /// The release use cases of a notebook.
  public init(notebook: Notebook) { self.notebook = notebook }

  /// How to tag.
  public struct TagOptions: Sendable {
    /// Change nothing; report what would be done.
    public var dryRun = false
    /// Allow a date that is not a push day, and move a tag the remote has at another commit.
    public var force = false
    /// A branch or commit to tag instead of each repository's configured branch.
    public var ref: String?
    /// How many repositories are worked on at once.
    public var concurrency = 4

    /// The defaults: tag each configured branch, four repositories at a time.
    public init() {}
  }

  /// What `pushnote tag` did.
  public struct TagReport: Sendable, JSONObject {
    /// The note, relative to the notebook.
    public var note: String
    /// The tag.
    public var tag: String
    /// Whether this was a dry run.
    public var dryRun: Bool
    /// One outcome per repository, in pushnote.yml's order.
    public var repositories: [ReleaseOutcome]
    /// Whether the note changed (in a dry run: would change).
    public var noteUpdated: Bool
    /// Whether the change was committed to the notebook.
    public var committed: Bool

    public func writeFields(to fields: inout JSONFields) {
      fields.field("committed", committed)
      fields.field("dry_run", dryRun)
      fields.field("note", note)
      fields.field("note_updated", noteUpdated)
      fields.field("repositories", repositories)
      fields.field("tag", tag)
    }

    /// The error the command ends with when some repositories failed.
    public var failure: ReleaseError? {
      let failed = repositories.compactMap { outcome in outcome.error.map { (outcome.repository, $0) } }
      return failed.isEmpty ? nil : .repositoriesFailed(Dictionary(failed) { first, _ in first })
    }
  }

  /// What `pushnote cherry-pick` did.
  public struct CherryPickReport: Sendable, JSONObject {
    /// The note, relative to the notebook.
    public var note: String
    /// Whether this was a dry run.
    public var dryRun: Bool
    /// What happened in the repository.
    public var outcome: CherryPicker.Outcome
    /// Whether the note changed (in a dry run: would change).
    public var noteUpdated: Bool
    /// Whether the change was committed to the notebook.
    public var committed: Bool

    public func writeFields(to fields: inout JSONFields) {
      fields.field("committed", committed)
      fields.field("dry_run", dryRun)
      fields.field("note", note)
      fields.field("note_updated", noteUpdated)
      fields.field("outcome", outcome)
    }
  }

  /// Tags every repository with the note's push tag, then refreshes the note's compare links, lists
  /// what goes out and the migrations to review, and commits the note.
  ///
  /// Repositories that fail are reported in their outcome (see ``TagReport/failure``); the note is
  /// still brought up to date for the others.
  ///
  /// - Throws: ``ReleaseError/invalidPushDate(_:)``, ``ReleaseError/notPushDay(_:pushWeekday:)``
  ///   unless `force`, ``ReleaseError/noRepositories``, ``ReleaseError/invalidRef(_:)``, and errors
  ///   reading or writing the note.
  public func tag(
    note path: String, options: TagOptions = TagOptions(), progress: @escaping ReleaseProgressHandler = { _ in }
  ) async throws(ReleaseError) -> TagReport {
    let date = try pushDate(of: try read(path), path: path)
    if !options.force, date.weekday != notebook.config.push.weekday {
      throw .notPushDay(date, pushWeekday: notebook.config.push.weekday)
    }
    let tag = PushTag(date: date)
    var tagger = Tagger(notebook: notebook, tag: tag)
    tagger.ref = options.ref
    tagger.force = options.force
    tagger.dryRun = options.dryRun
    tagger.concurrency = options.concurrency
    tagger.previousNoteTags = previousNoteTags(before: date)
    tagger.identity = await identity()
    let outcomes = try await tagger.run(progress: progress)
    let succeeded = outcomes.filter(\.succeeded)
    let everyRepository = succeeded.count == outcomes.count
    let update = try await updateNote(
      path, date: date, dryRun: options.dryRun, message: "pushnote tag \(tag.name): compare links, what goes out"
    ) {
      editor in
      let targets = succeeded.map { outcome in
        let to = PushTag(outcome.endTag) ?? tag
        return (
          outcome.repository, ReleaseNoteEditor.CompareTarget(from: outcome.previousTag, to: to, firstPush: outcome.previousTag == nil)
        )
      }
      var edits = editor.compareLinks(Dictionary(targets) { first, _ in first })
      if let migrations = editor.migrations(succeeded) { edits.append(migrations) }
      if let summary = editor.whatGoesOut(outcomes) { edits.append(summary) }
      if everyRepository, let item = try? editor.editor.item(matching: Release.tagItem),
        let tick = try? editor.editor.setState(.done, of: item)
      {
        edits.append(tick)
      }
      return edits
    }
    return TagReport(
      note: notebook.relativePath(path), tag: tag.name, dryRun: options.dryRun, repositories: outcomes,
      noteUpdated: update.changed, committed: update.committed)
  }

  /// Cherry-picks commits onto the repository's latest tag of the note's push, tags and pushes the
  /// next repeat tag, and records it in the note: the commits under Cherry-picks, done, with the
  /// tag and the time, and the repository's compare links ending at the new tag.
  ///
  /// - Throws: ``ReleaseError/unknownRepository(_:known:)``, ``ReleaseError/invalidCommit(_:)``,
  ///   ``ReleaseError/conflict(repository:commit:files:)`` and the other errors of ``CherryPicker``.
  public func cherryPick(
    note path: String, repository name: String, commits: [String], dryRun: Bool = false, now: Date = Date(),
    progress: @escaping ReleaseProgressHandler = { _ in }
  ) async throws(ReleaseError) -> CherryPickReport {
    let date = try pushDate(of: try read(path), path: path)
    var picker = try CherryPicker(notebook: notebook, repository: name, pushDate: date, commits: commits)
    picker.dryRun = dryRun
    picker.identity = await identity()
    let outcome = try await picker.run(progress: progress)
    guard let tag = PushTag(outcome.tag) else { throw .invalidTag(outcome.tag) }
    let time = NoteEditor.localTimestamp(now, zone: notebook.config.timeZone)
    let repository = picker.repository
    let update = try await updateNote(path, date: date, dryRun: dryRun, message: "pushnote cherry-pick \(name): \(tag.name)") { editor in
      editor.cherryPicks(outcome.picked, repository: repository, tag: tag, time: time)
        + editor.compareLinks([name: ReleaseNoteEditor.CompareTarget(from: nil, to: tag)])
    }
    return CherryPickReport(
      note: notebook.relativePath(path), dryRun: dryRun, outcome: outcome, noteUpdated: update.changed, committed: update.committed)
  }

  // MARK: The note

  /// Reads and parses a note.
  private func read(_ path: String) throws(ReleaseError) -> ParsedNote {
    let bytes: [UInt8]
    do {
      bytes = try AtomicFile.read(path)
    } catch {
      throw .notebook(error)
    }
    do {
      return try ParsedNote(bytes: bytes, path: path, config: notebook.config)
    } catch {
      throw .note(error)
    }
  }

  /// The note's push date, refusing a placeholder or malformed date or tag (tagz's guard rails),
  /// and a date that disagrees with the note's file name.
  private func pushDate(of parsed: ParsedNote, path: String) throws(ReleaseError) -> PushDate {
    if let field = parsed.note.headerFields.first(where: { $0.key == "tag" }), !field.value.isEmpty, PushTag(field.value) == nil {
      throw .invalidPushDate("Tag: \(field.value)")
    }
    let named = Notebook.date(fromPath: path)
    guard let date = parsed.note.date ?? named else {
      throw .invalidPushDate(parsed.note.title ?? (path as NSString).lastPathComponent)
    }
    if let named, named != date { throw .invalidPushDate("\(date) (the file is named for \(named))") }
    return date
  }

  /// Per repository, the push tags the note before `date` links to (its compare links' newer ends).
  ///
  /// A previous note that cannot be read gives none: the repositories' own date tags are the fallback.
  private func previousNoteTags(before date: PushDate) -> [String: [PushTag]] {
    guard let previous = notebook.noteFiles().last(where: { ($0.date ?? date) < date }),
      let parsed = try? read(previous.path)
    else { return [:] }
    var tags: [String: [PushTag]] = [:]
    for link in parsed.note.compare {
      if let tag = PushTag(link.to) { tags[link.repo, default: []].append(tag) }
    }
    return tags
  }

  /// The notebook's git identity as the committer of tags and cherry-picks: `GIT_COMMITTER_*` when
  /// set, else the notebook's `user.name` and `user.email`, else git's own default.
  private func identity() async -> [String: String] {
    let git = Git(directory: notebook.root)
    let inherited = ProcessInfo.processInfo.environment
    var environment: [String: String] = [:]
    for (key, variable) in [("user.name", "GIT_COMMITTER_NAME"), ("user.email", "GIT_COMMITTER_EMAIL")] where inherited[variable] == nil {
      if let output = try? await git.call(["config", "--get", key]), output.status == 0 {
        environment[variable] = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
      }
    }
    return environment
  }

  /// Re-reads the note, splices the edits `plan` makes, and (unless a dry run) writes it atomically
  /// and commits it when the notebook is a git repository.
  private func updateNote(
    _ path: String, date: PushDate, dryRun: Bool, message: String, plan: @escaping (ReleaseNoteEditor) -> [ByteEdit]
  ) async throws(ReleaseError) -> (changed: Bool, committed: Bool) {
    do {
      let outcome = try await NoteEditing.edit(path: path, notebook: notebook, commit: true, dryRun: dryRun) { editor in
        let release = ReleaseNoteEditor(editor: editor, config: notebook.config, pushDate: date)
        return NoteEditing.Change(edits: plan(release), message: message)
      }
      return (outcome.changed, outcome.committed)
    } catch let error as NotebookError {
      throw .notebook(error)
    } catch let error as MarkdownError {
      throw .note(error)
    } catch let error as GitError {
      throw .git(repository: nil, error)
    } catch {
      throw .notebook(.fileSystem(path: path, message: "\(error)"))
    }
  }
}
