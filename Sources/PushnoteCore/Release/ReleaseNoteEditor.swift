import Foundation

/// The note's bookkeeping of a release, as byte splices: compare links, what goes out, migrations
/// to review, and the cherry-picks of repeat pushes.
struct ReleaseNoteEditor {
  /// The note's editor.
  let editor: NoteEditor
  /// The notebook's configuration (repositories and their web addresses).
  let config: NotebookConfig
  /// The push the note is for.
  let pushDate: PushDate

  /// The section compare links are listed in.
  static let compareSection = "Compare"
  /// The section the summary of what goes out is written to (replaced on every run).
  static let whatGoesOutSection = "What goes out"
  /// The section migrations to review are listed in.
  static let migrationsSection = "Migrations"
  /// The section cherry-picks are recorded in.
  static let cherryPicksSection = "Cherry-picks"
  /// The most commit subjects listed per repository.
  static let subjectLimit = 30

  /// Where a repository's compare links should point.
  struct CompareTarget {
    /// The older tag; nil keeps what the link says.
    var from: String?
    /// The newer tag.
    var to: PushTag
    /// The remote has no push tag before this push: a compare link of this push from a tag (which
    /// cannot exist) or a placeholder becomes the tag's commit list, and none is added.
    var firstPush = false
  }

  /// Points the compare links of the given repositories at their targets, and adds a link to the
  /// Compare section for a repository that has none.
  ///
  /// Only links that end at a tag of this push, or at something that is no tag (a template
  /// placeholder), change: a link to another week is history and stays as written. A link already
  /// at a later repeat tag of this push keeps it. Links inside What goes out, which pushnote
  /// rewrites whole, are left to that rewrite.
  func compareLinks(_ targets: [String: CompareTarget]) -> [ByteEdit] {
    var edits: [ByteEdit] = []
    var linked = Set<String>()
    let rewritten = editor.section(titled: ReleaseNoteEditor.whatGoesOutSection).map(editor.extent(of:))
    for link in editor.parsed.note.compare where !(rewritten?.contains(link.range.lowerBound) ?? false) {
      guard let target = targets[link.repo] else { continue }
      switch refresh(link, to: target) {
      case .history: continue
      case .current: linked.insert(link.repo)
      case .edit(let edit):
        linked.insert(link.repo)
        edits.append(edit)
      }
    }
    for repository in config.repositories {
      guard let target = targets[repository.name] else { continue }
      let commitLists = commitListEdits(repository, to: target.to)
      if !commitLists.isEmpty || target.firstPush { linked.insert(repository.name) }
      edits += commitLists
    }
    let missing = config.repositories.filter { targets[$0.name] != nil && !linked.contains($0.name) }
    let lines = missing.compactMap { repository -> String? in
      guard let target = targets[repository.name], let from = target.from else { return nil }
      return "- " + CompareURL.make(web: repository.webURL, from: from, to: target.to.name)
    }
    if !lines.isEmpty { edits.append(editor.appendLines(lines, toSection: ReleaseNoteEditor.compareSection)) }
    return edits
  }

  /// What becomes of one compare link.
  private enum LinkRefresh {
    /// It is about another push (or not where the note's bytes say), and stays as written.
    case history
    /// It points where it should already.
    case current
    /// It is changed by this splice.
    case edit(ByteEdit)
  }

  /// What becomes of one compare link.
  private func refresh(_ link: Note.CompareLink, to target: CompareTarget) -> LinkRefresh {
    let existingTo = PushTag(link.to)
    if let existingTo, existingTo.date != pushDate { return .history }
    let to = max(existingTo ?? target.to, target.to).name
    let from = target.from ?? link.from
    let urlBytes = Array(link.url.utf8)
    guard link.range.count == urlBytes.count, link.range.upperBound <= editor.parsed.source.bytes.count,
      editor.parsed.source.bytes[link.range].elementsEqual(urlBytes), let marker = link.url.range(of: "/compare/", options: .backwards)
    else { return .history }
    if target.firstPush, target.from == nil, (try? ReleaseInput.commit(link.from)) == nil,
      let repository = config.repositories.first(where: { $0.name == link.repo })
    {
      return .edit(ByteEdit(range: link.range, text: ReleaseNoteEditor.commitsURL(repository, tag: to)))
    }
    let refs = link.url[marker.upperBound...]
    let separator = refs.contains("...") ? "..." : ".."
    let replacement = from + separator + to
    guard replacement != refs else { return .current }
    let start = link.range.lowerBound + link.url.utf8.distance(from: link.url.startIndex, to: marker.upperBound)
    return .edit(ByteEdit(range: start..<link.range.upperBound, text: replacement))
  }

  /// Moves a first push's commit-list links (`WEB/commits/TAG`) of this push on to a later tag.
  private func commitListEdits(_ repository: NotebookConfig.RepositoryConfig, to tag: PushTag) -> [ByteEdit] {
    let bytes = editor.parsed.source.bytes
    let prefix = ASCII.Needle(ReleaseNoteEditor.commitsURL(repository, tag: ""))
    var edits: [ByteEdit] = []
    var index = 0
    while let found = ASCII.firstIndex(of: prefix, in: bytes, index..<bytes.count) {
      let start = found + prefix.bytes.count
      var end = start
      while end < bytes.count, ASCII.isDigit(bytes[end]) || bytes[end] == UInt8(ascii: ".") || bytes[end] == UInt8(ascii: "-") { end += 1 }
      if let old = PushTag(String(decoding: bytes[start..<end], as: UTF8.self)), old.date == pushDate, old < tag {
        edits.append(ByteEdit(range: start..<end, text: tag.name))
      }
      index = max(end, found + 1)
    }
    return edits
  }

  /// The list of commits up to a tag: a first push's link (``CompareURL/commits(web:tag:)``).
  static func commitsURL(_ repository: NotebookConfig.RepositoryConfig, tag: String) -> String {
    CompareURL.commits(web: repository.webURL, tag: tag)
  }

  /// A commit link built from the repository's web address.
  static func commitURL(_ repository: NotebookConfig.RepositoryConfig, sha: String) -> String {
    let web = repository.webURL.hasSuffix("/") ? String(repository.webURL.dropLast()) : repository.webURL
    return web + (web.contains("gitlab") ? "/-/commit/" : "/commit/") + sha
  }

  /// The What goes out section, rewritten from the outcomes (it is pushnote's own section), placed
  /// after the Compare section when it does not exist yet.
  ///
  /// A repository that failed this time keeps the lines it had.
  func whatGoesOut(_ outcomes: [ReleaseOutcome]) -> ByteEdit? {
    let kept = existingWhatGoesOut()
    let lines =
      outcomes.flatMap { outcome -> [String] in
        guard outcome.succeeded else { return kept[outcome.repository] ?? [] }
        guard let previous = outcome.previousTag, let changes = outcome.changes else {
          return ["- \(outcome.repository): no earlier push tag, nothing to compare"]
        }
        let range = "\(previous)...\(outcome.endTag)"
        guard !changes.commits.isEmpty else { return ["- \(outcome.repository) (\(range)): no changes"] }
        let count = changes.commits.count
        var result = [
          "- \(outcome.repository) (\(range)): \(count) commit\(count == 1 ? "" : "s") by \(changes.authors.joined(separator: ", "))"
        ]
        result += changes.commits.prefix(ReleaseNoteEditor.subjectLimit).map { "  - \($0.sha.prefix(7)) \($0.subject) (\($0.author))" }
        if count > ReleaseNoteEditor.subjectLimit { result.append("  - and \(count - ReleaseNoteEditor.subjectLimit) more") }
        return result
      }
    guard !lines.isEmpty, outcomes.contains(where: \.succeeded) else { return nil }
    return editor.replaceSection(
      ReleaseNoteEditor.whatGoesOutSection, body: lines,
      fallbackOffset: editor.offsetAfterSection(ReleaseNoteEditor.compareSection))
  }

  /// The What goes out section's lines per repository: a `- OWNER/NAME…` line and the indented
  /// lines under it.
  private func existingWhatGoesOut() -> [String: [String]] {
    guard let section = editor.section(titled: ReleaseNoteEditor.whatGoesOutSection) else { return [:] }
    let source = editor.parsed.source
    let body = source.string(source.lineRange(section.line).upperBound..<editor.extent(of: section).upperBound)
    var blocks: [String: [String]] = [:]
    var current: String?
    for line in body.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
      let text = String(line)
      if text.hasPrefix("- ") {
        current = text.dropFirst(2).split(whereSeparator: { $0 == " " || $0 == ":" }).first.map(String.init)
        if let current { blocks[current, default: []].append(text) }
      } else if let current, text.first == " " || text.first == "\t" {
        blocks[current, default: []].append(text)
      } else {
        current = nil
      }
    }
    return blocks
  }

  /// Open checklist items under Migrations for migration files the section does not mention yet.
  func migrations(_ outcomes: [ReleaseOutcome]) -> ByteEdit? {
    let lines = outcomes.filter(\.succeeded).flatMap { outcome in
      (outcome.changes?.migrations ?? []).filter { !editor.section(ReleaseNoteEditor.migrationsSection, contains: $0) }
        .map { "- [ ] \(outcome.repository) `\($0)`" }
    }
    return lines.isEmpty ? nil : editor.appendLines(lines, toSection: ReleaseNoteEditor.migrationsSection)
  }

  /// Records cherry-picked commits: an existing commit link is ticked and given the tag, a new one
  /// is added to Cherry-picks as done, with the tag and the time.
  func cherryPicks(
    _ commits: [ChangeSummary.Commit], repository: NotebookConfig.RepositoryConfig, tag: PushTag, time: String
  ) -> [ByteEdit] {
    var edits: [ByteEdit] = []
    var newLines: [String] = []
    let items = editor.parsed.note.sections.flatMap(\.items)
    for commit in commits {
      let link = editor.parsed.note.cherryPicks.first { pick in
        pick.repo == repository.name && pick.sha.count >= 4 && commit.sha.hasPrefix(pick.sha.lowercased())
      }
      guard let link else {
        newLines.append("- [x] \(ReleaseNoteEditor.commitURL(repository, sha: commit.sha)) (\(tag.name)) \(time): \(commit.subject)")
        continue
      }
      if let item = items.first(where: { $0.range.contains(link.range.lowerBound) }), item.state == .open,
        let tick = try? editor.setState(.done, of: item)
      {
        edits.append(tick)
      }
      let source = editor.parsed.source
      let lineEnd = source.lineRange(source.location(ofOffset: link.range.upperBound).line).upperBound
      edits.append(ByteEdit(range: lineEnd..<lineEnd, text: " (\(tag.name)) \(time)"))
    }
    if !newLines.isEmpty { edits.append(editor.appendLines(newLines, toSection: ReleaseNoteEditor.cherryPicksSection)) }
    return edits
  }
}
