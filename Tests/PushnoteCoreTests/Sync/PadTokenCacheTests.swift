import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// OAuth tokens cached between runs: a no-op sync makes one request; stale tokens are replaced;
/// the file is private and never holds the secret.
@Suite struct PadTokenCacheTests {
  static let clientID = "pushnote"

  /// A harness with an OAuth server, its credentials, and a cache in a temporary folder of its own.
  struct OAuthSetup {
    let harness: SyncHarness
    let cacheFolder: TemporaryDirectory
    let cache: PadTokenCache
    let secret = "s3cret-\(UUID().uuidString)"
    var credentials: PadCredentials { .clientCredentials(id: PadTokenCacheTests.clientID, secret: secret) }
    var path: String { cache.path(server: harness.url, clientID: PadTokenCacheTests.clientID, secret: secret) }

    init() async throws {
      let secret = self.secret
      harness = try await SyncHarness(auth: .clientCredentials(id: PadTokenCacheTests.clientID, secret: secret))
      cacheFolder = try TemporaryDirectory(prefix: "pushnote-cache")
      cache = PadTokenCache(directory: cacheFolder.appending("pushnote"))
    }

    func sync() async throws -> SyncReport { try await harness.sync(credentials: credentials, tokenCache: cache) }
    func cachedToken() -> String? { cache.token(server: harness.url, clientID: PadTokenCacheTests.clientID, secret: secret) }
  }

  static func mode(_ path: String) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  @Test func aSecondNoOpSyncMakesOneRequestAndTheFileIsPrivateWithoutTheSecret() async throws {
    let setup = try await OAuthSetup()
    #expect(try await setup.sync().outcome == .synced)
    #expect(await setup.harness.server.count("token") == 1)
    let noOp = try await setup.sync()
    #expect(noOp.outcome == .unchanged)
    #expect(noOp.requests == 1)
    #expect(await setup.harness.server.count("token") == 1)
    #expect(try Self.mode(setup.path) == 0o600)
    #expect(try Self.mode(setup.cache.directory) == 0o700)
    let content = try String(contentsOfFile: setup.path, encoding: .utf8)
    #expect(!content.contains(setup.secret))
    #expect(content.contains(try #require(setup.cachedToken())))
    #expect(!setup.path.hasPrefix(setup.harness.folder.path))
  }

  @Test func aRevokedCachedTokenIsReplacedAfterOne401() async throws {
    let setup = try await OAuthSetup()
    _ = try await setup.sync()
    let old = try #require(setup.cachedToken())
    await setup.harness.server.restart()  // the server forgets every token
    await setup.harness.server.resetCalls()
    let report = try await setup.sync()
    #expect(report.outcome == .unchanged)
    #expect(await setup.harness.server.calls == ["getRevisionsCount", "token", "getRevisionsCount"])
    let new = try #require(setup.cachedToken())
    #expect(new != old)
    #expect(try await setup.sync().requests == 1)
    #expect(try Self.mode(setup.path) == 0o600)
  }

  @Test func anExpiredCachedTokenIsNotSentAndIsReplaced() async throws {
    let setup = try await OAuthSetup()
    _ = try await setup.sync()
    setup.cache.store(
      "expired-token", server: setup.harness.url, clientID: Self.clientID, secret: setup.secret, expiresAt: Date(timeIntervalSinceNow: -5))
    #expect(setup.cachedToken() == nil)
    await setup.harness.server.resetCalls()
    #expect(try await setup.sync().outcome == .unchanged)
    #expect(await setup.harness.server.calls == ["token", "getRevisionsCount"])
    #expect(setup.cachedToken().map { $0 != "expired-token" } == true)
  }

  @Test func rejectedCredentialsLeaveNoToken() async throws {
    let setup = try await OAuthSetup()
    _ = try await setup.sync()
    await setup.harness.server.restart()
    let wrong = PadCredentials.clientCredentials(id: Self.clientID, secret: "nope")
    let error = await setup.harness.failingSync(credentials: wrong, tokenCache: setup.cache)
    #expect(error?.exitStatus == .permission)
    #expect(setup.cache.token(server: setup.harness.url, clientID: Self.clientID, secret: "nope") == nil)
    #expect(!FileManager.default.fileExists(atPath: setup.cache.path(server: setup.harness.url, clientID: Self.clientID, secret: "nope")))
  }

  @Test func aChangedSecretIsNotHiddenByATokenCachedForTheOldOne() async throws {
    let setup = try await OAuthSetup()
    _ = try await setup.sync()
    #expect(setup.cachedToken() != nil)
    await setup.harness.server.resetCalls()
    // The server still honours the cached token; only the secret changed (rotated, or mistyped).
    let wrong = PadCredentials.clientCredentials(id: Self.clientID, secret: "rotated-\(UUID().uuidString)")
    let error = await setup.harness.failingSync(credentials: wrong, tokenCache: setup.cache)
    #expect(error?.exitStatus == .permission, "\(String(describing: error))")
    #expect(await setup.harness.server.calls.first == "token", "the wrong secret is tried, not the cached token")
    #expect(setup.cachedToken() != nil, "the right secret's token stays")
    let content = try String(contentsOfFile: setup.path, encoding: .utf8)
    #expect(!content.contains(setup.secret))
    #expect(content.contains(PadTokenCache.secretFingerprint(server: setup.harness.url, clientID: Self.clientID, secret: setup.secret)))
    #expect(try await setup.sync().requests == 1)
  }

  @Test func aFileOthersCanReadIsIgnored() async throws {
    let setup = try await OAuthSetup()
    _ = try await setup.sync()
    #expect(chmod(setup.path, 0o644) == 0)
    #expect(setup.cachedToken() == nil)
  }

  @Test func theFolderComesFromTheEnvironmentAndNeverLiesInTheNotebook() throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-cache-env")
    let notebook = folder.appending("notebook")
    let home = folder.appending("home")
    func directory(_ environment: [String: String]) -> String? {
      PadTokenCache.standard(environment: environment, notebookRoot: notebook)?.directory
    }
    #expect(directory(["PUSHNOTE_CACHE_DIR": folder.appending("c"), "HOME": home]) == folder.appending("c"))
    #expect(directory(["XDG_CACHE_HOME": folder.appending("xdg"), "HOME": home]) == folder.appending("xdg/pushnote"))
    #expect(directory(["HOME": home]) == folder.appending("home/.cache/pushnote"))
    #expect(directory(["HOME": notebook]) == nil)
    #expect(directory(["PUSHNOTE_CACHE_DIR": notebook + "/tokens"]) == nil)
    #expect(directory([:]) == nil)
  }
}
