import Foundation

/// `pushnote new`: a week's note from `templates/push.md`, written atomically and committed.
public enum NewNote {
  /// What `new` did.
  public struct Outcome: Sendable, Equatable {
    /// The note's path.
    public var path: String
    /// Its push date.
    public var date: PushDate
    /// Whether a git commit was made.
    public var committed: Bool
    /// The previous week's note, when its "Create next week's note" item was ticked.
    public var tickedPrevious: String? = nil
  }

  /// The checklist item of the previous week's note that creating this one does.
  public static let previousNoteItem = "Create next week's note"

  /// Creates the note for `date` (the coming push day when nil).
  ///
  /// - Parameters:
  ///   - force: allow a date that is not a push day.
  ///   - commit: commit the new note in the notebook's git repository, if it is one.
  /// - Throws: ``NotebookError`` for a bad date, an existing note or a template problem; ``GitError``.
  public static func create(in notebook: Notebook, date: PushDate?, force: Bool, commit: Bool, now: Date = Date()) async throws -> Outcome {
    let day = date ?? notebook.comingPushDate(now: now)
    try notebook.requirePushDay(day, force: force)
    let path = notebook.notePath(for: day)
    if FileManager.default.fileExists(atPath: path) { throw NotebookError.noteExists(path: path) }
    var fetched: [String: [PushTag]] = [:]
    for repository in notebook.config.repositories {
      fetched[repository.name] = await WorkingClone.fetchedPushTags(of: repository, notebook: notebook)
    }
    let text = try render(in: notebook, date: day, templates: Templates(notebook: notebook), fetchedTags: fetched)
    do {
      try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    } catch {
      throw NotebookError.fileSystem(path: path, message: "cannot create its folder: \(error.localizedDescription)")
    }
    try AtomicFile.write(text, to: path, expecting: .absent)
    let git = Git(directory: notebook.root)
    var committed = false
    if commit, await git.isRepository() {
      committed = try await git.commit(paths: [notebook.relativePath(path)], message: "new note for the push of \(day.iso)")
    }
    var outcome = Outcome(path: path, date: day, committed: committed)
    outcome.tickedPrevious = await tickPrevious(before: day, in: notebook, commit: commit)
    return outcome
  }

  /// Ticks "Create next week's note" in the note of the push before `day`.
  ///
  /// Returns that note's path when it changed. A previous note without the item (or with it
  /// ticked) is left alone.
  private static func tickPrevious(before day: PushDate, in notebook: Notebook, commit: Bool) async -> String? {
    guard let previous = notebook.noteFiles().last(where: { ($0.date.map { $0 < day }) ?? false }) else { return nil }
    // A convenience: a previous note that cannot be read or written does not fail the new one.
    let outcome = try? await NoteEditing.edit(path: previous.path, notebook: notebook, commit: commit) { editor in
      let tick = (try? editor.item(matching: previousNoteItem)).flatMap { try? editor.setState(.done, of: $0) }
      return NoteEditing.Change(edits: [tick].compactMap { $0 }, message: "\(previousNoteItem): done (\(day.iso))")
    }
    return outcome?.changed == true ? previous.path : nil
  }

  /// Renders the note text for a push date without writing anything.
  ///
  /// - Parameter fetchedTags: per repository, the push tags its clone had at the last fetch
  ///   (``WorkingClone/fetchedPushTags(of:notebook:)``), for a repository the previous note does not
  ///   link: a compare link starts at the newest earlier one, and a repository with none (its first
  ///   push) gets the tag's commit list instead of a compare link from a tag that does not exist.
  public static func render(
    in notebook: Notebook, date: PushDate, templates: Templates, fetchedTags: [String: [PushTag]] = [:]
  ) throws -> String {
    try templates.render("push.md", context: context(in: notebook, date: date, fetchedTags: fetchedTags))
  }

  /// The template variables, documented in `docs/templates.md`.
  static func context(in notebook: Notebook, date: PushDate, fetchedTags: [String: [PushTag]] = [:]) throws -> [String: Any] {
    let config = notebook.config
    let tag = notebook.tag(for: date)
    let previous = notebook.noteFiles().last { ($0.date.map { $0 < date }) ?? false }
    let previousTags = try previous.map { try previousTagsByRepository(in: $0, notebook: notebook) } ?? [:]
    let fallbackFrom = previous?.date.map { PushTag(date: $0) } ?? PushTag(date: date.adding(days: -7))
    let repositories: [[String: Any]] = config.repositories.map { repository in
      let fetched = fetchedTags[repository.name].map { tags in tags.filter { $0.date < date }.max() }
      if previousTags[repository.name] == nil, case .some(.none) = fetched {
        return ["name": repository.name, "from": "", "compare_url": CompareURL.commits(web: repository.webURL, tag: tag.name)]
      }
      let from = previousTags[repository.name] ?? fetched.flatMap { $0 } ?? fallbackFrom
      return [
        "name": repository.name, "from": from.name, "compare_url": CompareURL.make(web: repository.webURL, from: from.name, to: tag.name),
      ]
    }
    let tagDay = notebook.tagDate(for: date)
    var context: [String: Any] = [
      "product": config.product,
      "date": date.iso,
      "weekday": date.weekday.name,
      "tag": tag.name,
      "tag_day": "\(tagDay.weekday.name) \(tagDay.iso)",
      "pad": padLink(notebook: notebook, date: date),
      "release_manager": Rotation(config: config).releaseManager(for: date) ?? "<push hero>",
      "qa": person(withRole: "qa", in: config),
      "ops": person(withRole: "ops", in: config),
      "repositories": repositories,
    ]
    if let previous, let previousDate = previous.date {
      context["previous"] = ["date": previousDate.iso, "link": relativeLink(from: notebook.notePath(for: date), to: previous.path)]
    }
    return context
  }

  /// The newest push tag each repository's compare links end at in a note.
  static func previousTagsByRepository(in file: Notebook.NoteFile, notebook: Notebook) throws -> [String: PushTag] {
    let parsed = try ParsedNote.read(path: file.path, config: notebook.config)
    var tags: [String: PushTag] = [:]
    for link in parsed.note.compare {
      guard let tag = PushTag(link.to) else { continue }
      tags[link.repo] = max(tags[link.repo] ?? tag, tag)
    }
    return tags
  }

  private static func padLink(notebook: Notebook, date: PushDate) -> String {
    let id = notebook.padID(for: date)
    guard let url = notebook.config.pad.url, !url.isEmpty else { return id }
    return url.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/p/" + id
  }

  private static func person(withRole role: String, in config: NotebookConfig) -> String {
    config.people.filter { $0.value.role?.lowercased() == role }.map(\.key).sorted().first ?? ""
  }

  /// A relative Markdown link from one note to another (`../2025/mkt-2025-12-30.md`).
  static func relativeLink(from source: String, to target: String) -> String {
    let from = URL(fileURLWithPath: source).deletingLastPathComponent().standardizedFileURL.pathComponents
    let to = URL(fileURLWithPath: target).standardizedFileURL.pathComponents
    var common = 0
    while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
    return (Array(repeating: "..", count: from.count - common) + to[common...]).joined(separator: "/")
  }
}

/// Compare links as GitHub and GitLab spell them.
public enum CompareURL {
  /// `WEB/compare/FROM...TO`, or `WEB/-/compare/FROM...TO` for a GitLab host.
  public static func make(web: String, from: String, to: String) -> String {
    let base = web.hasSuffix("/") ? String(web.dropLast()) : web
    let path = base.lowercased().contains("gitlab") ? "/-/compare/" : "/compare/"
    return base + path + from + "..." + to
  }

  /// `WEB/commits/TAG`, or `WEB/-/commits/TAG` for a GitLab host: a first push's link, with no
  /// earlier tag to compare from.
  public static func commits(web: String, tag: String) -> String {
    let base = web.hasSuffix("/") ? String(web.dropLast()) : web
    return base + (base.lowercased().contains("gitlab") ? "/-/commits/" : "/commits/") + tag
  }
}
