import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote tag`: tag every repository with the push date, push the tags, and bring the note's
  /// compare links, what goes out and migrations up to date.
  struct Tag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "tag",
      abstract: "Tag every repository with the push date, push only that tag, and update the note.",
      discussion: """
        Each repository of pushnote.yml is fetched into a working clone (its `clone:`, else one pushnote \
        manages under .pushnote/clones), tagged YYYY.MM.DD at its branch head with an annotated tag, and \
        only that tag is pushed. Safe to re-run: a tag already at the commit is skipped; a tag at another \
        commit (the branch moved on after tagging) is kept, since a repeat push is pushnote cherry-pick. Then the note's compare links are refreshed, what goes out is \
        summarised, and migration files are listed under Migrations; the note is committed.
        """
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: NoteArgument
    private var note: String? { target.value }

    @Flag(name: .long, help: "Create, push and write nothing: say what would be done (pushnote's own clones are still fetched).")
    var dryRun = false

    @Option(
      name: .long, help: ArgumentHelp("Tag this branch (or commit SHA) instead of each repository's configured branch.", valueName: "REF"))
    var ref: String?

    @Flag(
      name: .long,
      help: "Allow a date that is not a push day, and move a tag that exists at another commit (never needed for a repeat push).")
    var force = false

    @Option(name: .long, help: ArgumentHelp("How many repositories to work on at once.", valueName: "N"))
    var jobs = 4

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Option(
      name: .long,
      help: ArgumentHelp(
        "Tell the team's channel \"tagging YYYY.MM.DD in 10 minutes\", wait that long (10m, 90s, 1h), then tag.", valueName: "DELAY"))
    var announceIn: String?

    func validate() throws {
      guard jobs > 0 else { throw ValidationError("--jobs must be positive") }
    }

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let path = try notebook.resolveNote(note)
        if !dryRun { try await notebook.requireIdentity() }
        var options = Release.TagOptions()
        options.dryRun = dryRun
        options.force = force
        options.ref = ref
        options.concurrency = jobs
        let live = LiveProgress(
          terminal: .standardError, repositories: notebook.config.repositories.map(\.name),
          enabled: !json && Terminal.standardError.isTerminal)
        let report = try await ChatHook.around(notebook) { session in
          try await ChatHook.announce(announceIn, notePath: path, notebook: notebook, dryRun: dryRun, session: session)
          return try await Release(notebook: notebook).tag(note: path, options: options, progress: live.update)
        } then: {
          [ChatEvent.tagged($0, config: notebook.config)].compactMap { $0 }
        }
        if json {
          try Terminal.standardOutput.writeJSON(report)
        } else {
          printSummary(report)
        }
        if let failure = report.failure { throw failure }
      }
    }

    /// The summary table and what happened to the note.
    private func printSummary(_ report: Release.TagReport) {
      let out = Terminal.standardOutput
      let rows = report.repositories.map { outcome -> [String] in
        [
          outcome.repository, outcome.tag, outcome.action.rawValue.replacingOccurrences(of: "_", with: " "),
          outcome.commit.map { String($0.prefix(12)) } ?? "-", outcome.previousTag ?? "-",
          outcome.changes.map { String($0.commits.count) } ?? "-", outcome.changes.map { String($0.migrations.count) } ?? "-",
        ]
      }
      let header = ["REPOSITORY", "TAG", "ACTION", "COMMIT", "FROM", "COMMITS", "MIGRATIONS"]
      let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
      func line(_ cells: [String]) -> String {
        zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
          .trimmingCharacters(in: .whitespaces)
      }
      out.write(out.styled(line(header), .bold) + "\n")
      for (row, outcome) in zip(rows, report.repositories) {
        let color: Terminal.Color = outcome.action == .failed ? .red : outcome.action == .skipped ? .dim : .green
        out.write(out.styled(line(row), color) + "\n")
      }
      for outcome in report.repositories {
        if let error = outcome.error { out.write(out.styled("  \(error)", .red) + "\n") }
        if let advice = outcome.advice { out.write(out.styled("  \(advice)", .dim) + "\n") }
      }
      out.write(ReleaseOutput.noteLine(report.note, updated: report.noteUpdated, committed: report.committed, dryRun: report.dryRun))
    }
  }
}

/// One live line per repository on a terminal, redrawn in place as repositories advance.
private final class LiveProgress: @unchecked Sendable {
  private let terminal: Terminal
  private let order: [String]
  private let enabled: Bool
  private let lock = NSLock()
  private var states: [String: String] = [:]
  private var drawn = false

  init(terminal: Terminal, repositories: [String], enabled: Bool) {
    self.terminal = terminal
    self.order = repositories
    self.enabled = enabled
  }

  /// Takes one progress event and redraws the lines.
  func update(_ progress: ReleaseProgress) {
    guard enabled else { return }
    lock.withLock {
      states[progress.repository] = LiveProgress.describe(progress.step, terminal: terminal)
      let width = order.map(\.count).max() ?? 0
      var text = drawn ? "\u{1B}[\(order.count)A" : ""
      for name in order {
        text += "\u{1B}[2K  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + (states[name] ?? "") + "\n"
      }
      drawn = true
      terminal.write(text)
    }
  }

  private static func describe(_ step: ReleaseProgress.Step, terminal: Terminal) -> String {
    switch step {
    case .waiting: return terminal.styled("waiting", .dim)
    case .fetching: return "fetching…"
    case .tagging(let commit): return "tagging \(commit.prefix(12))…"
    case .cherryPicking(let commit): return "cherry-picking \(commit.prefix(12))…"
    case .pushing: return "pushing…"
    case .summarising: return "reading what goes out…"
    case .finished(let outcome):
      let text = outcome.action.rawValue.replacingOccurrences(of: "_", with: " ")
      return outcome.action == .failed ? terminal.styled("failed", .red) : terminal.styled(text, .green)
    }
  }
}
