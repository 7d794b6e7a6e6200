import Foundation
import PushnoteTestSupport

@testable import PushnoteCore

/// Notes, notebooks and messages the mail tests share.
enum MailFixtures {
  /// The push date of the sample week.
  static let date = PushDate(year: 2026, month: 12, day: 1) ?? PushDate(daysSinceEpoch: 0)
  /// 2026-12-01 12:40 PST, when the sample mail is written.
  static let now = Date(timeIntervalSince1970: 1_796_157_600)

  /// The sample notebook's configuration: three people in the rotation, names and addresses.
  static func config() -> NotebookConfig {
    var config = NotebookConfig()
    config.rotation = ["ddurst", "cvan", "andym"]
    config.swaps = [date.adding(days: 7): "cvan"]
    config.people = [
      "ddurst": .init(role: "rm", email: "ddurst@example.org", name: "David Durst"),
      "cvan": .init(role: "rm", email: "cvan@example.org", name: "Chris Van"),
      "krupa": .init(role: "qa", email: "krupa@example.org", name: "Krupa"),
    ]
    config.mail.from = "Release manager <rm@example.org>"
    config.mail.to = ["dev-marketplace@lists.example.org"]
    config.mail.noteURL = "https://notes.example.org/{{path}}"
    return config
  }

  /// A notebook in a temporary folder (the caller keeps the folder alive).
  static func notebook(_ folder: TemporaryDirectory, config: NotebookConfig = config()) -> Notebook {
    Notebook(root: folder.path, config: config)
  }

  /// The templates: the notebook's `templates/`, then the project's.
  static func templates(_ notebook: Notebook) -> Templates {
    Templates(searchPath: [(notebook.root as NSString).appendingPathComponent("templates"), Fixtures.path("templates")])
  }

  /// A finished, signed-off push: two pushes, a cherry-pick, two repositories, 1h 13m.
  static func finishedNote() -> Note {
    var note = Note()
    note.title = "Marketplace push 2026-12-01"
    note.date = date
    note.tag = "2026.12.01"
    note.pad = "mkt-2026-12-01"
    note.people = .init(releaseManager: "ddurst", qa: "krupa", ops: "jason")
    note.compare = [
      compare("mozilla/zamboni", "2026.11.24", "2026.12.01"),
      compare("mozilla/fireplace", "2026.11.24", "2026.12.01"),
      compare("mozilla/zamboni", "2026.12.01", "2026.12.01-1"),
    ]
    note.cherryPicks = [
      Note.CherryPick(
        repo: "mozilla/zamboni", sha: "a1b2c3d4e5f6a7b8c9d0", url: "https://github.com/mozilla/zamboni/commit/a1b2c3d4e5f6a7b8c9d0",
        done: true, tag: "2026.12.01-1", line: 30, range: 0..<0)
    ]
    note.pushes = 2
    note.flags = [Note.Flag(name: "new-search", kind: "switch", desired: "on", done: true, line: 20, range: 0..<0)]
    note.migrations = [Note.Migration(text: "add index on addons.slug", repo: "mozilla/zamboni", done: true, line: 22, range: 0..<0)]
    note.signoffs = [
      Note.Signoff(
        role: "qa", name: "krupa", at: "2026-12-01T12:10:00-08:00", done: true, line: 40, range: 0..<0, boxOffset: nil, valueRange: 0..<0),
      Note.Signoff(
        role: "ops", name: "jason", at: "2026-12-01T12:12:00-08:00", done: true, line: 41, range: 0..<0, boxOffset: nil, valueRange: 0..<0),
      Note.Signoff(
        role: "rm", name: "ddurst", at: "2026-12-01T12:15:00-08:00", done: true, line: 42, range: 0..<0, boxOffset: nil, valueRange: 0..<0),
    ]
    note.timeline = [
      Note.TimelineEntry(event: "start", at: "2026-12-01T11:02:00-08:00", line: 50, range: 0..<0, mark: .start),
      Note.TimelineEntry(event: "end", at: "2026-12-01T12:15:00-08:00", line: 51, range: 0..<0, mark: .end),
    ]
    note.durationSeconds = 73 * 60
    note.sections = [
      section("Notable features", line: 10, [item("Search by developer name", .done), item("Faster app pages", .done)]),
      section("Follow-up", line: 60, [item("Clean up the dodgy migration", .open), item("Bump the CDN TTL", .done)]),
    ]
    return note
  }

  /// A compare link.
  static func compare(_ repo: String, _ from: String, _ to: String) -> Note.CompareLink {
    Note.CompareLink(repo: repo, from: from, to: to, url: "https://github.com/\(repo)/compare/\(from)...\(to)", line: 5, range: 0..<0)
  }

  /// A section with checklist items.
  static func section(_ title: String, line: Int, _ items: [Note.ChecklistItem]) -> Note.Section {
    Note.Section(title: title, level: 2, line: line, items: items, range: 0..<0)
  }

  /// A checklist item.
  static func item(_ text: String, _ state: Note.ItemState) -> Note.ChecklistItem {
    Note.ChecklistItem(text: text, state: state, line: 1, boxOffset: nil, range: 0..<0)
  }

  /// Composes a message of the sample notebook.
  static func compose(
    _ note: Note, kind: MailKind = .announcement, config: NotebookConfig = config(), force: Bool = false, calendar: String? = nil
  ) throws -> MailComposer.Composed {
    let folder = try TemporaryDirectory(prefix: "pushnote-mail")
    let notebook = notebook(folder, config: config)
    let composer = MailComposer(notebook: notebook, templates: templates(notebook))
    return try composer.compose(
      note: note, document: nil, options: .init(kind: kind, force: force, now: now, calendarEvent: calendar))
  }
}
