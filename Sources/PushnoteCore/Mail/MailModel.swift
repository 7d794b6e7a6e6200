import Foundation

/// What the announcement and the hand-over say, taken from a parsed note, the notebook's
/// configuration and the rotation: the values the templates see (`docs/mail.md` lists them).
///
/// Every text that came from the note or the configuration is one line here (control characters
/// and line ends removed), so a name or a title cannot reshape the message.
public struct MailModel: Sendable, Equatable {
  /// The product (`Marketplace`).
  public var product: String
  /// The push date.
  public var date: PushDate
  /// The note's title, or `<product> push <date>`.
  public var title: String
  /// The pad id.
  public var pad: String
  /// The people on duty this week: display names.
  public var releaseManager: String?
  /// QA's name.
  public var qa: String?
  /// Ops' name.
  public var ops: String?
  /// Every tag pushed, first push first (`2026.12.01`, `2026.12.01-1`, ...).
  public var tags: [String]
  /// The repeat pushes with the cherry-picks that caused them.
  public var repeats: [RepeatPush]
  /// Cherry-picks the note lists, whatever their tag.
  public var cherryPicks: [CherryPick]
  /// Compare links, one per distinct URL, in note order.
  public var compare: [Note.CompareLink]
  /// How long the push took, `1h 13m`; nil when the note does not tell.
  public var duration: String?
  /// The same in whole minutes.
  public var durationMinutes: Int?
  /// When the push started and ended, `11:02 PST`; nil when unknown.
  public var startedAt: String?
  /// When the push ended.
  public var endedAt: String?
  /// What shipped: the items of the notable-features section.
  public var shipped: [String]
  /// Blockers the note lists.
  public var blockers: [String]
  /// Items flagged for follow-up, with whether they are done.
  public var followUps: [ListedItem]
  /// Migrations.
  public var migrations: [Note.Migration]
  /// Waffle flags, switches and samples.
  public var flags: [Note.Flag]
  /// Sign-offs that are ticked.
  public var signoffs: [SignedOff]
  /// The note's path relative to the notebook.
  public var notePath: String
  /// The note's web address from `mail.note_url`; nil when not configured.
  public var noteURL: String?
  /// Next week.
  public var next: NextWeek

  /// A repeat push: its tag and the cherry-picks that went out in it.
  public struct RepeatPush: Sendable, Equatable {
    /// `2026.12.01-1`.
    public var tag: String
    /// Cherry-picks the note ties to this tag.
    public var cherryPicks: [CherryPick]
  }

  /// A cherry-pick, with the SHA shortened for reading.
  public struct CherryPick: Sendable, Equatable {
    /// `OWNER/NAME`.
    public var repo: String
    /// The SHA as written.
    public var sha: String
    /// Its first 10 characters.
    public var shortSHA: String
    /// The commit's URL.
    public var url: String
    /// The repeat tag, when the note says.
    public var tag: String?
  }

  /// A list item of a section, with its checklist state.
  public struct ListedItem: Sendable, Equatable {
    /// The item's text without its box.
    public var text: String
    /// Ticked or struck through.
    public var done: Bool
  }

  /// A ticked sign-off.
  public struct SignedOff: Sendable, Equatable {
    /// `QA`, `Ops` or `Release manager`.
    public var role: String
    /// Who signed, when the note says.
    public var name: String?
    /// When, `12:10 PST`, when the note says.
    public var at: String?
  }

  /// Next week's push and release manager.
  public struct NextWeek: Sendable, Equatable {
    /// The next push date somebody is on duty (skipped weeks left out).
    public var date: PushDate
    /// The day its repositories are tagged.
    public var tagDate: PushDate
    /// The release manager's handle from the rotation; nil without a rotation.
    public var releaseManager: String?
    /// Their name from `people`, else the handle.
    public var releaseManagerName: String?
    /// Their address from `people`.
    public var email: String?
    /// The next note's path relative to the notebook.
    public var notePath: String
    /// Whether that note exists yet.
    public var noteExists: Bool
    /// The next note's web address.
    public var noteURL: String?
  }
}

extension MailModel {
  /// Builds the model.
  ///
  /// - Parameters:
  ///   - note: the parsed note.
  ///   - document: the note's Markdown, for the items of its sections (shipped, blockers, follow-ups);
  ///     nil gives the checklist items the note model carries.
  ///   - notebook: the notebook, for names, the rotation and paths.
  ///   - date: the push date when the note does not carry one.
  /// - Throws: ``MailError/template(path:line:column:message:)`` for a bad `mail.note_url` pattern.
  public init(note: Note, document: MarkdownDocument?, notebook: Notebook, date fallbackDate: PushDate) throws(MailError) {
    let config = notebook.config
    let date = note.date ?? fallbackDate
    let line = HeaderEncoder.singleLine
    product = line(config.product)
    self.date = date
    title = line(note.title ?? "\(config.product) push \(date.iso)")
    pad = line(note.pad ?? notebook.padID(for: date))
    releaseManager = note.people.releaseManager.map { line(MailModel.displayName($0, config: config)) }
    qa = note.people.qa.map { line(MailModel.displayName($0, config: config)) }
    ops = note.people.ops.map { line(MailModel.displayName($0, config: config)) }

    tags = (0..<max(1, note.pushes)).map { PushTag(date: date, repeatNumber: $0).name }
    let picks = note.cherryPicks.map {
      CherryPick(
        repo: line($0.repo), sha: line($0.sha), shortSHA: String(line($0.sha).prefix(10)), url: line($0.url), tag: $0.tag.map(line))
    }
    cherryPicks = picks
    repeats = tags.dropFirst().map { tag in RepeatPush(tag: tag, cherryPicks: picks.filter { $0.tag == tag }) }
    var seenURLs: Set<String> = []
    compare = note.compare.filter { seenURLs.insert($0.url).inserted }.map {
      var link = $0
      link.repo = line(link.repo)
      link.from = line(link.from)
      link.to = line(link.to)
      link.url = line(link.url)
      return link
    }

    durationMinutes = note.durationSeconds.map { PushDuration.minutes(seconds: $0) }
    duration = note.durationSeconds.map { PushDuration.text(seconds: $0) }
    let timeFormatter = MailModel.timeFormatter(config.timeZone)
    let isoParser = ISO8601DateFormatter()
    startedAt = note.timeline.first { $0.mark == .start }?.at.flatMap { MailModel.localTime($0, isoParser, timeFormatter) }
    endedAt = note.timeline.last { $0.mark == .end }?.at.flatMap { MailModel.localTime($0, isoParser, timeFormatter) }

    let listed = MailModel.sectionItems(note: note, document: document, localOnly: config.pad.localOnly)
    shipped = listed.filter { MailModel.isShippedSection($0.section) }.map(\.item.text)
    // A ticked blocker is resolved (a stage failure a resumed deploy fixed): not a blocker any more.
    blockers = listed.filter { NoteOutline.titleKey($0.section).contains("blocker") && !$0.item.done }.map(\.item.text)
    var followUps: [ListedItem] = []
    for (section, item) in listed where NoteOutline.titleKey(section).contains("follow") || MailModel.mentionsFollowUp(item.text) {
      if !followUps.contains(item) { followUps.append(item) }
    }
    self.followUps = followUps
    migrations = note.migrations.map {
      var migration = $0
      migration.text = line(migration.text)
      migration.repo = migration.repo.map(line)
      return migration
    }
    flags = note.flags.map {
      var flag = $0
      flag.name = line(flag.name)
      flag.desired = flag.desired.map(line)
      return flag
    }
    let roleLabels = ["qa": "QA", "ops": "Ops", "rm": "Release manager"]
    signoffs = note.signoffs.filter(\.done).map {
      SignedOff(
        role: roleLabels[$0.role] ?? line($0.role), name: $0.name.map { line(MailModel.displayName($0, config: config)) },
        at: $0.at.flatMap { MailModel.localTime($0, isoParser, timeFormatter) })
    }

    let path = note.file.map(notebook.relativePath) ?? notebook.relativePath(notebook.notePath(for: date))
    notePath = path
    noteURL = try MailModel.noteURL(config: config, path: path, date: date, pad: pad)

    // The next push date somebody is on duty (skipped weeks have nobody), within a year.
    let nextTurn = Rotation(config: config).schedule(from: date.adding(days: 1), weeks: 53).first { $0.person != nil }
    let nextDate = nextTurn?.date ?? date.adding(days: 7)
    let nextHandle = nextTurn?.person
    let nextPath = notebook.notePath(for: nextDate)
    next = NextWeek(
      date: nextDate, tagDate: notebook.tagDate(for: nextDate), releaseManager: nextHandle.map(line),
      releaseManagerName: nextHandle.map { line(MailModel.displayName($0, config: config)) },
      email: nextHandle.flatMap { config.people[$0]?.email },
      notePath: notebook.relativePath(nextPath), noteExists: FileManager.default.fileExists(atPath: nextPath),
      noteURL: try MailModel.noteURL(
        config: config, path: notebook.relativePath(nextPath), date: nextDate, pad: notebook.padID(for: nextDate)))
  }

  /// `done in 1h 13m, 2 pushes`, or `2 pushes` without a duration.
  public var summary: String { (duration.map { "done in \($0), " } ?? "") + pushesText }

  /// `1 push`, `2 pushes`.
  public var pushesText: String { tags.count == 1 ? "1 push" : "\(tags.count) pushes" }

  /// Follow-ups not yet done: what the hand-over passes on.
  public var openFollowUps: [String] { followUps.filter { !$0.done }.map(\.text) }

  /// A person's name from `people`, else the text as written.
  static func displayName(_ handle: String, config: NotebookConfig) -> String {
    config.people[handle.trimmingSpaces]?.name ?? handle
  }

  /// A formatter for `HH:mm zzz` in the team's zone.
  static func timeFormatter(_ zone: TimeZone) -> DateFormatter {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "HH:mm zzz"
    return formatter
  }

  /// An ISO 8601 instant as `12:10 PST` in the team's zone; nil when it cannot be read.
  static func localTime(_ iso: String, _ parser: ISO8601DateFormatter, _ formatter: DateFormatter) -> String? {
    parser.date(from: iso).map(formatter.string)
  }

  /// Whether a section lists what shipped: its title names notable features or what shipped.
  static func isShippedSection(_ title: String) -> Bool {
    let key = NoteOutline.titleKey(title)
    return ["notable", "shipped", "features", "what s new"].contains { key.contains($0) }
  }

  /// Whether an item's text flags it for follow-up.
  static func mentionsFollowUp(_ text: String) -> Bool {
    let lowered = text.lowercased()
    return lowered.contains("follow-up") || lowered.contains("follow up") || lowered.contains("followup")
  }

  /// The list items of every section, each with its section's title.
  ///
  /// From the Markdown when given (every list item, boxes stripped, not-applicable ones left out),
  /// else the note's checklist items. Sections named in `pad.local_only` (private notes) and their subsections never reach a mail.
  static func sectionItems(note: Note, document: MarkdownDocument?, localOnly: [String]) -> [(section: String, item: ListedItem)] {
    let line = HeaderEncoder.singleLine
    // The notebook's local-only titles, by the outline's rule (also when the note was read without them).
    var identities = SectionIdentities(localOnly: localOnly)
    let sections = note.sections.filter { !identities.next(title: $0.title, level: $0.level).isLocalOnly && !$0.isLocalOnly }
    guard let document else {
      return sections.flatMap { section in
        section.items.filter { $0.state != .notApplicable }.map {
          (section.title, ListedItem(text: line($0.text), done: $0.state == .done))
        }
      }
    }
    let items = document.blocks.indices.filter { document.blocks[$0].kind == .item }
    var result: [(section: String, item: ListedItem)] = []
    for section in sections {
      // A section's range ends where the next heading starts: its subsections' items are theirs.
      for index in items where section.range.contains(document.blocks[index].range.lowerBound) {
        guard let paragraph = document.children(of: index).first(where: { document.blocks[$0].kind == .paragraph }) else { continue }
        guard let item = MailModel.listedItem(line(document.plainText(of: document.blocks[paragraph]))) else { continue }
        result.append((section.title, item))
      }
    }
    return result
  }

  /// An item's text and state from its first paragraph, read by the checklist syntax
  /// (``ChecklistSyntax``): `[x] text` is done, `[ ] text` open, `[-] text` left out (nil),
  /// anything else open unless wholly `~~struck through~~`.
  static func listedItem(_ text: String) -> ListedItem? {
    let bytes = Array(text.utf8)
    var start = 0
    var done = false
    if let box = ChecklistSyntax.box(bytes, at: 0) {
      guard box.state != .notApplicable else { return nil }
      done = box.state == .done
      start = 3
    }
    var body = ASCII.trimmed(bytes, start..<bytes.count)
    if ChecklistSyntax.isStruck(bytes, body) {
      done = true
      var low = body.lowerBound, high = body.upperBound
      while low < high, bytes[low] == UInt8(ascii: "~") { low += 1 }
      while high > low, bytes[high - 1] == UInt8(ascii: "~") { high -= 1 }
      body = ASCII.trimmed(bytes, low..<high)
    }
    return body.isEmpty ? nil : ListedItem(text: String(decoding: bytes[body], as: UTF8.self), done: done)
  }

  /// The note's web address from the `mail.note_url` pattern (`path`, `date`, `pad`).
  static func noteURL(config: NotebookConfig, path: String, date: PushDate, pad: String) throws(MailError) -> String? {
    guard let pattern = config.mail.noteURL else { return nil }
    let values: [String: Any] = ["path": path, "date": date.iso, "pad": pad]
    return HeaderEncoder.singleLine(try MailTemplate(text: pattern, path: "pushnote.yml (mail.note_url)").render(values))
  }
}
