import Foundation

/// A week's push note as pushnote understands it: what `pushnote show --json` prints.
///
/// Every element keeps where it was found (`line`, and byte ranges that are not part of the JSON) so
/// that edits can splice the original bytes. `docs/json.md` documents the JSON form.
public struct Note: Sendable, Equatable, Codable {
  /// The file it was read from.
  public var file: String?
  /// The title: the first level-1 heading's text.
  public var title: String?
  /// The push date, from the header, the title or the file name.
  public var date: PushDate?
  /// The tag of the first push, from the header or the date.
  public var tag: String?
  /// The pad id, from the header or the date.
  public var pad: String?
  /// Who is on duty.
  public var people = People()
  /// Sections by heading, in order.
  public var sections: [Section] = []
  /// Compare links anywhere in the note.
  public var compare: [CompareLink] = []
  /// Commit links: cherry-picks for repeat pushes.
  public var cherryPicks: [CherryPick] = []
  /// Waffle flags and switches to flip.
  public var flags: [Flag] = []
  /// Migrations to run or review.
  public var migrations: [Migration] = []
  /// Sign-offs by QA, Ops and the release manager.
  public var signoffs: [Signoff] = []
  /// Timeline entries, in the order written.
  public var timeline: [TimelineEntry] = []
  /// 1 plus the number of repeat pushes seen in tags (`-N`).
  public var pushes = 1
  /// From the first start to the last end of the push; nil when unknown.
  public var durationSeconds: Int?
  /// What lint reports for the note.
  public var problems: [Problem] = []
  /// The header fields before the first `##` (`- Release manager: NAME`, `- Tag:`).
  ///
  /// Each keeps the byte range of its value so an editor can rewrite it. Not part of the JSON.
  public var headerFields: [HeaderField] = []

  /// Creates an empty note.
  public init() {}

  enum CodingKeys: String, CodingKey {
    case file, title, date, tag, pad, people, sections, compare
    case cherryPicks = "cherry_picks"
    case flags, migrations, signoffs, timeline, pushes
    case durationSeconds = "duration_seconds"
    case problems
  }

  /// A header field before the first `##`: `- Release manager: NAME`, `- QA:`, `- Ops:`, `- Tag:`, `- Pad:`.
  public struct HeaderField: Sendable, Equatable {
    /// The field's name as written (`Release manager`).
    public var name: String
    /// What the name means: `rm`, `qa`, `ops`, `tag`, `pad`, `date`, `mail` or `handover`.
    public var key: String
    /// The value, trimmed; empty when the field is blank.
    public var value: String
    /// The 1-based line.
    public var line: Int
    /// The value's bytes: from just after the colon and the blanks after it to the end of the line's
    /// text (trailing blanks excluded); empty, just after the colon and its blanks, when there is no value.
    public var valueRange: Range<Int>

    /// Creates a header field.
    public init(name: String, key: String, value: String, line: Int, valueRange: Range<Int>) {
      self.name = name
      self.key = key
      self.value = value
      self.line = line
      self.valueRange = valueRange
    }
  }

  /// The people on duty, from the header fields.
  public struct People: Sendable, Equatable, Codable {
    /// The release manager (the "push hero").
    public var releaseManager: String?
    /// QA.
    public var qa: String?
    /// Ops.
    public var ops: String?

    /// Nobody known.
    public init(releaseManager: String? = nil, qa: String? = nil, ops: String? = nil) {
      self.releaseManager = releaseManager
      self.qa = qa
      self.ops = ops
    }

    enum CodingKeys: String, CodingKey {
      case releaseManager = "release_manager"
      case qa, ops
    }

  }

  /// A section: a heading and what follows it up to the next heading.
  ///
  /// In pad-era notes without `##` headings, a paragraph line ending with a colon (`Pushing:`) stands
  /// for a heading; such sections have level 0.
  public struct Section: Sendable, Equatable, Codable {
    /// The heading's text as a reader sees it, trailing colon kept as written.
    public var title: String
    /// The heading level, 1 to 6 (0 for a pad-era `Title:` line).
    public var level: Int
    /// The heading's 1-based line.
    public var line: Int
    /// The checklist items directly in this section (not in its subsections).
    public var items: [ChecklistItem]
    /// Done and total items; not-applicable items count in neither.
    public var progress: Progress
    /// The bytes from the heading's first byte to the next section's first byte (of any level).
    public var range: Range<Int> = 0..<0
    /// The bytes from the heading's first byte to the next heading of the same or a higher level:
    /// the section with its subsections.
    public var extent: Range<Int> = 0..<0
    /// The section's identity: its normalised title and its place among equal titles.
    ///
    /// See ``NoteOutline/titleKey(_:)``; not part of the JSON.
    public var key = SectionKey.preamble
    /// Whether the section, or one it is nested in, is listed in `pad.local_only` (not in the JSON).
    public var isLocalOnly = false

    enum CodingKeys: String, CodingKey { case items, level, line, progress, title }

    /// Creates a section.
    public init(title: String, level: Int, line: Int, items: [ChecklistItem], range: Range<Int>) {
      self.title = title
      self.level = level
      self.line = line
      self.items = items
      self.range = range
      self.progress = Progress(items)
    }

  }

  /// Done and total checklist items.
  public struct Progress: Sendable, Equatable, Codable {
    /// Items done.
    public var done: Int
    /// Items that apply (open or done).
    public var total: Int

    /// Counts the items.
    public init(_ items: [ChecklistItem]) {
      done = items.reduce(0) { $0 + ($1.state == .done ? 1 : 0) }
      total = items.reduce(0) { $0 + ($1.state != .notApplicable ? 1 : 0) }
    }
  }

  /// A checklist item: a list item whose first paragraph starts with `[ ]`, `[x]`, `[X]` or `[-]`.
  ///
  /// Its offsets are stored in 32 bits and its line in 30, beside its state (a note is at most
  /// ``MarkdownDocument/largestSize`` bytes, so it has fewer lines), so that a note of millions of
  /// items takes 32 bytes an item.
  public struct ChecklistItem: Sendable, Equatable, Codable {
    /// The item's text after the box.
    public var text: String
    private var start: Int32
    private var stop: Int32
    /// -1 without a box.
    private var box: Int32
    /// The line in the low 30 bits, the state's ``ItemState/code`` in the top 2.
    private var lineAndState: UInt32

    /// Its state.
    public var state: ItemState {
      get { ItemState(code: lineAndState >> 30) }
      set { lineAndState = lineAndState & ChecklistItem.lineMask | newValue.code << 30 }
    }
    /// Its 1-based line.
    public var line: Int {
      get { Int(lineAndState & ChecklistItem.lineMask) }
      set { lineAndState = lineAndState & ~ChecklistItem.lineMask | UInt32(newValue) & ChecklistItem.lineMask }
    }
    /// The byte offset of the character inside the box (the space, `x` or `-`); nil when the item
    /// has no box and is done by strike-through.
    public var boxOffset: Int? {
      get { box < 0 ? nil : Int(box) }
      set { box = Int32(newValue ?? -1) }
    }
    /// The item's bytes.
    public var range: Range<Int> {
      get { Int(start)..<Int(stop) }
      set {
        start = Int32(newValue.lowerBound)
        stop = Int32(newValue.upperBound)
      }
    }

    /// The bits of `lineAndState` that hold the line.
    private static let lineMask: UInt32 = (1 << 30) - 1

    enum CodingKeys: String, CodingKey { case line, state, text }

    /// Creates an item; `line` must be below 2^30, as every line of a note is.
    public init(text: String, state: ItemState, line: Int, boxOffset: Int?, range: Range<Int> = 0..<0) {
      self.text = text
      lineAndState = 0
      box = Int32(boxOffset ?? -1)
      start = Int32(range.lowerBound)
      stop = Int32(range.upperBound)
      self.line = line
      self.state = state
    }

    /// Reads an item back from the JSON of `pushnote show --json` (which has no offsets).
    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      self.init(
        text: try container.decode(String.self, forKey: .text), state: try container.decode(ItemState.self, forKey: .state),
        line: try container.decode(Int.self, forKey: .line), boxOffset: nil)
    }
  }

  /// The state of a checklist item.
  public enum ItemState: String, Sendable, Codable {
    /// `[x]`, `[X]`, or wholly struck through.
    case done
    /// `[ ]`.
    case open
    /// `[-]`: does not apply this week.
    case notApplicable = "na"

    /// The state in two bits, as ``ChecklistItem`` keeps it.
    var code: UInt32 {
      switch self {
      case .open: 0
      case .done: 1
      case .notApplicable: 2
      }
    }

    /// The state of a ``code``.
    init(code: UInt32) {
      switch code {
      case 1: self = .done
      case 2: self = .notApplicable
      default: self = .open
      }
    }
  }

  /// A compare link: `https://github.com/OWNER/REPO/compare/FROM...TO` (also `..` and GitLab's `/-/compare/`).
  public struct CompareLink: Sendable, Equatable, Codable {
    /// `OWNER/NAME`.
    public var repo: String
    /// The older ref.
    public var from: String
    /// The newer ref.
    public var to: String
    /// The whole URL as written.
    public var url: String
    /// The 1-based line it is on.
    public var line: Int
    /// The URL's bytes.
    public var range: Range<Int> = 0..<0

    enum CodingKeys: String, CodingKey { case repo, from, to, url, line }

    /// Creates a compare link.
    public init(repo: String, from: String, to: String, url: String, line: Int, range: Range<Int>) {
      self.repo = repo
      self.from = from
      self.to = to
      self.url = url
      self.line = line
      self.range = range
    }
  }

  /// A commit link, taken as a cherry-pick for a repeat push.
  public struct CherryPick: Sendable, Equatable, Codable {
    /// `OWNER/NAME`.
    public var repo: String
    /// The commit's SHA as written.
    public var sha: String
    /// The whole URL.
    public var url: String
    /// Ticked or struck through.
    public var done: Bool
    /// The repeat tag it went out in, when the note says.
    public var tag: String?
    /// The 1-based line.
    public var line: Int
    /// The URL's bytes.
    public var range: Range<Int> = 0..<0

    enum CodingKeys: String, CodingKey { case repo, sha, url, done, tag, line }

    /// Creates a cherry-pick.
    public init(repo: String, sha: String, url: String, done: Bool, tag: String?, line: Int, range: Range<Int>) {
      self.repo = repo
      self.sha = sha
      self.url = url
      self.done = done
      self.tag = tag
      self.line = line
      self.range = range
    }

  }

  /// A waffle flag, switch or sample to change during the push.
  public struct Flag: Sendable, Equatable, Codable {
    /// The flag's name.
    public var name: String
    /// `flag`, `switch` or `sample`.
    public var kind: String
    /// The state wanted: `on` or `off`; nil when the text does not say.
    public var desired: String?
    /// Whether it was done.
    public var done: Bool
    /// The 1-based line.
    public var line: Int
    /// The bytes of the list item (or line) that names it.
    public var range: Range<Int> = 0..<0

    enum CodingKeys: String, CodingKey { case name, kind, desired, done, line }

    /// Creates a flag.
    public init(name: String, kind: String, desired: String?, done: Bool, line: Int, range: Range<Int>) {
      self.name = name
      self.kind = kind
      self.desired = desired
      self.done = done
      self.line = line
      self.range = range
    }

  }

  /// A migration to run or review.
  public struct Migration: Sendable, Equatable, Codable {
    /// What the note says of it.
    public var text: String
    /// The repository, when the text names one.
    public var repo: String?
    /// Whether it was done.
    public var done: Bool
    /// The 1-based line.
    public var line: Int
    /// The list item's bytes.
    public var range: Range<Int> = 0..<0

    enum CodingKeys: String, CodingKey { case text, repo, done, line }

    /// Creates a migration.
    public init(text: String, repo: String?, done: Bool, line: Int, range: Range<Int>) {
      self.text = text
      self.repo = repo
      self.done = done
      self.line = line
      self.range = range
    }

  }

  /// A sign-off: `- [x] QA: krupa 2026-12-01 12:10`.
  public struct Signoff: Sendable, Equatable, Codable {
    /// `qa`, `ops` or `rm`.
    public var role: String
    /// Who signed; nil when not yet named.
    public var name: String?
    /// When, as ISO 8601 with the offset (`2026-12-01T12:10:00-08:00`); nil when no time is written.
    public var at: String?
    /// Whether it is ticked.
    public var done: Bool
    /// The 1-based line.
    public var line: Int
    /// The list item's bytes.
    public var range: Range<Int> = 0..<0
    /// The byte offset of the character inside the box; nil for an item without a box.
    public var boxOffset: Int?
    /// The bytes after the role's colon (name and time) up to the end of the item's first line.
    public var valueRange: Range<Int> = 0..<0

    enum CodingKeys: String, CodingKey { case role, name, at, done, line }

    /// Creates a sign-off.
    public init(role: String, name: String?, at: String?, done: Bool, line: Int, range: Range<Int>, boxOffset: Int?, valueRange: Range<Int>)
    {
      self.role = role
      self.name = name
      self.at = at
      self.done = done
      self.line = line
      self.range = range
      self.boxOffset = boxOffset
      self.valueRange = valueRange
    }

  }

  /// One timeline entry: `- 11:02 push started`, `start: 9:17am Pacific`, `17:33 UTC: Push complete`.
  public struct TimelineEntry: Sendable, Equatable, Codable {
    /// What happened: `start`, `end`, or the text.
    public var event: String
    /// When, as ISO 8601 with the offset; nil when the time cannot be read.
    public var at: String?
    /// The 1-based line.
    public var line: Int
    /// The bytes of the line (or list item) holding the entry.
    public var range: Range<Int> = 0..<0
    /// Whether the entry marks the start or the end of the push (used for the duration).
    public var mark: Mark = .other
    /// Whether the time was written as approximate (`~6pm`, `about 11:30`, `11:30-ish`).
    public var approximate = false

    /// What an entry marks.
    public enum Mark: String, Sendable {
      /// The push started.
      case start
      /// The push ended.
      case end
      /// Anything else.
      case other
    }

    enum CodingKeys: String, CodingKey { case event, at, line }

    /// Creates an entry.
    public init(event: String, at: String?, line: Int, range: Range<Int>, mark: Mark) {
      self.event = event
      self.at = at
      self.line = line
      self.range = range
      self.mark = mark
    }

  }

  /// A lint finding.
  public struct Problem: Sendable, Equatable, Codable, CustomStringConvertible {
    /// How bad it is.
    public enum Severity: String, Sendable, Codable {
      /// The note is wrong; lint exits 65.
      case error
      /// Worth a look.
      case warning
    }

    /// How bad it is.
    public var severity: Severity
    /// The 1-based line.
    public var line: Int
    /// The 1-based byte column.
    public var column: Int
    /// What is wrong.
    public var message: String

    /// Creates a finding.
    public init(severity: Severity, line: Int, column: Int, message: String) {
      self.severity = severity
      self.line = line
      self.column = column
      self.message = message
    }

    /// `line:col: error: message`; the command line puts the file in front.
    public var description: String { "\(line):\(column): \(severity.rawValue): \(message)" }
  }
}
