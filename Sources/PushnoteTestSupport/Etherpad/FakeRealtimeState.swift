import FlyingFox
import Foundation
import PushnoteCore

/// What the fake Etherpad keeps for its realtime socket: connections, the pads' attributed
/// text, pool and stored changesets, authors, sessions and the settings tests change.
struct FakeRealtimeState {
  /// One socket.io connection.
  struct Connection {
    let output: AsyncStream<WSMessage>.Continuation
    let cookies: [String: String]
    let sid: String
    /// The pad joined with CLIENT_READY (the real pad id, also for a read-only id).
    var padID: String?
    var authorID: String?
    var readOnly = false
    /// The `sessionID` value CLIENT_READY brought (cookie or message), checked on every message.
    var sessionIDs: String?
    /// The revision the server believes this socket has seen (`sessioninfos[].rev`).
    var revision = 0
    var lastPong = Date()
  }

  /// A pad as the socket side keeps it.
  struct Pad {
    var text: AttributedText
    var pool: AttributePool
    /// The head revision number (the HTTP API's `getRevisionsCount`).
    var head: Int
    /// Revisions stored since the socket side began tracking the pad: changeset (pad pool) and author.
    var changesets: [Int: (changeset: Changeset, author: String)] = [:]
  }

  var connections: [Int: Connection] = [:]
  var nextConnection = 0
  var pads: [String: Pad] = [:]
  var tokenAuthors: [String: String] = [:]
  var authorNames: [String: String] = [:]
  /// `requireAuthentication`: basic credentials, and the pads each express session may open.
  var basicCredentials: (user: String, password: String)?
  var expressSessions: [String: Set<String>] = [:]
  var readOnlyIDs: [String: String] = [:]
  /// The basic user is read-only (`readOnly: true` in settings.json), and the express sessions
  /// of such a user.
  var basicReadOnly = false
  var readOnlySessions: Set<String> = []
  /// Groups by mapper (`createGroupIfNotExistsFor`), every group id, authors by mapper.
  var groupMappers: [String: String] = [:]
  var groups: Set<String> = []
  var authorMappers: [String: String] = [:]
  /// HTTP API sessions by id: group, author and `validUntil` (unix seconds).
  var sessions: [String: (group: String, author: String, validUntil: Int)] = [:]
  /// Group pads opened to every token (`setPublicStatus`).
  var publicPads: Set<String> = []
  /// Commit rate limit (points per second for all sockets, as one IP), nil when off.
  var rateLimit: Int?
  var rateWindowLength: TimeInterval = 1
  var rateWindow: (start: Date, points: Int) = (Date(), 0)
  /// Messages other browsers behind the same IP send right before the next messages of a type
  /// (`USER_CHANGES`, `CLIENT_READY`): how many, and before how many more of that type.
  var bursts: [String: (count: Int, times: Int)] = [:]
  /// How many messages got `{"disconnect":"rateLimited"}`.
  var rateLimited = 0
  /// Sockets are refused (HTTP 400 on the upgrade), as behind a proxy without WebSocket.
  var refuseSockets = false
  var pingInterval: TimeInterval = 25
  var pingTimeout: TimeInterval = 20
  /// Every message type received over sockets (`CLIENT_READY`, `USER_CHANGES`, …), in order.
  var received: [String] = []
  var pongs = 0
  /// USER_CHANGES left unanswered (no ACCEPT_COMMIT) and the connection dropped right after
  /// storing, as a server that dies mid-commit.
  var dropAfterStoring = 0
  /// Disconnect reasons the next USER_CHANGES get instead of being handled, in order.
  var failCommits: [String] = []
  /// Edits a colleague makes right before the next USER_CHANGES is handled (it arrived first).
  var editsBeforeCommit: [(author: String, edit: @Sendable (String) -> String)] = []
}
