import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// Which transport `pushnote sync` uses: `auto` writes over the pad's socket, and falls back to
/// the HTTP API with one line on stderr where the server refuses the socket.
@Suite struct SyncTransportCommandTests {
  @Test func autoWritesChangesetsOverTheSocket() async throws {
    let setup = try await SyncCommandTests.Setup(transport: .auto)
    let cache = try TemporaryDirectory(prefix: "pushnote-transport-cache")
    let result = try await setup.sync(["PUSHNOTE_CACHE_DIR": cache.path])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.isEmpty)
    #expect(await setup.pad() == setup.file())
    #expect(await setup.server.count("setText") == 0)
    #expect(await setup.server.socketMessages.filter { $0 == "USER_CHANGES" }.count == 1)
  }

  /// The socket's author token is made (and cached) when the socket is first needed: a sync with
  /// nothing to do makes its one request and neither reads nor writes the token cache.
  @Test func aSyncWithNothingToDoMakesNoAuthorToken() async throws {
    let setup = try await SyncCommandTests.Setup(transport: .auto)
    let first = try TemporaryDirectory(prefix: "pushnote-transport-cache")
    #expect(try await setup.sync(["PUSHNOTE_CACHE_DIR": first.path]).status == 0)
    #expect(try FileManager.default.contentsOfDirectory(atPath: first.path).count == 1)
    let fresh = try TemporaryDirectory(prefix: "pushnote-transport-cache")
    let tokens = fresh.appending("tokens")
    let idle = try await setup.sync(["PUSHNOTE_CACHE_DIR": tokens], arguments: ["--json"])
    #expect(idle.status == 0 && idle.stdout.contains("\"requests\" : 1"), "\(idle.stdout)\(idle.stderr)")
    #expect(!FileManager.default.fileExists(atPath: tokens))
    try setup.file().replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni").write(
      toFile: setup.notePath, atomically: true, encoding: .utf8)
    let edited = try await setup.sync(["PUSHNOTE_CACHE_DIR": tokens])
    #expect(edited.status == 0, "\(edited.stderr)")
    #expect(await setup.pad() == setup.file())
    #expect(try FileManager.default.contentsOfDirectory(atPath: tokens).count == 1)
  }

  @Test func autoFallsBackToTheAPIWithOneLineWhenTheSocketIsRefused() async throws {
    let setup = try await SyncCommandTests.Setup(transport: .auto)
    await setup.server.refuseSockets()
    let cache = try TemporaryDirectory(prefix: "pushnote-transport-cache")
    let result = try await setup.sync(["PUSHNOTE_CACHE_DIR": cache.path])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1 && lines[0].contains("using the HTTP API (setText) for this sync"), "\(result.stderr)")
    #expect(!result.stderr.contains("cli-key"))
    #expect(await setup.pad() == setup.file())
    #expect(await setup.server.count("setText") == 1)
  }

  @Test func realtimeDoesNotFallBack() async throws {
    let setup = try await SyncCommandTests.Setup(transport: .realtime)
    await setup.server.refuseSockets()
    let cache = try TemporaryDirectory(prefix: "pushnote-transport-cache")
    let result = try await setup.sync(["PUSHNOTE_CACHE_DIR": cache.path])
    #expect(result.status == 69, "\(result.stderr)")
    #expect(result.stderr.contains("realtime socket"))
    #expect(await setup.server.count("setText") == 0)
    #expect(setup.file() == SyncCommandTests.note)
  }
}
