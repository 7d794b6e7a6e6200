import ArgumentParser
import Foundation
import PushnoteCore

extension Pushnote {
  /// `pushnote cherry-pick REPO SHA...`: a repeat push of one repository.
  struct CherryPick: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "cherry-pick",
      abstract: "Cherry-pick commits onto this push's latest tag, tag YYYY.MM.DD-N, push it, and record it in the note.",
      discussion: """
        REPO is a repository name from pushnote.yml (OWNER/NAME). The commits are applied in order in a \
        scratch worktree; one that does not apply cleanly stops everything: nothing is tagged or pushed \
        and the clone is left as it was.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(
      help: ArgumentHelp("The repository, as named in pushnote.yml (OWNER/NAME).", valueName: "REPO"), completion: Completions.repositories)
    var repository: String

    @Argument(
      help: ArgumentHelp(
        "The commits to cherry-pick, in order: SHAs as git takes them, 4 to 40 hex digits (a commit link in a note needs 7).",
        valueName: "SHA"))
    var commits: [String]

    @Option(
      name: .long, help: ArgumentHelp("The note: a date, a pad id or a path (default: this week's note).", valueName: "NOTE"),
      completion: Completions.notes)
    var note: String?

    @Flag(name: .long, help: "Apply the commits in a scratch worktree but tag, push and write nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func validate() throws {
      guard !commits.isEmpty else { throw ValidationError("give at least one commit SHA") }
    }

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let path = try notebook.resolveNote(note)
        if !dryRun { try await notebook.requireIdentity() }
        let report = try await ChatHook.around(notebook) { _ in
          try await Release(notebook: notebook).cherryPick(note: path, repository: repository, commits: commits, dryRun: dryRun)
        } then: {
          [ChatEvent.cherryPicked($0, config: notebook.config)].compactMap { $0 }
        }
        if json {
          try Terminal.standardOutput.writeJSON(report)
          return
        }
        let out = Terminal.standardOutput
        let outcome = report.outcome
        for commit in outcome.picked {
          out.write("  \(commit.sha.prefix(12)) \(commit.subject) (\(commit.author))\n")
        }
        let verb = report.dryRun ? "would tag" : "tagged"
        out.write(
          out.styled("\(outcome.repository): \(verb) \(outcome.tag)", .green) + " on top of \(outcome.baseTag)"
            + (outcome.commit.map { " at \($0.prefix(12)), pushed" } ?? "") + "\n")
        out.write(ReleaseOutput.noteLine(report.note, updated: report.noteUpdated, committed: report.committed, dryRun: report.dryRun))
      }
    }
  }
}

/// Output shared by `pushnote tag` and `pushnote cherry-pick`.
enum ReleaseOutput {
  /// What happened to the note, as one line.
  static func noteLine(_ note: String, updated: Bool, committed: Bool, dryRun: Bool) -> String {
    guard updated else { return "note: \(note) unchanged\n" }
    if dryRun { return "note: \(note) would be updated\n" }
    return "note: \(note) updated" + (committed ? " and committed" : "") + "\n"
  }
}
