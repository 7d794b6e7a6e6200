import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Requests through an HTTP proxy named in the environment, as curl (and so URLSession on
/// Linux) sent them; the proxy is Python's `http.server` as a forward proxy on the loopback.
///
/// Serialized: each test starts its own Python server, and thirty starting at once on two cores
/// would starve the in-process fake servers of the suites running beside.
@Suite(.serialized) struct HTTPProxyTests {
  @Test func httpsGoesThroughOneTunnelThatCarriesOnlyTheProxysCredentialsInTheClear() async throws {
    let folder = try TemporaryDirectory()
    let certificate = try await TestCertificate(in: folder)
    let origin = try await HTTPTestServer(certificate: certificate)
    let proxy = try await HTTPTestServer()
    let environment = ["https_proxy": "http://proxy%20user:pa%3Ass@127.0.0.1:\(proxy.port)", "no_proxy": ""]
    let transport = HTTPTransport(timeout: 10, caFile: certificate.certificate, environment: environment)
    var request = HTTPTransport.Request(url: try #require(URL(string: origin.url + "/echo")))
    request.setValue("Bearer secret", forHTTPHeaderField: "Authorization")
    #expect(try await transport.send(request).status == 200)
    #expect(try await transport.send(request).status == 200)
    let seen = proxy.requests()
    #expect(seen.map(\.method) == ["CONNECT"])
    #expect(seen.first?.path == "127.0.0.1:\(origin.port)")
    #expect(seen.first?.headers["proxy-authorization"] == "Basic " + Data("proxy user:pa:ss".utf8).base64EncodedString())
    #expect(seen.first?.headers["authorization"] == nil)
    let arrived = origin.requests()
    #expect(arrived.count == 2)
    #expect(arrived.allSatisfy { $0.headers["authorization"] == "Bearer secret" && $0.headers["proxy-authorization"] == nil })
  }

  @Test func httpGoesToTheProxyInAbsoluteForm() async throws {
    let origin = try await HTTPTestServer()
    let proxy = try await HTTPTestServer()
    let transport = HTTPTransport(timeout: 10, environment: ["http_proxy": "127.0.0.1:\(proxy.port)", "no_proxy": ""])
    let response = try await transport.send(HTTPTransport.Request(url: try #require(URL(string: origin.url + "/echo?x=1"))))
    #expect(response.status == 200)
    #expect(proxy.requests().map(\.path) == ["http://127.0.0.1:\(origin.port)/echo?x=1"])
    #expect(origin.requests().map(\.path) == ["/echo?x=1"])
  }

  @Test func loopbackAndTheHostsNoProxyNamesGoDirect() async throws {
    let origin = try await HTTPTestServer()
    let proxy = try await HTTPTestServer()
    let variable = "http://127.0.0.1:\(proxy.port)"
    for environment in [["http_proxy": variable], ["http_proxy": variable, "no_proxy": "example.org, 127.0.0.1"]] {
      let transport = HTTPTransport(timeout: 10, environment: environment)
      #expect(try await transport.send(HTTPTransport.Request(url: try #require(URL(string: origin.url + "/echo")))).status == 200)
    }
    #expect(proxy.requests().isEmpty)
    #expect(origin.requests().count == 2)
  }

  @Test func aTunnelTheProxyCannotOpenIsARefusedConnection() async throws {
    let proxy = try await HTTPTestServer()
    let closedPort = try ClosedLoopbackPort()
    let closed = closedPort.port
    let transport = HTTPTransport(timeout: 10, environment: ["https_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": ""])
    let request = HTTPTransport.Request(url: try #require(URL(string: "https://127.0.0.1:\(closed)/")))
    let failure = await HTTPTransportTests.failure(of: request, on: transport)
    guard case .connection(.cannotConnect(_, closed, let reason)) = failure else {
      Issue.record("not refused: \(String(describing: failure))")
      return
    }
    #expect(reason.contains("HTTP 502"), "\(reason)")
    withExtendedLifetime(closedPort) {}
  }

  @Test func aProxyThatIsNotHTTPIsNamedWithoutItsPassword() async throws {
    let transport = HTTPTransport(timeout: 10, environment: ["https_proxy": "socks5://user:hunter2@proxy.example:1080", "no_proxy": ""])
    let request = HTTPTransport.Request(url: try #require(URL(string: "https://pad.example/")))
    let failure = await HTTPTransportTests.failure(of: request, on: transport)
    guard case .invalidRequest(let detail) = failure else {
      Issue.record("not refused: \(String(describing: failure))")
      return
    }
    #expect(detail.contains("https_proxy") && !detail.contains("hunter2"), "\(detail)")
  }

  @Test(arguments: [
    ("pad.example.org", "example.org", true), ("pad.example.org", ".example.org", true), ("example.org", "example.org:8080", true),
    ("badexample.org", "example.org", false), ("pad.example.org", "other.org, *", true), ("::1", "[::1]", true),
    ("pad.example.org", "", false),
  ])
  func noProxyNamesAHostAndItsSubdomains(host: String, list: String, bypassed: Bool) {
    #expect(HTTPProxy.bypasses(list, host) == bypassed)
  }
}
