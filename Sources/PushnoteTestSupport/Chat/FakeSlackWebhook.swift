import FlyingFox
import FlyingSocks
import Foundation

/// A Slack incoming webhook on 127.0.0.1, answering as Slack's does: `POST` of a JSON object with a
/// non-empty `text` to `/services/T…/B…/SECRET` gives 200 `ok`; a wrong secret 403
/// `invalid_token`, another path 404 `no_service`, a body that is not a JSON object 400
/// `invalid_payload`, no text 400 `no_text`, a text over 40,000 characters 400 `msg_too_long`.
public final class FakeSlackWebhook: Sendable {
  private let server: HTTPServer
  private let task: Task<Void, any Error>
  private let state: State
  /// The webhook's URL, secret included: what PUSHNOTE_SLACK_WEBHOOK holds.
  public let url: String
  /// The secret part of the URL.
  public let secret: String

  /// Starts the webhook with a fresh secret.
  public init() async throws {
    let secret = "xoxb" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    let state = State(path: "/services/T0PUSH/B0NOTE/\(secret)")
    let server = HTTPServer(
      config: .init(address: try sockaddr_in.inet(ip4: "127.0.0.1", port: 0), timeout: 10, logger: .disabled),
      handler: ClosureHTTPHandler { request in await state.respond(to: request) })
    self.server = server
    self.state = state
    self.secret = secret
    task = Task { try await server.run() }
    // A bound for a machine under load, as for the other fake servers; a server that listens returns at once.
    try await server.waitUntilListening(timeout: 60)
    guard case .ip4(_, let port) = await server.listeningAddress else { throw SocketError.unsupportedAddress }
    url = "http://127.0.0.1:\(port)/services/T0PUSH/B0NOTE/\(secret)"
  }

  /// Stops the server.
  public func stop() async {
    await server.stop()
    task.cancel()
  }

  /// The texts accepted, in order.
  public func texts() async -> [String] { await state.texts }

  /// The answers refused, as `STATUS body`.
  public func refusals() async -> [String] { await state.refusals }

  /// Answers the next `count` posts with 500.
  public func fail(next count: Int) async { await state.setFailures(count) }

  private actor State {
    let path: String
    var texts: [String] = []
    var refusals: [String] = []
    var failures = 0

    init(path: String) { self.path = path }

    func setFailures(_ count: Int) { failures = count }

    func respond(to request: HTTPRequest) async -> HTTPResponse {
      let body = (try? await request.bodyData) ?? Data()
      let target = request.target.path(percentEncoded: true)
      guard request.method == .POST else { return refuse(405, "invalid_method") }
      guard target.hasPrefix("/services/") else { return refuse(404, "no_service") }
      guard target == path else { return refuse(403, "invalid_token") }
      if failures > 0 {
        failures -= 1
        return refuse(500, "internal_error")
      }
      guard request.headers[.contentType]?.hasPrefix("application/json") == true,
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
      else { return refuse(400, "invalid_payload") }
      guard let text = object["text"] as? String, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        return refuse(400, "no_text")
      }
      guard text.count <= 40_000 else { return refuse(400, "msg_too_long") }
      texts.append(text)
      return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/html"], body: Data("ok".utf8))
    }

    private func refuse(_ status: Int, _ reason: String) -> HTTPResponse {
      refusals.append("\(status) \(reason)")
      return HTTPResponse(
        statusCode: HTTPStatusCode(status, phrase: "Status \(status)"), headers: [.contentType: "text/html"], body: Data(reason.utf8))
    }
  }
}
