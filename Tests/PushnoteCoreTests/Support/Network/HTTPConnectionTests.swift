import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// How pushnote's HTTP/1.1 client frames messages, against Python's `http.server` on the loopback
/// (and answers written byte by byte where a real server would not send them).
///
/// Serialized: each test starts its own Python server, and thirty starting at once on two cores
/// would starve the in-process fake servers of the suites running beside.
@Suite(.serialized) struct HTTPConnectionTests {
  let server: HTTPTestServer
  let transport = HTTPTransport(timeout: 10)

  init() async throws {
    server = try await HTTPTestServer()
  }

  @Test func aRequestCarriesTheHostWithItsPortAndTheBodyWithItsLength() async throws {
    var request = HTTPTransport.Request(url: try #require(URL(string: server.url + "/echo?q=a%2Bb")), method: "POST")
    request.setValue("Basic dXNlcjpwYXNz", forHTTPHeaderField: "Authorization")
    request.setValue("text/plain", forHTTPHeaderField: "Content-Type")
    request.body = Data("ünï".utf8)
    let response = try await transport.send(request)
    #expect(response.status == 200)
    let logged = try #require(server.requests().last)
    #expect(logged.method == "POST")
    #expect(logged.path == "/echo?q=a%2Bb")
    #expect(logged.headers["host"] == "127.0.0.1:\(server.port)")
    #expect(logged.headers["content-length"] == "5")
    #expect(logged.headers["authorization"] == "Basic dXNlcjpwYXNz")
    #expect(logged.headers["accept-encoding"] == nil)
    #expect(logged.body.unicodeScalars.map { UInt8($0.value) } == Array("ünï".utf8))
  }

  @Test func aChunkedBodyIsJoinedAndItsTrailerRead() async throws {
    let first = try await transport.send(HTTPTransport.Request(url: try #require(URL(string: server.url + "/chunked"))))
    #expect(String(decoding: first.body, as: UTF8.self) == "hello, chunked world")
    // The trailer was read to its end: the next answer on the connection parses.
    let second = try await transport.send(HTTPTransport.Request(url: try #require(URL(string: server.url + "/echo"))))
    #expect(second.status == 200)
    #expect(second.headers["x-connection"] == first.headers["x-connection"])
  }

  @Test(arguments: [("HEAD", "/echo"), ("GET", "/status?code=204"), ("GET", "/status?code=304")])
  func answersWithoutABodyAreNotWaitedFor(method: String, path: String) async throws {
    // Each announces a length and sends no body: reading one would wait until the deadline.
    let quick = HTTPTransport(timeout: 3)
    let first = try await quick.send(HTTPTransport.Request(url: try #require(URL(string: server.url + path)), method: method))
    #expect(first.body.isEmpty)
    let second = try await quick.send(HTTPTransport.Request(url: try #require(URL(string: server.url + "/echo"))))
    #expect(second.status == 200)
    #expect(second.headers["x-connection"] == first.headers["x-connection"])
  }

  @Test func anAnswerWithoutLengthRunsToTheEndOfTheStream() async throws {
    let response = try await transport.send(try raw("HTTP/1.0 200 OK\r\nX-Kind: old\r\n\r\nuntil the end"))
    #expect(response.headers["x-kind"] == "old")
    #expect(String(decoding: response.body, as: UTF8.self) == "until the end")
  }

  @Test(arguments: [
    ("HTTX/1.1 200 OK\r\n\r\n", 0),
    ("HTTP/1.1 2000 OK\r\n\r\n", 9),
    ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nBad Header\r\n\r\nhello", 36),
    ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nBad Name: x\r\n\r\nhello", 39),
    ("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello", 17),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 47),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", 52),
    ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 17),
  ])
  func aMalformedAnswerNamesTheByteWhereItWentWrong(answer: String, offset: Int) async throws {
    let failure = await HTTPTransportTests.failure(of: try raw(answer), on: transport)
    guard case .malformedResponse(let at, let detail) = failure else {
      Issue.record("not a malformed answer: \(String(describing: failure))")
      return
    }
    #expect(at == offset, "\(detail)")
    #expect(failure?.description.contains("at byte \(offset)") == true)
  }

  @Test func aBodyCutShortIsADroppedConnection() async throws {
    let failure = await HTTPTransportTests.failure(of: try raw("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"), on: transport)
    #expect(failure == .connection(.closed))
    #expect(failure?.description == "connection dropped")
  }

  @Test func aBodyOverTheLimitIsRefused() async throws {
    let small = HTTPTransport(timeout: 10, responseLimit: 100)
    let exact = try await small.send(HTTPTransport.Request(url: try #require(URL(string: server.url + "/big?bytes=100"))))
    #expect(exact.body.count == 100)
    let failure = await HTTPTransportTests.failure(
      of: HTTPTransport.Request(url: try #require(URL(string: server.url + "/big?bytes=101"))), on: small)
    #expect(failure == .responseTooLarge(limit: 100))
    let chunks = await HTTPTransportTests.failure(of: try raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n"), on: small)
    #expect(chunks == .responseTooLarge(limit: 100))
  }

  @Test func aHeaderValueWithALineBreakIsNotSent() async throws {
    var request = HTTPTransport.Request(url: try #require(URL(string: server.url + "/echo")))
    request.setValue("x\r\nX-Injected: yes", forHTTPHeaderField: "X-Note")
    guard case .invalidRequest = await HTTPTransportTests.failure(of: request, on: transport) else {
      Issue.record("a broken header was sent")
      return
    }
    #expect(server.requests().isEmpty)
  }

  @Test func anIPv6LiteralHostIsReachedAndNamedInBrackets() async throws {
    let local = try await HTTPTestServer(host: "::1")
    let response = try await transport.send(HTTPTransport.Request(url: try #require(URL(string: local.url + "/echo"))))
    #expect(response.status == 200)
    #expect(local.requests().first?.headers["host"] == "[::1]:\(local.port)")
  }

  /// A request for `/raw`, which the server answers with exactly `answer`.
  private func raw(_ answer: String) throws -> HTTPTransport.Request {
    let encoded = try #require(answer.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
    return HTTPTransport.Request(url: try #require(URL(string: server.url + "/raw?answer=" + encoded)))
  }
}
