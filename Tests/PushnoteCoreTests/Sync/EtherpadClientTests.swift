import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The client's encoding, its refusal to leak credentials, and where credentials may come from.
@Suite struct EtherpadClientTests {
  @Test func formValuesArePercentEncodedPlusIncluded() {
    #expect(
      EtherpadClient.formEncode(["text": "a+b c\n\u{E9}&=", "padID": "mkt-2026-12-01"])
        == "padID=mkt-2026-12-01&text=a%2Bb%20c%0A%C3%A9%26%3D")
  }

  @Test func textWithPlusAndUnicodeSurvivesTheServer() async throws {
    let server = FakeEtherpad(auth: .apiKey("k"))
    let url = try await server.start()
    let client = try EtherpadClient(server: url + "/", credentials: .apiKey("k"))
    let named = String(url.dropFirst("http://".count))
    try await client.createPad("p")
    try await client.setText("p", "1+1=2 \u{1F680} caf\u{E9}\ttab\r\n")
    #expect(try await client.text("p") == "1+1=2 \u{1F680} caf\u{E9}        tab\n")
    #expect(try await client.revisionsCount("p") == 1)
    await #expect(throws: SyncError.rejected(server: named, function: "createPad", message: "padID does already exist")) {
      try await client.createPad("p")
    }
    await #expect(throws: SyncError.padMissing(server: named)) { try await client.text("missing") }
    #expect(await server.calls.first == "api")
    await server.stop()
  }

  @Test func plainHTTPToARemoteHostIsRefusedWithCredentials() {
    #expect(throws: SyncError.self) { try EtherpadClient(server: "http://pads.example.org", credentials: .apiKey("k")) }
    #expect(throws: SyncError.self) { try EtherpadClient(server: "https://user:pw@pads.example.org", credentials: nil) }
    #expect(throws: Never.self) {
      try EtherpadClient(server: "http://pads.example.org", credentials: .apiKey("k"), allowInsecureHTTP: true)
    }
  }

  @Test func credentialsComeFromTheEnvironmentOrAPrivateFileOutsideTheNotebook() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-credentials")
    let notebook = folder.appending("notebook")
    try FileManager.default.createDirectory(atPath: notebook, withIntermediateDirectories: true)
    #expect(try PadCredentials.load(environment: ["PUSHNOTE_PAD_APIKEY": "env"], notebookRoot: notebook) == .apiKey("env"))
    #expect(throws: SyncError.self) { try PadCredentials.load(environment: ["PUSHNOTE_PAD_CLIENT_ID": "id"], notebookRoot: notebook) }
    let file = folder.appending("credentials")
    try "client_id = pushnote\nclient_secret = s3cret\n".write(toFile: file, atomically: true, encoding: .utf8)
    chmod(file, 0o644)
    #expect(throws: SyncError.self) { try PadCredentials.load(environment: ["PUSHNOTE_PAD_CREDENTIALS": file], notebookRoot: notebook) }
    chmod(file, 0o600)
    #expect(
      try PadCredentials.load(environment: ["PUSHNOTE_PAD_CREDENTIALS": file], notebookRoot: notebook)
        == .clientCredentials(id: "pushnote", secret: "s3cret"))
    let inside = (notebook as NSString).appendingPathComponent("credentials")
    try "apikey=x\n".write(toFile: inside, atomically: true, encoding: .utf8)
    chmod(inside, 0o600)
    #expect(throws: SyncError.self) { try PadCredentials.load(environment: ["PUSHNOTE_PAD_CREDENTIALS": inside], notebookRoot: notebook) }
    #expect(try PadCredentials.load(environment: ["HOME": folder.appending("nobody")], notebookRoot: notebook) == nil)
  }
}

/// What a failed exchange with the pad server says: the server with its port, a dropped
/// connection as such, and no "nothing was written" after the file was rewritten.
@Suite struct SyncMessageTests {
  @Test func aTruncatedSetTextAnswerDoesNotClaimNothingWasWritten() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    try harness.editFile("- [ ] tag zamboni", "- [x] tag zamboni LOCAL")
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    await harness.server.inject(.truncate(bytes: 10), into: "setText")
    let error = await harness.failingSync()
    #expect(error?.exitStatus == .temporaryFailure)
    let message = error?.description ?? ""
    #expect(!message.contains("nothing was written"), "\(message)")
    #expect(message.contains("the merged file is kept"), "\(message)")
    // The file was indeed rewritten with the pad's change.
    #expect(harness.file().contains("verify stage PAD"))
    #expect(try await harness.sync().outcome != .conflicts)
    #expect(await harness.padText() == harness.file())
  }

  @Test func aDroppedConnectionIsNotCalledATimeout() async throws {
    let harness = try await SyncHarness()
    try await harness.establish()
    for _ in 0..<3 { await harness.server.inject(.dropConnection, into: "getText") }
    await harness.editPad("- [ ] verify stage", "- [x] verify stage PAD")
    let error = await harness.failingSync(timeout: 30)
    let message = error?.description ?? ""
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(!message.contains("did not answer"), "\(message)")
    #expect(message.contains("dropped"), "\(message)")
  }

  @Test func theServerIsNamedWithItsPort() async throws {
    let harness = try await SyncHarness()
    let port = try #require(harness.url.split(separator: ":").last)
    await harness.server.stop()
    let error = await harness.failingSync()
    #expect(error?.description.contains("127.0.0.1:\(port)") == true, "\(String(describing: error))")
    #expect(error?.description.contains("connection refused") == true, "\(error?.description ?? "")")
  }
}
