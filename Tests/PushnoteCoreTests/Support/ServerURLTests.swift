import PushnoteCore
import Testing

/// Server addresses named in messages never show credentials; plain http only to loopback.
@Suite struct ServerURLTests {
  @Test(arguments: [
    ("http://user:pass@pad.example.org/", "http://***@pad.example.org/"),
    ("https://pad.example.org/?apikey=s3cret&x=1", "https://pad.example.org/?apikey=***&x=***"),
    ("https://rm:s3cret@pad.example.org:9001/p?apikey=s3cret#s3cret", "https://***@pad.example.org:9001/p?apikey=***#***"),
    ("pad.example.org?apikey=s3cret", "pad.example.org?apikey=***"),
    ("ht!tp://u:s3cret@x y/?s3cret", "ht!tp://***@x y/?***"),
    ("https://pad.example.org/p/mkt-2026-12-01", "https://pad.example.org/p/mkt-2026-12-01"),
  ])
  func credentialsAreMasked(text: String, expected: String) {
    #expect(ServerURL.masked(text) == expected)
    #expect(!ServerURL.masked(text).contains("s3cret"))
  }

  @Test func loopbackIsOnlyThisMachine() {
    for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"] { #expect(ServerURL.isLoopback(host), "\(host)") }
    for host in ["127.0.0.1.example.org", "10.0.0.1", "example.org", "128.0.0.1", "127.0.0.256", "::2", ""] {
      #expect(!ServerURL.isLoopback(host), "\(host)")
    }
  }
}

/// `PUSHNOTE_PAD_URL` with credentials in it: the pad client's refusal names it masked.
@Suite struct PadServerURLMaskingTests {
  @Test(arguments: ["http://rm:s3cret@pad.example.org", "https://pad.example.org/?apikey=s3cret", "ftp://rm:s3cret@pad/?apikey=s3cret"])
  func thePadClientsRefusalNeverEchoesCredentials(server: String) {
    let error = #expect(throws: SyncError.self) { _ = try EtherpadClient(server: server, credentials: nil) }
    #expect(error?.description.contains("s3cret") == false, "\(String(describing: error))")
    #expect(error?.description.contains("pad") == true)
  }
}
