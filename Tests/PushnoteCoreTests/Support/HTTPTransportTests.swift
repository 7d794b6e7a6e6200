import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// What pushnote's HTTP transport promises its clients, against Python's `http.server` on the
/// loopback: one kept-alive connection for several requests, a clean second try only where it is
/// safe, redirects followed on the origin only, deadlines, and TLS that checks the server.
///
/// Serialized: each test starts its own Python server, and thirty starting at once on two cores
/// would starve the in-process fake servers of the suites running beside.
@Suite(.serialized) struct HTTPTransportTests {
  let server: HTTPTestServer

  init() async throws {
    server = try await HTTPTestServer()
  }

  @Test func severalRequestsShareOneConnection() async throws {
    let transport = HTTPTransport(timeout: 10)
    var connections: [String?] = []
    var served: [String?] = []
    for method in ["GET", "POST", "GET", "PUT"] {
      let response = try await transport.send(HTTPTransport.Request(url: try url("/echo"), method: method))
      #expect(response.status == 200)
      connections.append(response.headers["x-connection"])
      served.append(response.headers["x-served"])
    }
    #expect(Set(connections).count == 1, "\(connections)")
    #expect(served == ["1", "2", "3", "4"])
  }

  @Test func aKeptConnectionTheServerClosedIsReplaced() async throws {
    let transport = HTTPTransport(timeout: 10)
    let first = try await transport.send(HTTPTransport.Request(url: try url("/close-after")))
    #expect(String(decoding: first.body, as: UTF8.self) == "bye")
    // A POST: it is never sent twice, so it only succeeds if the closed connection was not used.
    let second = try await transport.send(HTTPTransport.Request(url: try url("/echo"), method: "POST"))
    #expect(second.status == 200)
    #expect(second.headers["x-connection"] != first.headers["x-connection"])
    #expect(server.requests().map(\.path) == ["/close-after", "/echo"])
  }

  @Test func anIdempotentRequestIsSentAgainWhenTheKeptConnectionClosedUnanswered() async throws {
    let transport = HTTPTransport(timeout: 10)
    let armed = try await transport.send(HTTPTransport.Request(url: try url("/arm-drop")))
    let response = try await transport.send(HTTPTransport.Request(url: try url("/echo")))
    #expect(response.status == 200)
    #expect(response.headers["x-connection"] != armed.headers["x-connection"])
    #expect(server.requests().map(\.path) == ["/arm-drop", "/echo", "/echo"])
  }

  @Test func aPostIsNotSentAgainWhenTheKeptConnectionClosedUnanswered() async throws {
    let transport = HTTPTransport(timeout: 10)
    _ = try await transport.send(HTTPTransport.Request(url: try url("/arm-drop")))
    var post = HTTPTransport.Request(url: try url("/echo"), method: "POST")
    post.body = Data("text=once".utf8)
    let failure = await Self.failure(of: post, on: transport)
    #expect(failure == .connection(.closed))
    #expect(failure?.description == "connection dropped")
    #expect(server.requests().filter { $0.method == "POST" }.count == 1)
  }

  @Test(arguments: [301, 302, 303, 307, 308])
  func aRedirectOnTheOriginIsFollowedWithItsCredentials(status: Int) async throws {
    var request = HTTPTransport.Request(url: try url("/redirect?status=\(status)&to=/echo"), method: "POST")
    request.setValue("Bearer secret", forHTTPHeaderField: "Authorization")
    request.body = Data("apikey=secret".utf8)
    let response = try await HTTPTransport(timeout: 10).send(request)
    #expect(response.status == 200)
    let echoed = try #require(server.requests().last)
    #expect(echoed.path == "/echo")
    #expect(echoed.headers["authorization"] == "Bearer secret")
    // 303, and 301 or 302 after a POST, ask for a GET without the body; 307 and 308 keep both.
    #expect(echoed.method == (status >= 307 ? "POST" : "GET"))
    #expect(echoed.body == (status >= 307 ? "apikey=secret" : ""))
  }

  @Test(arguments: [301, 302, 303, 307, 308])
  func aRedirectToAnotherOriginIsNotFollowedAndNothingGoesThere(status: Int) async throws {
    let elsewhere = try await HTTPTestServer()
    var request = HTTPTransport.Request(url: try url("/redirect?status=\(status)&to=\(elsewhere.url)/echo"))
    request.setValue("Bearer secret", forHTTPHeaderField: "Authorization")
    let response = try await HTTPTransport(timeout: 10).send(request)
    #expect(response.status == status)
    #expect(response.headers["location"] == "\(elsewhere.url)/echo")
    #expect(elsewhere.requests().isEmpty)
  }

  @Test(arguments: ["/slow?seconds=90", "/stall?seconds=90"])
  func aSilentServerMeetsTheDeadline(path: String) async throws {
    let started = Date()
    let failure = await Self.failure(of: HTTPTransport.Request(url: try url(path)), on: HTTPTransport(timeout: 0.5))
    #expect(failure == .timedOut)
    // The deadline, not the server's 90 s, ended it (a wide margin: the suite may run on a busy machine).
    #expect(Date().timeIntervalSince(started) < 45)
  }

  @Test func aCancelledRequestAnswersAtOnce() async throws {
    let transport = HTTPTransport(timeout: 30)
    let request = HTTPTransport.Request(url: try url("/slow?seconds=20"))
    let task = Task { await Self.failure(of: request, on: transport) }
    while server.requests().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
    task.cancel()
    #expect(await task.value == .cancelled)
  }

  @Test func aRefusedConnectionSaysSo() async throws {
    let port = server.port
    server.stop()
    let failure = await Self.failure(of: HTTPTransport.Request(url: try url("/echo")), on: HTTPTransport(timeout: 5))
    guard case .connection(.cannotConnect(_, port, _)) = failure else {
      Issue.record("not a refused connection: \(String(describing: failure))")
      return
    }
    #expect(failure?.description == "connection refused")
  }

  @Test func httpsWithATrustedCertificateKeepsItsConnection() async throws {
    let folder = try TemporaryDirectory()
    let certificate = try await TestCertificate(in: folder)
    let secure = try await HTTPTestServer(certificate: certificate)
    let transport = HTTPTransport(timeout: 10, caFile: certificate.certificate)
    let first = try await transport.send(HTTPTransport.Request(url: try #require(URL(string: secure.url + "/chunked"))))
    let second = try await transport.send(HTTPTransport.Request(url: try #require(URL(string: secure.url + "/echo"))))
    #expect(String(decoding: first.body, as: UTF8.self) == "hello, chunked world")
    #expect(second.status == 200)
    #expect(second.headers["x-connection"] == first.headers["x-connection"])
  }

  @Test func httpsWithACertificateNotTrustedIsRefused() async throws {
    let folder = try TemporaryDirectory()
    let served = try await TestCertificate(in: folder, name: "served")
    let other = try await TestCertificate(in: folder, name: "other")
    let secure = try await HTTPTestServer(certificate: served)
    let request = HTTPTransport.Request(url: try #require(URL(string: secure.url + "/echo")))
    for transport in [HTTPTransport(timeout: 10, caFile: other.certificate), HTTPTransport(timeout: 10)] {
      let failure = await Self.failure(of: request, on: transport)
      guard case .connection(.tls(_, let reason)) = failure else {
        Issue.record("not refused: \(String(describing: failure))")
        continue
      }
      #expect(reason.contains("certificate not trusted"), "\(reason)")
    }
    #expect(secure.requests().isEmpty)
  }

  @Test func httpsToANameTheCertificateDoesNotCarryIsRefused() async throws {
    let folder = try TemporaryDirectory()
    let certificate = try await TestCertificate(in: folder)
    let secure = try await HTTPTestServer(certificate: certificate)
    // The certificate is for the address 127.0.0.1 only: the name `localhost` fails the check.
    let request = HTTPTransport.Request(url: try #require(URL(string: "https://localhost:\(secure.port)/echo")))
    let failure = await Self.failure(of: request, on: HTTPTransport(timeout: 10, caFile: certificate.certificate))
    guard case .connection(.tls) = failure else {
      Issue.record("not refused: \(String(describing: failure))")
      return
    }
    #expect(secure.requests().isEmpty)
  }

  private func url(_ path: String) throws -> URL {
    try #require(URL(string: server.url + path))
  }

  /// Why sending `request` failed; nil when it did not (for the wire tests too).
  static func failure(of request: HTTPTransport.Request, on transport: HTTPTransport) async -> HTTPTransport.Failure? {
    do throws(HTTPTransport.Failure) {
      _ = try await transport.send(request)
      return nil
    } catch {
      return error
    }
  }
}
