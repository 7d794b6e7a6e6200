import ArgumentParser
import Foundation
import PushnoteCore

#if canImport(Glibc)
import Glibc
#endif

extension Pushnote {
  /// `pushnote sync`: the note with its pad, both ways, section by section.
  struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sync",
      abstract: "Sync the note with its Etherpad pad (three-way merge per section; nobody's edit lost).",
      discussion: """
        Exit status: 0 in sync; 1 conflict blocks left in the file (the report names file:line of \
        each; resolve and sync again); 65 bad note; 69 refused, pad missing, or pulling the \
        notebook's git remote conflicts (nothing changed; resolve with git, the message says how); \
        75 server or git remote unreachable or busy, or the note changed on disk meanwhile (nothing \
        lost, sync again); 77 credentials rejected; 78 configuration. See docs/sync.md.
        """)

    @OptionGroup var global: GlobalOptions

    @OptionGroup var target: NoteArgument
    private var note: String? { target.value }

    @Flag(help: "Show the changes each side would get; write nothing.")
    var dryRun = false

    @Flag(help: "Keep syncing (file changes and pad revisions) until interrupted.")
    var watch = false

    @Option(help: ArgumentHelp("Seconds between syncs with --watch.", valueName: "SECONDS"))
    var interval: Double = 10

    @Option(help: ArgumentHelp("Seconds to wait for another sync of this notebook to finish.", valueName: "SECONDS"))
    var wait: Double = 0

    @Flag(help: "Take the pad's text even though it was emptied or lost most of its lines.")
    var acceptRemoteDeletion = false

    @Flag(help: "Create the pad again after it vanished from the server.")
    var recreatePad = false

    @Flag(help: "Merge even though the pad's revision count went backwards.")
    var acceptPadReset = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
      try await reportingErrors {
        let notebook = try global.openNotebook()
        let path = try notebook.resolveNote(note)
        let environment = ProcessInfo.processInfo.environment
        guard let pad = try PadConnection(notebook: notebook, environment: environment) else { throw PadConnection.notConfigured }
        let server = pad.server
        var options = SyncEngine.Options()
        options.dryRun = dryRun
        options.acceptRemoteDeletion = acceptRemoteDeletion
        options.recreatePad = recreatePad
        options.acceptPadReset = acceptPadReset
        options.lockWait = wait
        let padID = try SyncEngine.padID(notebook: notebook, notePath: path)
        let apiVersion = SyncStore(root: notebook.root, padID: padID).loadState().apiVersion
        func makeEngine() throws(SyncError) -> SyncEngine {
          let client = try pad.client(apiVersion: apiVersion)
          var engine = SyncEngine(notebook: notebook, notePath: path, client: client, options: options, checkpoint: Self.checkpoint)
          // `auto` is the socket, with the HTTP API where the server refuses it or the pad is read-only.
          if notebook.config.pad.transport != .api, let url = URL(string: server) {
            let cache = pad.tokenCache
            engine.realtime = RealtimePadTransport(
              server: url, mode: notebook.config.pad.transport,
              identity: RealtimePadTransport.identity(
                server: server, cache: cache, name: (try? ParsedNote.read(path: path, config: notebook.config))?.note.people.releaseManager),
              basic: pad.basic, api: client)
          }
          return engine
        }
        func once() async throws -> SyncReport {
          let engine = try makeEngine()
          defer { engine.realtime?.close() }
          let report = try await engine.run()
          for notice in engine.realtime?.notices ?? [] { Terminal.standardError.write("pushnote: \(notice)\n") }
          return report
        }
        if watch && !dryRun {
          if let live = try makeEngine().realtime {
            let sync = LiveSync(notePath: path, padID: padID, transport: live, options: liveOptions, makeEngine: makeEngine)
            try await liveWatch(sync, zone: notebook.config.timeZone)
            return
          }
          try await watchLoop(once, zone: notebook.config.timeZone)
          return
        }
        let report = try await ChatHook.around(notebook) { _ in try await once() }
        print(report)
        if report.outcome == .conflicts { throw ExitCode(ExitStatus.conflicts.rawValue) }
      }
    }

    private func print(_ report: SyncReport) {
      if json {
        try? Terminal.standardOutput.writeJSON(report)
        return
      }
      let out = Terminal.standardOutput
      let color: Terminal.Color = report.outcome == .conflicts ? .red : (report.outcome == .unchanged ? .dim : .green)
      out.write(out.styled(report.summary, color) + "\n")
      for (side, lines) in [("file", report.fileDiff), ("pad", report.padDiff)] {
        guard let lines else { continue }
        out.write(out.styled("--- \(side)", .bold) + "\n")
        for line in lines { out.write(out.styled(line, line.hasPrefix("+") ? .green : .red) + "\n") }
      }
    }

    /// The live watch's timing: `--interval` is its safety-net round.
    private var liveOptions: LiveSync.Options {
      var options = LiveSync.Options()
      options.interval = interval
      return options
    }

    /// With `pad.transport: realtime`, the watch stays on the pad's socket (``LiveSync``): a
    /// colleague's revision or a save of the note starts a round after a short quiet window; lines as in
    /// ``watchLoop(_:zone:)``.
    private func liveWatch(_ sync: LiveSync, zone: TimeZone) async throws {
      let stop = StopSignal()
      let clock = Self.clock(zone)
      try await sync.run(until: { stop.requested }) { event in
        switch event {
        // A round with nothing to do (such as the one after the watch's own write) prints nothing.
        case .synced(let report) where report.outcome != .unchanged: show(report, clock: clock)
        case .synced: break
        case .notice(let notice): Terminal.standardError.write("pushnote: \(notice)\n")
        case .retrying(let error, let wait):
          Terminal.standardError.write("\(clock.string(from: Date())) \(error.description); trying again in \(Int(wait.rounded(.up))) s\n")
        }
      }
    }

    /// The watch's clock: the time in the notebook's zone.
    private static func clock(_ zone: TimeZone) -> DateFormatter {
      let clock = DateFormatter()
      clock.locale = Locale(identifier: "en_US_POSIX")
      clock.timeZone = zone
      clock.dateFormat = "HH:mm:ss zzz"
      return clock
    }

    /// A watch's line for a sync: the report in JSON, or its summary when it changed something.
    private func show(_ report: SyncReport, clock: DateFormatter) {
      if json {
        print(report)
      } else if report.outcome != .unchanged {
        Terminal.standardOutput.write("\(clock.string(from: Date())) \(report.summary)\n")
      }
      Terminal.standardOutput.flush()
    }

    /// Syncs every `interval` seconds until SIGINT or SIGTERM, with a line for each sync that changed
    /// something (the time in the notebook's zone); temporary failures (server away) are reported
    /// and retried, others stop it.
    private func watchLoop(_ once: () async throws -> SyncReport, zone: TimeZone) async throws {
      let stop = StopSignal()
      let clock = Self.clock(zone)
      while !stop.requested {
        do {
          show(try await once(), clock: clock)
        } catch let error as SyncError where error.exitStatus == .temporaryFailure {
          Terminal.standardError.write("\(clock.string(from: Date())) \(error.description)\n")
        }
        var waited = 0.0
        while waited < interval && !stop.requested {
          try? await Task.sleep(nanoseconds: 100_000_000)
          waited += 0.1
        }
      }
    }

    /// In debug builds, `PUSHNOTE_SYNC_CRASH_AT=<step>` kills the process at that step (crash tests).
    @Sendable static func checkpoint(_ step: String) {
      #if DEBUG
      if ProcessInfo.processInfo.environment["PUSHNOTE_SYNC_CRASH_AT"] == step { kill(getpid(), SIGKILL) }
      #endif
    }
  }
}

/// Turns SIGINT and SIGTERM into a flag the watch loop checks between syncs.
private final class StopSignal: @unchecked Sendable {
  private let sources: [DispatchSourceSignal]
  private let lock = NSLock()
  private var flag = false

  var requested: Bool { lock.withLock { flag } }

  init() {
    var sources: [DispatchSourceSignal] = []
    for number in [SIGINT, SIGTERM] {
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number)
      sources.append(source)
    }
    self.sources = sources
    for source in sources {
      source.setEventHandler { [weak self] in self?.lock.withLock { self?.flag = true } }
      source.resume()
    }
  }
}
