import Foundation

/// Whether a note and its pad moved since their last sync, as `pushnote status` shows it.
///
/// The file side is read from disk (the note against the base sync recorded); the pad side costs
/// one request, `getRevisionsCount`, compared with the revision sync recorded with the base.
/// Nothing is written, and a server that does not answer is a state, not an error.
public struct PadStatus: Sendable, JSONObject, Equatable {
  /// Where the note and the pad stand.
  public enum State: String, Sendable, Encodable, Equatable {
    /// No pad server is configured.
    case notConfigured = "not_configured"
    /// The note was never synced (or the week has no note yet): nothing to compare with.
    case notSynced = "not_synced"
    /// Neither side changed since the last sync.
    case inStep = "in_step"
    /// Colleagues changed the pad; the file did not change.
    case padChanged = "pad_changed"
    /// The file changed (or holds conflict blocks); the pad did not change.
    case fileChanged = "file_changed"
    /// Both changed: the next sync merges.
    case bothChanged = "both_changed"
    /// The pad was synced before and no longer exists on the server.
    case padMissing = "pad_missing"
    /// The server did not answer in time, or refused the connection.
    case unreachable
    /// Something else went wrong: `message` says what (the base is damaged, the credentials are refused).
    case failed
  }

  /// Where they stand.
  public var state: State
  /// The pad's id; nil without a note.
  public var padID: String?
  /// The pad's head revision now; nil when it was not asked.
  public var revision: Int?
  /// The pad's revision the last sync recorded.
  public var baseRevision: Int?
  /// What went wrong, for `unreachable` and `failed`; never a secret.
  public var message: String?
  /// The requests sent to the server (0 or 1).
  public var requests = 0

  /// A status without the pad's revision.
  public init(state: State, padID: String? = nil, baseRevision: Int? = nil, message: String? = nil) {
    self.state = state
    self.padID = padID
    self.baseRevision = baseRevision
    self.message = message
  }

  /// The longest a status waits for the pad, seconds, unless `PUSHNOTE_PAD_TIMEOUT` says otherwise.
  public static let timeout = 3.0

  /// Where the note at `notePath` and its pad stand; `connection` nil means no pad is configured.
  ///
  /// One attempt, never a retry, of at most ``timeout`` seconds (or `PUSHNOTE_PAD_TIMEOUT` when the
  /// environment sets it): a status must not hang offline.
  public static func read(
    notebook: Notebook, notePath: String, connection: PadConnection?, environment: [String: String]
  ) async -> PadStatus {
    guard let connection else { return PadStatus(state: .notConfigured) }
    let padID: String
    do {
      padID = try SyncEngine.padID(notebook: notebook, notePath: notePath)
    } catch {
      return PadStatus(state: .failed, message: error.description)
    }
    let store = SyncStore(root: notebook.root, padID: padID)
    let recorded = store.loadState()
    let baseText: String
    switch store.loadBase(state: recorded) {
    case .none: return PadStatus(state: .notSynced, padID: padID)
    case .lost(let reason): return PadStatus(state: .failed, padID: padID, baseRevision: recorded.revision, message: reason)
    case .text(let text): baseText = text
    }
    var status = PadStatus(state: .inStep, padID: padID, baseRevision: recorded.revision)
    let fileChanged = fileChanged(notePath, base: baseText, localOnly: notebook.config.pad.localOnly) || recorded.conflicted
    var options = connection.options
    options.attempts = 1
    if environment["PUSHNOTE_PAD_TIMEOUT"].flatMap(Double.init).map({ $0 > 0 }) != true { options.timeout = timeout }
    var quick = connection
    quick.options = options
    do {
      let client = try quick.client(apiVersion: recorded.apiVersion ?? oldestAPIVersion)
      do {
        let revision = try await client.revisionsCount(padID)
        status.revision = revision
        let padChanged = revision != recorded.revision
        status.state = padChanged ? (fileChanged ? .bothChanged : .padChanged) : (fileChanged ? .fileChanged : .inStep)
      } catch .padMissing {
        status.state = .padMissing
      } catch .unreachable, .timeout, .serverFailure {
        status.state = .unreachable
        status.message = "not reachable"
      } catch {
        status.state = .failed
        status.message = error.description
      }
      status.requests = await client.requestCount
    } catch {
      status.state = .failed
      status.message = error.description
    }
    return status
  }

  /// The API version asked when sync recorded none: every Etherpad since 1.2 still serves API 1,
  /// which has `getRevisionsCount`, so no `GET /api` is needed first.
  static let oldestAPIVersion = "1"

  /// Whether the file's pad-facing text differs from the base (an unreadable file counts as changed).
  static func fileChanged(_ path: String, base: String, localOnly: [String]) -> Bool {
    guard let bytes = try? AtomicFile.read(path), !bytes.contains(0),
      let sections = try? NoteSections(bytes: bytes, path: path, localOnly: localOnly)
    else { return true }
    return !sections.sections.allSatisfy(\.conflictBlocks.isEmpty) || SyncEngine.padFacingText(sections) != base
  }
}

extension PadStatus {
  /// Every key, unknown values as `null`.
  public func writeFields(to fields: inout JSONFields) {
    fields.field("base_revision", baseRevision)
    fields.field("message", message)
    fields.field("pad_id", padID)
    fields.field("requests", requests)
    fields.field("revision", revision)
    fields.field("state", state.rawValue)
  }
}
