import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// A notebook in a real git repository, a fake Etherpad on loopback, and helpers to look at both.
final class SyncHarness: Sendable {
  let folder: TemporaryDirectory
  let notebook: Notebook
  let server: FakeEtherpad
  let url: String
  let padID = "mkt-2026-12-01"
  let notePath: String
  let key = "k3y-\(UUID().uuidString)"

  static let note = """
    # Marketplace push 2026-12-01

    - Release manager: ddurst

    ## Monday

    - [ ] tag zamboni
    - [ ] tag fireplace

    ## Friday

    - [ ] verify stage
    - [ ] mail the list

    """

  init(
    note: String = SyncHarness.note, localOnly: [String] = [], auth: FakeEtherpad.Auth? = nil, gitRemote: String? = nil
  ) async throws {
    folder = try TemporaryDirectory(prefix: "pushnote-sync")
    var config = NotebookConfig()
    config.pad.localOnly = localOnly
    config.gitRemote = gitRemote
    notebook = Notebook(root: folder.path, config: config)
    server = FakeEtherpad(auth: auth ?? .apiKey(key))
    url = try await server.start()
    // Tests never talk to anything but loopback.
    #expect(url.hasPrefix("http://127.0.0.1:"))
    notePath = folder.appending("2026/mkt-2026-12-01.md")
    try FileManager.default.createDirectory(atPath: folder.appending("2026"), withIntermediateDirectories: true)
    try write(note)
    for arguments in [["init", "-q", "-b", "main"], ["config", "user.name", "Test"], ["config", "user.email", "t@example.org"]] {
      try await git(arguments)
    }
    try await git(["add", "-A"])
    try await git(["commit", "-qm", "new note"])
  }

  deinit {
    let server = server
    Task { await server.stop() }
  }

  /// Runs git (off the cooperative pool, which the in-process server needs meanwhile).
  @discardableResult
  func git(_ arguments: [String]) async throws -> String {
    let result = try await ProcessRunner.run("git", arguments, workingDirectory: folder.path)
    if result.status != 0 { throw SyncError.git(result.stderr, status: .dataError) }
    return result.stdout
  }

  func write(_ text: String) throws { try writeBytes(Array(text.utf8)) }
  func writeBytes(_ bytes: [UInt8]) throws { try Data(bytes).write(to: URL(fileURLWithPath: notePath)) }
  func file() -> String { (try? String(contentsOfFile: notePath, encoding: .utf8)) ?? "" }
  func fileBytes() -> [UInt8] { [UInt8](FileManager.default.contents(atPath: notePath) ?? Data()) }
  /// The recorded base's text (nil when there is none or it fails its check).
  func base() -> String? {
    let store = SyncStore(root: folder.path, padID: padID)
    guard case .text(let text) = store.loadBase(state: store.loadState()) else { return nil }
    return text
  }
  func commits() async throws -> Int {
    Int(try await git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
  }
  func padText() async -> String? { await server.pads[padID]?.text }
  func padRevision() async -> Int { (await server.pads[padID]?.revisions.count ?? 0) - 1 }
  func isClean() async throws -> Bool { try await git(["status", "--porcelain"]).isEmpty }

  func client(
    credentials: PadCredentials? = nil, timeout: Double = 30, attempts: Int = 3, tokenCache: PadTokenCache? = nil
  ) throws(SyncError) -> EtherpadClient {
    var options = EtherpadClient.Options()
    options.timeout = timeout
    options.attempts = attempts
    options.backoff = 0.01
    return try EtherpadClient(server: url, credentials: credentials ?? .apiKey(key), options: options, tokenCache: tokenCache)
  }

  /// One sync, as the command runs it.
  func sync(
    _ configure: (inout SyncEngine.Options) -> Void = { _ in }, credentials: PadCredentials? = nil, timeout: Double = 30,
    attempts: Int = 3, tokenCache: PadTokenCache? = nil, checkpoint: @escaping @Sendable (String) -> Void = { _ in }
  ) async throws(SyncError) -> SyncReport {
    var options = SyncEngine.Options()
    configure(&options)
    let client = try client(credentials: credentials, timeout: timeout, attempts: attempts, tokenCache: tokenCache)
    let engine = SyncEngine(notebook: notebook, notePath: notePath, client: client, options: options, checkpoint: checkpoint)
    return try await engine.run()
  }

  /// Runs a sync that must fail, and returns its error.
  func failingSync(
    _ configure: (inout SyncEngine.Options) -> Void = { _ in }, credentials: PadCredentials? = nil, timeout: Double = 30,
    attempts: Int = 3, tokenCache: PadTokenCache? = nil
  ) async -> SyncError? {
    do {
      _ = try await sync(configure, credentials: credentials, timeout: timeout, attempts: attempts, tokenCache: tokenCache)
      return nil
    } catch {
      return error
    }
  }

  /// First sync: creates the pad from the file; file, pad and base agree afterwards.
  func establish(timeout: Double = 30) async throws {
    let report = try await sync(timeout: timeout)
    #expect(report.outcome == .synced)
    #expect(await padText() == file())
  }

  /// Replaces the first occurrence of `old` in the file.
  func editFile(_ old: String, _ new: String) throws {
    try write(file().replacingOccurrences(of: old, with: new, options: [], range: file().range(of: old)))
  }

  /// A colleague replaces the first occurrence of `old` on the pad.
  func editPad(_ old: String, _ new: String) async {
    guard let text = await padText(), let range = text.range(of: old) else { return }
    await server.colleagueSets(padID, text.replacingCharacters(in: range, with: new))
  }
}
