import Foundation

/// Group pads through the HTTP API (spec/etherpad-realtime.md section 2): a pad `g.<16>$name`
/// belongs to a group, and its socket opens only with the `sessionID` cookie of an API session
/// of an author in that group. The group id of a mapper and the session are kept in the token
/// cache (mode 0600, outside the notebook), so that a sync with nothing to do still makes one
/// request.
extension EtherpadClient {
  /// How long a session pushnote makes stays valid on the server, seconds.
  public static let sessionLifetime: TimeInterval = 12 * 3600

  /// Whether `text` is a group id: `g.` and 16 letters or digits.
  public static func isGroupID(_ text: some StringProtocol) -> Bool {
    let rest = text.utf8.dropFirst(2)
    return text.hasPrefix("g.") && rest.count == 16 && rest.allSatisfy { ASCII.isDigit($0) || ASCII.isLetter($0) }
  }

  /// The group of a group pad's id (`g.…` of `g.…$name`), nil for a pad of no group.
  public static func group(ofPad padID: String) -> String? {
    guard let dollar = padID.firstIndex(of: "$"), isGroupID(padID[..<dollar]) else { return nil }
    return String(padID[..<dollar])
  }

  /// The group id the server maps `mapper` to (`createGroupIfNotExistsFor`), cached.
  ///
  /// - Throws: ``SyncError`` as any call does.
  public func groupID(mapper: String) async throws(SyncError) -> String {
    let key = "group-mapper:" + mapper
    if let cached = tokenCache?.token(server: server.absoluteString, clientID: key, secret: "") { return cached }
    let data = try await call("createGroupIfNotExistsFor", ["groupMapper": mapper], idempotent: true)
    guard let group = (data as? [String: Any])?["groupID"] as? String, Self.isGroupID(group) else {
      throw .malformedResponse(server: host, function: "createGroupIfNotExistsFor", detail: "no groupID in the answer")
    }
    tokenCache?.store(group, server: server.absoluteString, clientID: key, secret: "", expiresAt: .distantFuture)
    return group
  }

  /// A `sessionID` for `group` of the author the server maps `authorMapper` to, named `name`.
  ///
  /// A cached one valid for another hour, else a new one (`createAuthorIfNotExistsFor`, then
  /// `createSession` valid for ``sessionLifetime``), cached. With `fresh`, the cached one is
  /// dropped first (the server no longer knew it).
  ///
  /// - Throws: ``SyncError`` as any call does.
  public func session(group: String, authorMapper: String, name: String?, fresh: Bool = false) async throws(SyncError) -> String {
    let key = "session:\(group):\(authorMapper)"
    if fresh { tokenCache?.remove(server: server.absoluteString, clientID: key, secret: "") }
    if let cached = tokenCache?.token(server: server.absoluteString, clientID: key, secret: "", now: Date(timeIntervalSinceNow: 3600)) {
      return cached
    }
    var fields = ["authorMapper": authorMapper]
    if let name, !name.isEmpty { fields["name"] = name }
    let author = try await call("createAuthorIfNotExistsFor", fields, idempotent: true)
    guard let authorID = (author as? [String: Any])?["authorID"] as? String, !authorID.isEmpty else {
      throw .malformedResponse(server: host, function: "createAuthorIfNotExistsFor", detail: "no authorID in the answer")
    }
    let validUntil = Date(timeIntervalSinceNow: Self.sessionLifetime)
    let data = try await call(
      "createSession", ["groupID": group, "authorID": authorID, "validUntil": String(Int(validUntil.timeIntervalSince1970))],
      idempotent: false)
    guard let session = (data as? [String: Any])?["sessionID"] as? String, !session.isEmpty else {
      throw .malformedResponse(server: host, function: "createSession", detail: "no sessionID in the answer")
    }
    tokenCache?.store(session, server: server.absoluteString, clientID: key, secret: "", expiresAt: validUntil)
    return session
  }

  /// The author mapper of an author token: stable for the token, and spelling none of it.
  public static func authorMapper(token: String) -> String {
    "pushnote-" + SHA256.hex(Array("pushnote author mapper\n\(token)".utf8)).prefix(24)
  }
}
