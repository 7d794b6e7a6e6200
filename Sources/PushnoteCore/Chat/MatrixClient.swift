import Foundation

/// Posts to a Matrix room through the client-server API (v3), over ``HTTPTransport``.
///
/// Messages are `m.room.message` events (`m.text` with a plain `body` and an HTML
/// `formatted_body`), sent with `PUT …/send/m.room.message/{txnId}`: the transaction id comes from
/// the event's id, so a retry of the same message is the same transaction and the homeserver posts
/// it once. The topic is the `m.room.topic` state event. An alias is resolved through the room
/// directory. 429 answers are waited out (`retry_after_ms`, at most `maximumWait` seconds each).
struct MatrixClient {
  let homeserver: URL
  let room: String
  let token: String
  let transport: HTTPTransport
  /// The longest rate-limit wait that is waited out; a longer one leaves the message queued.
  var maximumWait = 10.0
  private var destination: String { "matrix \(homeserver.absoluteString) (\(room))" }

  /// The room id: the configured one, or the alias resolved (`GET /directory/room/{alias}`); the
  /// bot joins it (a no-op when it is a member).
  func roomID() async throws(ChatError) -> String {
    var id = room
    if room.hasPrefix("#") {
      let answer = try await call("GET", "directory/room/\(Self.escape(room))", body: nil)
      guard let resolved = answer["room_id"] as? String else {
        throw .refused(destination: destination, reason: "the alias did not resolve")
      }
      id = resolved
    }
    _ = try await call("POST", "rooms/\(Self.escape(id))/join", body: [:])
    return id
  }

  /// Sends a message under transaction `transaction`.
  func send(_ text: String, transaction: String, roomID: String) async throws(ChatError) {
    let body: [String: Any] = [
      "msgtype": "m.text", "body": text, "format": "org.matrix.custom.html", "formatted_body": Self.html(text),
    ]
    _ = try await call("PUT", "rooms/\(Self.escape(roomID))/send/m.room.message/\(Self.escape(transaction))", body: body)
  }

  /// Sets the room's topic.
  func setTopic(_ topic: String, roomID: String) async throws(ChatError) {
    _ = try await call("PUT", "rooms/\(Self.escape(roomID))/state/m.room.topic", body: ["topic": topic])
  }

  /// One request; 429 waited out and retried, errors mapped.
  private func call(_ method: String, _ path: String, body: [String: Any]?) async throws(ChatError) -> [String: Any] {
    guard
      let url = URL(
        string: homeserver.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/_matrix/client/v3/" + path)
    else { throw .refused(destination: destination, reason: "cannot make a URL of the room") }
    var request = HTTPTransport.Request(url: url)
    request.method = method
    request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
    if let body {
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
      request.body = try? JSONSerialization.data(withJSONObject: body)
    }
    for _ in 0..<4 {
      let response: HTTPTransport.Response
      do {
        response = try await transport.send(request)
      } catch {
        throw .unreachable(destination: destination, reason: error.description)
      }
      let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
      let code = object["errcode"] as? String ?? ""
      let reason = "\(response.status) \(code) \(object["error"] as? String ?? "")".trimmingCharacters(in: .whitespaces)
      switch response.status {
      case 200..<300: return object
      case 429:
        let milliseconds =
          (object["retry_after_ms"] as? Double) ?? response.headers["retry-after"].flatMap(Double.init).map { $0 * 1000 } ?? 1000
        guard milliseconds / 1000 <= maximumWait else {
          throw .unreachable(destination: destination, reason: "rate limited for \(Int(milliseconds / 1000)) s")
        }
        try? await Task.sleep(for: .milliseconds(Int64(milliseconds)))
      case 401: throw .credentials(destination: destination, reason: reason)
      case 500...: throw .unreachable(destination: destination, reason: reason)
      default: throw .refused(destination: destination, reason: reason)
      }
    }
    throw .unreachable(destination: destination, reason: "still rate limited after 4 tries")
  }

  /// Percent-escapes a path segment (room ids hold `!` and `:`, aliases `#`).
  static func escape(_ segment: String) -> String {
    segment.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? segment
  }

  /// The HTML of a plain message: escaped, links made links, line breaks kept.
  static func html(_ text: String) -> String {
    var escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    if let links = try? NSRegularExpression(pattern: "https?://[^\\s<>\"]+") {
      let range = NSRange(escaped.startIndex..., in: escaped)
      escaped = links.stringByReplacingMatches(in: escaped, range: range, withTemplate: "<a href=\"$0\">$0</a>")
    }
    return escaped.replacingOccurrences(of: "\n", with: "<br>")
  }
}

/// Posts to a Slack incoming webhook.
///
/// Each message is a `POST` of `{"text": …}` as JSON, the text escaped as Slack asks (`&`, `<`,
/// `>`). The webhook URL is the secret `PUSHNOTE_SLACK_WEBHOOK`; it never appears in
/// a message.
struct SlackWebhook {
  let url: URL
  let transport: HTTPTransport
  private let destination = "slack webhook"

  /// Posts one message.
  func post(_ text: String) async throws(ChatError) {
    var request = HTTPTransport.Request(url: url)
    request.method = "POST"
    request.setValue("application/json; charset=utf-8", forHTTPHeaderField: "Content-Type")
    request.body = try? JSONSerialization.data(withJSONObject: ["text": Self.escape(text)])
    let response: HTTPTransport.Response
    do {
      response = try await transport.send(request)
    } catch {
      throw .unreachable(destination: destination, reason: error.description)
    }
    let answer = String(decoding: response.body.prefix(200), as: UTF8.self)
    switch response.status {
    case 200..<300: return
    case 403, 404, 410: throw .credentials(destination: destination, reason: "\(response.status) \(answer)")
    case 429, 500...: throw .unreachable(destination: destination, reason: "\(response.status) \(answer)")
    default: throw .refused(destination: destination, reason: "\(response.status) \(answer)")
    }
  }

  /// Slack's three escapes.
  static func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
      of: ">", with: "&gt;")
  }
}
