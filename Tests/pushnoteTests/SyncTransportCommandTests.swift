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
