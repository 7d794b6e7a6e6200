import Foundation

/// `pushnote sync --watch` over the pad's realtime socket: one socket stays open, and a sync
/// round (``SyncEngine/run()``, the same merge, guarded file write, base record and commit as
/// any sync) runs when a colleague's revision arrives or the note is saved.
///
/// Rounds are debounced: a round waits for a quiet window after the last event (so a typing
/// burst in the pad makes one file write), but never longer than ``Options/longestDelay``
/// after the first. The round reads the pad from the open socket, which already holds every
/// `NEW_CHANGES` that arrived, and sends the file's side as one changeset. A full round also runs
/// every ``Options/interval`` seconds, as the polling watch does.
///
/// When the socket breaks (or the server is away), rounds stop and the socket is opened again
/// with backoff (doubling from ``Options/firstBackoff`` up to ``Options/backoffCap``, each
/// wait drawn between half and all of it): a normal `CLIENT_READY` gives the head's text and
/// revision, and the round merges everything since the revision of the base (the server's
/// replay with `CLIENT_RECONNECT` is not used: spec section 8, a commit right after a replay is
/// refused). Saves made meanwhile stay in the file and go out with that round. A disconnect
/// reason the server sends ends the watch with its error, except `rateLimited` and
/// `updateInProgress`, which mean "later" and are backed off like a broken socket.
public struct LiveSync {
  /// Timing of the watch.
  public struct Options: Sendable {
    /// Seconds without a new event before a round runs.
    public var quietWindow: Double = 0.2
    /// Seconds after the first event of a burst by which its round runs however busy the pad is.
    public var longestDelay: Double = 0.8
    /// Seconds between rounds when nothing happens (a safety net; the whole watch where the
    /// socket is not usable).
    public var interval: Double = 10
    /// The first wait after a failure, and the longest.
    public var firstBackoff: Double = 0.5
    public var backoffCap: Double = 15
    /// Seconds of one look at the socket and the file.
    public var slice: Double = 0.05

    /// The defaults.
    public init() {}
  }

  /// What the watch tells its user.
  public enum Event: Sendable {
    /// A round ran.
    case synced(SyncReport)
    /// A one-line notice from the transport (the socket refused and the API used instead).
    case notice(String)
    /// A temporary failure; the next attempt is in `after` seconds.
    case retrying(SyncError, after: Double)
  }

  /// The note's file.
  public let notePath: String
  /// The pad's id.
  public let padID: String
  /// The socket, kept open across rounds.
  public let transport: RealtimePadTransport
  /// A sync of the note (a new client for each round, so that each counts its own requests).
  public let makeEngine: () throws(SyncError) -> SyncEngine
  /// The timing.
  public let options: Options
  /// How saves are noticed (nil: inotify where the kernel has it).
  public let watching: FileWatcher.Method?

  /// A live watch of `notePath` through `transport`.
  public init(
    notePath: String, padID: String, transport: RealtimePadTransport, options: Options = Options(),
    watching: FileWatcher.Method? = nil, makeEngine: @escaping () throws(SyncError) -> SyncEngine
  ) {
    self.notePath = notePath
    self.padID = padID
    self.transport = transport
    self.makeEngine = makeEngine
    self.options = options
    self.watching = watching
  }

  /// Watches until `shouldStop` says so (checked between steps, every ``Options/slice``).
  ///
  /// - Throws: ``SyncError``: a disconnect reason of the server, or any error that is not
  ///   temporary. Temporary ones are told as ``Event/retrying(_:after:)`` and retried.
  public func run(until shouldStop: () -> Bool, report: (Event) -> Void) async throws(SyncError) {
    transport.keepsConnection = true
    defer { transport.close() }
    let watcher = FileWatcher(path: notePath, method: watching)
    var burst: (first: Date, last: Date)? = (Date(), Date())
    var lastRound = Date.distantPast
    var retryAt = Date.distantPast
    var failures = 0
    var socketUsable = transport.mode != .api
    var toldNotices = 0

    while !shouldStop() {
      if transport.isConnected {
        do throws(RealtimeError) {
          if try await transport.awaitChanges(wait: options.slice) > 0 { burst = Self.extend(burst) }
        } catch {
          try lost(.realtime(error), failures: &failures, retryAt: &retryAt, report: report)
        }
      } else {
        try? await Task.sleep(for: .seconds(options.slice))
      }
      if watcher.changed() { burst = Self.extend(burst) }
      let now = Date()
      guard now >= retryAt else { continue }
      let reconnect = socketUsable && !transport.isConnected
      let debounced = burst.map {
        now.timeIntervalSince($0.last) >= options.quietWindow || now.timeIntervalSince($0.first) >= options.longestDelay
      }
      guard debounced == true || reconnect || now.timeIntervalSince(lastRound) >= options.interval else { continue }
      do throws(SyncError) {
        var engine = try makeEngine()
        // Where the socket fell back to the API (auto), rounds use the API alone, with no new notice.
        engine.realtime = socketUsable ? transport : nil
        let result = try await engine.run()
        tell(&toldNotices, &socketUsable, report)
        report(.synced(result))
        failures = 0
        burst = nil
        lastRound = Date()
        if socketUsable && !transport.isConnected {
          // The round had nothing to read (or the pad was just created): the socket opens now,
          // with a normal CLIENT_READY, and a round right after takes what came since the check.
          if try await transport.read(padID) != nil {
            burst = (.distantPast, .distantPast)
          } else {
            tell(&toldNotices, &socketUsable, report)
          }
        }
      } catch {
        tell(&toldNotices, &socketUsable, report)
        try lost(error, failures: &failures, retryAt: &retryAt, report: report)
        // The round is owed still: it runs when the wait is over.
        burst = burst ?? (Date(), Date())
      }
    }
  }

  /// Tells the transport's new notices; a notice means the socket fell back to the API.
  private func tell(_ told: inout Int, _ socketUsable: inout Bool, _ report: (Event) -> Void) {
    for notice in transport.notices.dropFirst(told) {
      report(.notice(notice))
      socketUsable = false
    }
    told = transport.notices.count
  }

  /// Whether the watch goes on after `error` (it backs off), or ends with it.
  public static func isTemporary(_ error: SyncError) -> Bool {
    guard case .realtime(let realtime) = error else { return error.exitStatus == .temporaryFailure }
    switch realtime {
    case .socket(let socket): return socket.exitStatus == .temporaryFailure
    case .noAnswer, .rateLimited: return true
    case .disconnected(_, let reason): return reason == "updateInProgress"
    case .accessDenied, .readOnly, .badChangeset, .deleted, .duplicateAuthor, .refusedMessage, .malformed: return false
    }
  }

  /// The wait before attempt `failures + 1`: doubling from the first, capped, drawn between half
  /// and all of it so that many watches do not come back at once.
  public func backoff(after failures: Int) -> Double {
    let full = min(options.backoffCap, options.firstBackoff * pow(2, Double(max(failures - 1, 0))))
    return Double.random(in: (full / 2)...max(full, full / 2))
  }

  /// A failure: the socket is dropped (the next round opens a new one) and the next attempt
  /// waits; an error that is not temporary ends the watch.
  private func lost(
    _ error: SyncError, failures: inout Int, retryAt: inout Date, report: (Event) -> Void
  ) throws(SyncError) {
    if case .realtime = error { transport.close() }
    guard Self.isTemporary(error) else { throw error }
    failures += 1
    let wait = backoff(after: failures)
    retryAt = Date().addingTimeInterval(wait)
    report(.retrying(error, after: wait))
  }

  private static func extend(_ burst: (first: Date, last: Date)?) -> (first: Date, last: Date) {
    (burst?.first ?? Date(), Date())
  }
}

extension RealtimePadTransport {
  /// With ``keepsConnection``, the open socket's text and revision after taking the revisions
  /// that arrived; nil when no socket to `padID` is open.
  func reused(_ padID: String) async throws(SyncError) -> (text: String, revision: Int)? {
    guard keepsConnection, let connection, connection.padID == padID else { return nil }
    let result = await run { () throws(RealtimeError) -> (text: String, revision: Int) in
      _ = try connection.changes(wait: 0)
      return (connection.text.text, connection.revision)
    }
    switch result {
    case .success(let read): return read
    case .failure(let error): throw .realtime(error)
    }
  }

  /// Waits up to `wait` seconds for colleagues' revisions on the open socket and takes them;
  /// returns how many came (0 with no socket open).
  public func awaitChanges(wait: TimeInterval) async throws(RealtimeError) -> Int {
    guard let connection else { return 0 }
    return try await run { () throws(RealtimeError) -> Int in try connection.changes(wait: wait).count }.get()
  }
}
