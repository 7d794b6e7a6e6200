import Foundation
import PushnoteCore

/// The chat step of the commands: one call each, never failing the command.
///
/// Every command that goes to a server (tag, cherry-pick, stage, sync, mail --send) runs its work
/// inside ``around(_:_:then:)``: what earlier commands queued is sent while the work runs, and the
/// events the work gives are posted after it, in order, by one ``Session``. The commands with a chat
/// step and no other network (new, time) post through ``post(_:notebook:)``, which sends the queue
/// too. A server that is down costs a refused or timed-out connect (``ChatTimeouts/inline``), spent
/// beside the work, and the message is queued.
enum ChatHook {
  /// Posts the events (and what was queued) and shows the warnings on standard error.
  static func post(_ events: [ChatEvent], notebook: Notebook) async {
    guard !notebook.config.chat.destinations.isEmpty else { return }
    show(await ChatNotifier(notebook: notebook).post(events))
  }

  /// Posts one event, if there is one.
  static func post(_ event: ChatEvent?, notebook: Notebook) async {
    await post(event.map { [$0] } ?? [], notebook: notebook)
  }

  /// Runs `work` while the queue is sent, then posts the events its result gives; the warnings
  /// are shown after the work (also when it throws).
  static func around<T>(
    _ notebook: Notebook, _ work: (Session) async throws -> T, then events: (T) -> [ChatEvent] = { _ in [] }
  ) async throws -> T {
    let session = Session(notebook: notebook)
    let result: T
    do {
      result = try await work(session)
    } catch {
      await session.finish()
      throw error
    }
    session.post(events(result))
    await session.finish()
    return result
  }

  /// One command's chat: a worker that first sends what is queued (when anything is), then posts
  /// each batch of events handed to it, in the order given, without holding up the command.
  final class Session: Sendable {
    private let continuation: AsyncStream<[ChatEvent]>.Continuation
    private let worker: Task<Void, Never>?

    /// A session; without chat destinations it does nothing.
    init(notebook: Notebook) {
      let (stream, continuation) = AsyncStream.makeStream(of: [ChatEvent].self)
      self.continuation = continuation
      guard !notebook.config.chat.destinations.isEmpty else {
        worker = nil
        continuation.finish()
        return
      }
      worker = Task {
        let notifier = ChatNotifier(notebook: notebook)
        let clock = ContinuousClock()
        var reports: [ChatNotifier.Report] = []
        // A destination that just failed is not tried again for a while: a server that is down (or
        // drops packets, a whole connect timeout) costs the command one attempt, spent beside its work.
        var failed: [String: (error: ChatError, at: ContinuousClock.Instant)] = [:]
        func note(_ report: ChatNotifier.Report) {
          reports.append(report)
          for (destination, error) in report.failedDestinations where failed[destination] == nil {
            failed[destination] = (error, clock.now)
          }
        }
        if let waiting = try? ChatNotifier.queued(in: notebook), !waiting.isEmpty { note(await notifier.flush()) }
        for await events in stream where !events.isEmpty {
          failed = failed.filter { clock.now - $0.value.at < Session.retryAfter }
          note(await notifier.post(events, skipping: failed.mapValues(\.error)))
        }
        // Each delivery says what stayed queued; only the last one's count is shown.
        for (index, report) in reports.enumerated() {
          var shown = report
          if index < reports.count - 1 { shown.warnings.removeAll { report.undelivered.contains($0) } }
          ChatHook.show(shown)
        }
      }
    }

    /// How long a destination that failed is left alone within one command.
    static let retryAfter = Duration.seconds(30)

    /// Hands events to the worker; returns at once.
    func post(_ events: [ChatEvent]) {
      guard !events.isEmpty else { return }
      continuation.yield(events)
    }

    /// Waits until everything handed over was delivered or queued, and the warnings shown.
    func finish() async {
      continuation.finish()
      await worker?.value
    }
  }

  /// `pushnote time start|end`: the push started or finished, with the note as it is now.
  static func timeline(_ event: String, global: GlobalOptions, note: String?) async throws {
    let notebook = try global.openNotebook()
    guard !notebook.config.chat.destinations.isEmpty else { return }
    let path = try notebook.resolveNote(note)
    let parsed = try ParsedNote.read(path: path, config: notebook.config)
    await post(ChatEvent.timeline(event, note: parsed.note, notePath: path, zone: notebook.config.timeZone), notebook: notebook)
  }

  /// `pushnote tag --announce-in 10m`: posts "tagging … in 10 minutes", then waits that long.
  static func announce(_ delay: String?, notePath: String, notebook: Notebook, dryRun: Bool, session: Session) async throws {
    guard let delay else { return }
    let seconds = try ChatEvent.delaySeconds(delay)
    guard !dryRun else { return }
    session.post([ChatEvent.reminder(notePath: notePath, seconds: seconds, notebook: notebook)].compactMap { $0 })
    Terminal.standardError.write(
      "waiting \(seconds / 60 > 0 ? "\(seconds / 60) min " : "")\(seconds % 60 > 0 ? "\(seconds % 60) s " : "")before tagging\n")
    try await Task.sleep(for: .seconds(seconds))
  }

  /// Shows what did not go as planned on standard error.
  static func show(_ report: ChatNotifier.Report) {
    let error = Terminal.standardError
    for warning in report.warnings { error.write(error.styled("warning", .yellow) + ": " + warning + "\n") }
  }
}
