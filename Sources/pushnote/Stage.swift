import ArgumentParser
import Foundation
import PushnoteCore
import Synchronization

extension Pushnote {
  /// `pushnote stage [NOTE] [--dry-run] [--resume] [--only PROJECT...] [--json]`.
  struct Stage: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "stage",
      abstract: "Deploy the note's tags to stage through Jenkins, job by job, and record it in the note.",
      discussion: """
        Each job of stage.jobs in pushnote.yml is triggered in order with its repository's newest tag \
        (DeployRef=TAG), and the next starts only when it succeeded. The timeline, the Blockers section and \
        the "Push to stage" item record what happened, one commit each. Credentials: PUSHNOTE_JENKINS_USER \
        and PUSHNOTE_JENKINS_TOKEN, or a credentials file outside the notebook (mode 600, $PUSHNOTE_CREDENTIALS \
        or ~/.config/pushnote/credentials). Exit 1 when a job failed, 75 when Jenkins cannot be reached, \
        77 when it refuses the credentials.
        """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: NoteArgument
    private var note: String? { target.value }

    @Flag(name: .long, help: "Say what would be triggered; send nothing, change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Continue from the first job whose latest outcome is not a success, and deploy every job after it.")
    var resume = false

    @Option(
      name: .long, parsing: .upToNextOption,
      help: ArgumentHelp("Deploy only these projects (job names or repositories); give NOTE before it.", valueName: "PROJECT"),
      completion: Completions.stageProjects)
    var only: [String] = []

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(help: "Change the note without committing it.")
    var noCommit = false

    @Option(name: .long, help: ArgumentHelp("Seconds between two polls of Jenkins.", valueName: "SECONDS"))
    var pollInterval = 2.0

    @Option(name: .long, help: ArgumentHelp("Minutes a job may wait in the queue, and again minutes it may build.", valueName: "MINUTES"))
    var timeout = 60.0

    @Option(name: .long, help: ArgumentHelp("Console lines kept of a failed build.", valueName: "N"))
    var consoleLines = 30

    func validate() throws {
      guard pollInterval > 0, pollInterval.isFinite else { throw ValidationError("--poll-interval must be a positive number of seconds") }
      guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of minutes") }
      guard consoleLines >= 0 else { throw ValidationError("--console-lines cannot be negative") }
    }

    func run() async throws {
      var status = ExitStatus.ok
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let path = try notebook.resolveNote(note)
        if !dryRun && !noCommit { try await notebook.requireIdentity() }
        let credentials = try JenkinsCredentials.load(environment: ProcessInfo.processInfo.environment, notebookRoot: notebook.root)
        var options = StageDeploy.Options()
        options.dryRun = dryRun
        options.resume = resume
        options.only = only
        options.commit = !noCommit
        options.consoleLines = consoleLines
        options.timing.pollInterval = .milliseconds(Int64((pollInterval * 1000).rounded(.up)))
        options.timing.queueTimeout = .seconds(timeout * 60)
        options.timing.buildTimeout = .seconds(timeout * 60)
        let output = Terminal.standardOutput
        let live = LiveLine(terminal: output, quiet: json)
        // Each job is told as it finishes, while the next one runs.
        let order = try Self.chatOrder(notebook: notebook, notePath: path, only: only, dryRun: dryRun)
        let report = try await ChatHook.around(notebook) { session in
          try await StageDeploy(notebook: notebook, notePath: path, credentials: credentials, options: options).run { event in
            live.show(event)
            guard case .finished(let job) = event else { return }
            let position = order.firstIndex(of: job.name).map { $0 + 1 }
            session.post([ChatEvent.staged(job, position: position, of: order.count, notePath: path)].compactMap { $0 })
          }
        }
        if json {
          try output.writeJSON(report)
        } else {
          output.write(LiveLine.summary(report, credentials: credentials, on: output))
        }
        status = report.exitStatus
      }
      if status != .ok { throw ExitCode(status.rawValue) }
    }
  }
}

extension Pushnote.Stage {
  /// The jobs this run deploys, in order, for "job 2 of 3" in the channel; none without chat.
  static func chatOrder(notebook: Notebook, notePath: String, only: [String], dryRun: Bool) throws -> [String] {
    guard !dryRun, !notebook.config.chat.destinations.isEmpty else { return [] }
    let note = try ParsedNote.read(path: notePath, config: notebook.config).note
    return try StagePlan(note: note, config: notebook.config, only: only).steps.filter(\.selected).map(\.job)
  }

  /// The live line per job: updated in place on a terminal (queued, building with the elapsed time),
  /// one line per finished job elsewhere.
  final class LiveLine: Sendable {
    private let terminal: Terminal
    private let quiet: Bool
    private let lineShown = Mutex(false)

    init(terminal: Terminal, quiet: Bool) {
      self.terminal = terminal
      self.quiet = quiet
    }

    /// Shows one event.
    func show(_ event: StageEvent) {
      guard !quiet else { return }
      switch event {
      case .skipped(let job, let tag):
        finish(terminal.styled("–", .dim) + " \(job) \(tag) " + terminal.styled("already deployed, skipped", .dim))
      case .triggering(let job, let tag): update("\(job) \(tag): triggering")
      case .queued(let job, let why, let elapsed): update("\(job): queued \(Self.clock(elapsed))" + (why.map { " (\($0))" } ?? ""))
      case .building(let job, let number, let elapsed):
        update("\(job): building" + (number.map { " #\($0)" } ?? "") + " \(Self.clock(elapsed))")
      case .finished(let job): finish(Self.line(job, on: terminal))
      }
    }

    /// A finished job: `✓ NAME TAG SUCCESS in 2m 05s  BUILD_URL`.
    static func line(_ job: StageReport.Job, on terminal: Terminal) -> String {
      let result = job.result?.rawValue ?? job.status.rawValue
      let duration = job.durationSeconds.map { " in " + StageRecord.duration($0) } ?? ""
      let mark = job.status == .deployed ? terminal.styled("✓", .green) : terminal.styled("✗", .red)
      let colored = terminal.styled(result, job.status == .deployed ? .green : .red)
      return "\(mark) \(job.name) \(job.tag) \(colored)\(duration)" + (job.buildURL.map { "  " + terminal.styled($0, .dim) } ?? "")
    }

    /// What the run did, after the live lines; a dry run lists what it would trigger.
    static func summary(_ report: StageReport, credentials: JenkinsCredentials?, on terminal: Terminal) -> String {
      var lines: [String] = []
      if report.dryRun {
        lines.append("Would deploy to stage through \(report.jenkins) as \(credentials?.description ?? "anonymous"), in order:")
        for job in report.jobs {
          lines.append(
            "  " + (job.status == .skipped ? terminal.styled("skip \(job.name) \(job.tag) (already deployed)", .dim) : job.trigger))
        }
        lines.append("Nothing was sent and the note is unchanged.")
        return lines.joined(separator: "\n") + "\n"
      }
      let deployed = report.jobs.filter { $0.status == .deployed }.count
      let skipped = report.jobs.filter { $0.status == .skipped }.count
      var counts = "\(deployed) of \(report.jobs.count) jobs deployed"
      if skipped > 0 { counts += ", \(skipped) already deployed" }
      if let failed = report.jobs.first(where: { $0.status == .failed }) {
        lines.append(
          terminal.styled("Stage deploy stopped: \(failed.name) \(failed.tag) \(failed.result?.rawValue ?? "failed")", .red)
            + " (\(counts))")
        if let tail = failed.consoleTail, !tail.isEmpty {
          lines.append("Last lines of its console:")
          lines += tail.map { "  " + $0 }
        }
        lines.append("Recorded under Blockers in \(report.note). Fix it, then run: pushnote stage --resume")
      } else {
        lines.append(terminal.styled("Stage deploy done", .green) + " (\(counts)).")
      }
      var note = "\(report.note): \(report.commits) commit\(report.commits == 1 ? "" : "s")"
      if report.checklistItemTicked { note += ", \"Push to stage\" ticked" }
      lines.append(note)
      return lines.joined(separator: "\n") + "\n"
    }

    /// Replaces the live line on a terminal; elsewhere progress is not shown.
    private func update(_ text: String) {
      guard terminal.isTerminal else { return }
      lineShown.withLock { shown in
        terminal.write("\r\u{1B}[2K" + text)
        terminal.flush()
        shown = true
      }
    }

    /// Ends the live line with a final text.
    private func finish(_ text: String) {
      lineShown.withLock { shown in
        terminal.write((shown ? "\r\u{1B}[2K" : "") + text + "\n")
        terminal.flush()
        shown = false
      }
    }

    /// `1:05`, `12:30`, `1:02:03`.
    private static func clock(_ elapsed: Duration) -> String {
      let seconds = Int(elapsed.components.seconds)
      let two = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
      if seconds >= 3600 { return "\(seconds / 3600):\(two(seconds % 3600 / 60)):\(two(seconds % 60))" }
      return "\(seconds / 60):\(two(seconds % 60))"
    }
  }
}
