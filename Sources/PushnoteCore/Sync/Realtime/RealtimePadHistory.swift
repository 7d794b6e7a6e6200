import Foundation

extension RealtimePadConnection {
  /// The author of every revision after `revision`, as the server replays them to a browser
  /// that reconnects (CLIENT_READY with `reconnect` and `client_rev`: one CLIENT_RECONNECT per
  /// revision up to the head, or `noChanges`; spec section 8).
  ///
  /// A write over the socket is rebased over colleagues' edits, so its revision holds more than
  /// the text pushnote sent: the repair after a killed sync finds it by its author instead. The
  /// socket is closed at once: the replay leaves the server's idea of this socket's revision
  /// behind, and a commit on it would be refused.
  ///
  /// - Throws: ``RealtimeError`` as opening a connection does.
  public static func authors(
    after revision: Int, baseURL: URL, padID: String, identity: Identity, timeout: TimeInterval
  ) throws(RealtimeError) -> [Int: String] {
    let socket = try open(baseURL: baseURL, padID: padID, identity: identity, timeout: timeout)
    defer { socket.close(wait: 0) }
    var ready = clientReady(padID, identity)
    ready["reconnect"] = true
    ready["client_rev"] = revision
    try emit(socket, ready, padID: padID)
    let deadline = Date().addingTimeInterval(timeout)
    var authors: [Int: String] = [:]
    while true {
      let message = try nextMessage(socket, until: deadline, padID: padID, waitingFor: "CLIENT_RECONNECT", seconds: timeout)
      guard message["type"] as? String == "COLLABROOM", let data = message["data"] as? [String: Any],
        data["type"] as? String == "CLIENT_RECONNECT"
      else { continue }
      if data["noChanges"] as? Bool == true { return authors }
      guard let newRevision = data["newRev"] as? Int, let head = data["headRev"] as? Int else {
        throw .malformed(padID: padID, detail: "CLIENT_RECONNECT without newRev or headRev")
      }
      authors[newRevision] = data["author"] as? String ?? ""
      if newRevision >= head { return authors }
    }
  }
}
