import FlyingFox
import Foundation
import PushnoteCore

/// The fake Etherpad's groups, authors and sessions, as spec/etherpad-realtime.md section 2
/// and `SessionManager.findAuthorID` have them: `createGroupIfNotExistsFor`, `createGroupPad`,
/// `createAuthorIfNotExistsFor`, `createSession` (a future integer `validUntil`) and
/// `setPublicStatus` over the HTTP API; on the socket, the author of the first session in the
/// `sessionID` cookie (a comma-separated list, quotes stripped) that belongs to the pad's group
/// and has not expired.
extension FakeEtherpad {
  // MARK: Test hooks

  /// Every session ends now, as time passing past its `validUntil` would.
  public func letSessionsExpire() {
    for (id, session) in realtime.sessions { realtime.sessions[id]?.validUntil = min(session.validUntil, Self.unixNow - 1) }
  }

  /// Forgets every session, as after a server's database was reset.
  public func forgetSessions() { realtime.sessions.removeAll() }

  /// The group a mapper was given (nil before `createGroupIfNotExistsFor`).
  public func group(forMapper mapper: String) -> String? { realtime.groupMappers[mapper] }

  /// The author a mapper was given (nil before `createAuthorIfNotExistsFor`).
  public func author(forMapper mapper: String) -> String? { realtime.authorMappers[mapper] }

  /// Makes a group, an author of it and a session valid until `validUntil` (unix seconds, the
  /// past allowed, unlike `createSession`): what the HTTP API would have made earlier.
  public func makeSession(group mapper: String, author: String, validUntil: Int) -> (group: String, author: String, session: String) {
    let group = groupID(mapper)
    let authorID = authorID(author, name: nil)
    let session = "s." + Self.randomString(32, alphabet: "0123456789abcdef")
    realtime.sessions[session] = (group, authorID, validUntil)
    return (group, authorID, session)
  }

  // MARK: HTTP API

  /// The group functions' answers (nil for any other function).
  func performGroupFunction(_ function: String, _ fields: [String: String]) -> HTTPResponse? {
    switch function {
    case "createGroupIfNotExistsFor":
      guard let mapper = fields["groupMapper"], !mapper.isEmpty else {
        return envelope(200, code: 1, message: "groupMapper is not a string")
      }
      return ok(["groupID": groupID(mapper)])
    case "createAuthorIfNotExistsFor":
      guard let mapper = fields["authorMapper"], !mapper.isEmpty else {
        return envelope(200, code: 1, message: "authorMapper is not a string")
      }
      return ok(["authorID": authorID(mapper, name: fields["name"])])
    case "createGroupPad":
      guard let group = fields["groupID"], realtime.groups.contains(group) else {
        return envelope(200, code: 1, message: "groupID does not exist")
      }
      guard let name = fields["padName"], Self.isValidPadID(name), !name.contains("$") else {
        return envelope(200, code: 1, message: "padName did not match requirements")
      }
      let padID = group + "$" + name
      guard pads[padID] == nil else { return envelope(200, code: 1, message: "padName does already exist") }
      pads[padID] = Pad(revisions: [(fields["text"] ?? "") + "\n"])
      return ok(["padID": padID])
    case "createSession":
      guard let group = fields["groupID"], realtime.groups.contains(group) else {
        return envelope(200, code: 1, message: "groupID does not exist")
      }
      guard let author = fields["authorID"], realtime.authorMappers.values.contains(author) else {
        return envelope(200, code: 1, message: "authorID does not exist")
      }
      guard let text = fields["validUntil"], let number = Double(text) else {
        return envelope(200, code: 1, message: "validUntil is not a number")
      }
      guard number >= 0 else { return envelope(200, code: 1, message: "validUntil is a negativ number") }
      guard number.rounded() == number else { return envelope(200, code: 1, message: "validUntil is a float value") }
      guard Int(number) >= Self.unixNow else { return envelope(200, code: 1, message: "validUntil is in the past") }
      let session = "s." + Self.randomString(32, alphabet: "0123456789abcdef")
      realtime.sessions[session] = (group, author, Int(number))
      return ok(["sessionID": session])
    case "setPublicStatus":
      guard let padID = fields["padID"], pads[padID] != nil else { return envelope(200, code: 1, message: "padID does not exist") }
      guard EtherpadClient.group(ofPad: padID) != nil else {
        return envelope(200, code: 1, message: "You can only get/set the publicStatus of pads that belong to a group")
      }
      if fields["publicStatus"] == "true" { realtime.publicPads.insert(padID) } else { realtime.publicPads.remove(padID) }
      return ok(nil)
    default:
      return nil
    }
  }

  /// `isValidPadId`: `^(g.[a-zA-Z0-9]{16}\$)?[^$]{1,50}$`.
  static func isValidPadID(_ padID: String) -> Bool {
    let name = EtherpadClient.group(ofPad: padID).map { String(padID.dropFirst($0.count + 1)) } ?? padID
    return !name.isEmpty && name.utf16.count <= 50 && !name.contains("$")
  }

  // MARK: Socket access

  /// The author of the first valid session among `sessionIDs` for the group of `padID`
  /// (`SessionManager.findAuthorID`): nil for a pad of no group, an unknown or expired session,
  /// or one of another group.
  func sessionAuthor(_ sessionIDs: String?, padID: String) -> String? {
    guard let group = EtherpadClient.group(ofPad: padID), let sessionIDs else { return nil }
    for id in sessionIDs.split(separator: ",") {
      let trimmed = id.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
      guard let session = realtime.sessions[trimmed], session.group == group, session.validUntil > Self.unixNow else { continue }
      return session.author
    }
    return nil
  }

  /// Whether a group pad may be opened: with a session author, or by any token when public and existing.
  func groupAllows(_ padID: String, sessionAuthor: String?) -> Bool {
    guard EtherpadClient.group(ofPad: padID) != nil else { return true }
    return sessionAuthor != nil || (pads[padID] != nil && realtime.publicPads.contains(padID))
  }

  // MARK: Helpers

  private func groupID(_ mapper: String) -> String {
    if let known = realtime.groupMappers[mapper] { return known }
    let group = "g." + Self.randomString(16, alphabet: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    realtime.groupMappers[mapper] = group
    realtime.groups.insert(group)
    return group
  }

  private func authorID(_ mapper: String, name: String?) -> String {
    let author =
      realtime.authorMappers[mapper]
      ?? "a." + Self.randomString(16, alphabet: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    realtime.authorMappers[mapper] = author
    if let name, !name.isEmpty { realtime.authorNames[author] = name }
    return author
  }

  private static func randomString(_ length: Int, alphabet: String) -> String {
    let characters = Array(alphabet)
    return String((0..<length).map { _ in characters[Int.random(in: 0..<characters.count)] })
  }

  static var unixNow: Int { Int(Date().timeIntervalSince1970) }
}
