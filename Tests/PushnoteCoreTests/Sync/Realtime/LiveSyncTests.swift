import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// `sync --watch` on the pad's socket (``LiveSync``), against the fake realtime Etherpad.
///
/// Scripted browsers type. The safety-net interval is an hour: whatever reaches the file or
/// the pad got there through the socket or the file watcher, not by polling.
@Suite(.serialized) struct LiveSyncTests {
  /// A live watch running in a task until ``finish()``.
  final class Watch: Sendable {
    /// The stop flag the test sets and the events the watch told.
    private final class State: @unchecked Sendable {
      private let lock = NSLock()
      private var stop = false
      private var events: [String] = []
      var stopRequested: Bool { lock.withLock { stop } }
      var told: [String] { lock.withLock { events } }
      func requestStop() { lock.withLock { stop = true } }
      func tell(_ line: String) { lock.withLock { events.append(line) } }
    }
    private let state = State()
    private let task: Task<SyncError?, Never>
    let token: String

    init(
      _ harness: SyncHarness, token: String = RealtimePadConnection.Identity.makeToken(), watching: FileWatcher.Method? = nil
    ) throws {
      self.token = token
      let state = state
      let server = try #require(URL(string: harness.url))
      task = Task {
        let transport = RealtimePadTransport(
          server: server, mode: .realtime, identity: .init(token: token, name: "ddurst"), timeout: 20)
        var options = LiveSync.Options()
        options.interval = 3600
        options.backoffCap = 1
        let live = LiveSync(
          notePath: harness.notePath, padID: harness.padID, transport: transport, options: options, watching: watching
        ) { () throws(SyncError) -> SyncEngine in
          SyncEngine(notebook: harness.notebook, notePath: harness.notePath, client: try harness.client())
        }
        do throws(SyncError) {
          try await live.run(until: { state.stopRequested }) { event in
            let line: String
            switch event {
            case .synced(let report): line = "synced \(report.summary)"
            case .notice(let notice): line = "notice \(notice)"
            case .retrying(let error, _): line = "retrying \(error)"
            }
            state.tell(line)
          }
          return nil
        } catch {
          return error
        }
      }
    }

    /// What the watch told, in order.
    var events: [String] { state.told }

    /// Stops the watch; its error, if it ended by itself with one.
    func finish() async -> SyncError? {
      state.requestStop()
      return await task.value
    }

    /// The error the watch ended with by itself (waits for it to end).
    func ended() async -> SyncError? { await task.value }
  }

  /// Whether `condition` came true within a generous deadline (what is waited for, not how fast).
  static func eventually(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if await condition() { return true }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return await condition()
  }

  /// Saves the note as an editor does: a new file renamed over the old one.
  static func save(_ harness: SyncHarness, _ edit: (String) -> String) throws {
    let text = edit(harness.file())
    let temporary = harness.notePath + ".editor~"
    try text.write(toFile: temporary, atomically: false, encoding: .utf8)
    guard rename(temporary, harness.notePath) == 0 else { throw SyncError.fileSystem(path: temporary, message: "rename failed") }
  }

  /// The watch has made the pad and the file one (its first round).
  static func started(_ harness: SyncHarness, _ watch: Watch) async -> Bool {
    await eventually {
      let pad = await harness.padText(), sockets = await harness.server.socketCount
      return pad == harness.file() && harness.base() == pad && sockets >= 1
    }
  }

  @Test func aColleaguesTickReachesTheFileCommittedWithItsBase() async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    let commitsBefore = try await harness.commits()
    let colleague = try await FakeBrowser(baseURL: harness.url, padID: harness.padID, name: "krupa")
    try await colleague.type { $0.replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage") }
    #expect(await Self.eventually { harness.file().contains("- [x] verify stage\n") })
    #expect(await Self.eventually { harness.base()?.contains("- [x] verify stage\n") == true })
    #expect(await Self.eventually { (try? await harness.commits()) == commitsBefore + 1 })
    #expect(await watch.finish() == nil)
    let status = try await harness.git(["status", "--porcelain"])
    #expect(status.isEmpty, "\(status)")
    #expect(watch.events.contains { $0.hasPrefix("synced") && $0.contains("from the pad") })
    #expect(await harness.server.count("setText") == 0)
    await colleague.close()
  }

  @Test func aBurstOfRevisionsMakesFewFileWrites() async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    let commitsBefore = try await harness.commits()
    // Ten revisions back to back (each a NEW_CHANGES on the watch's socket), a word letter by letter.
    var text = try #require(await harness.padText())
    for letter in "deployment" {
      text = text.replacingOccurrences(of: "- [ ] mail the list", with: "- [ ] mail the list" + String(letter))
      await harness.server.colleagueSets(harness.padID, text)
    }
    #expect(await Self.eventually { harness.file().contains("- [ ] mail the listtnemyolped\n") })
    #expect(await watch.finish() == nil)
    // Each round that brought something made one write and one commit: far fewer than revisions.
    let rounds = try await harness.commits() - commitsBefore
    #expect(rounds >= 1 && rounds < 10, "\(watch.events)")
  }

  @Test(arguments: [FileWatcher.Method.inotify, .polling])
  func aLocalSaveReachesThePadAndTheOtherBrowsers(watching: FileWatcher.Method) async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness, watching: watching)
    #expect(await Self.started(harness, watch))
    let colleague = try await FakeBrowser(baseURL: harness.url, padID: harness.padID, name: "krupa")
    try Self.save(harness) { $0.replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni") }
    #expect(await Self.eventually { await harness.padText()?.contains("- [x] tag zamboni\n") == true })
    #expect(await Self.eventually { (try? await colleague.text())?.contains("- [x] tag zamboni\n") == true })
    #expect(await Self.eventually { harness.base()?.contains("- [x] tag zamboni\n") == true })
    #expect(await watch.finish() == nil)
    #expect(await harness.server.count("setText") == 0)
    // The tick is the release manager's on the pad; the rest of the line keeps its author.
    let me = await harness.server.authorID(forToken: watch.token)
    let pad = try #require(await harness.padText())
    let at = try #require(pad.utf16.firstIndex(of: UInt16(UInt8(ascii: "x"))))
    #expect(try await harness.server.authors(of: harness.padID)[pad.utf16.distance(from: pad.utf16.startIndex, to: at)] == me)
    await colleague.close()
  }

  @Test func editsOnBothSidesAtOnceAreAllKept() async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    let colleague = try await FakeBrowser(baseURL: harness.url, padID: harness.padID, name: "krupa")
    // The same line from both sides (the same tick), and different lines, in the same moment.
    try await colleague.type {
      $0.replacingOccurrences(of: "- [ ] tag fireplace", with: "- [x] tag fireplace")
        .replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage")
    }
    try Self.save(harness) {
      $0.replacingOccurrences(of: "- [ ] tag fireplace", with: "- [x] tag fireplace")
        .replacingOccurrences(of: "## Friday\n", with: "## Friday\n- [ ] rollback plan\n")
    }
    try await colleague.type { $0.replacingOccurrences(of: "## Monday\n", with: "## Monday\n- [ ] ask QA\n") }
    let expected = ["- [x] tag fireplace\n", "- [x] verify stage\n", "- [ ] rollback plan\n", "- [ ] ask QA\n"]
    #expect(
      await Self.eventually {
        let file = harness.file(), pad = await harness.padText()
        return pad == file && expected.allSatisfy { file.contains($0) }
      })
    #expect(await watch.finish() == nil)
    let file = harness.file()
    for line in expected { #expect(file.components(separatedBy: line).count == 2, "\(line) once in \(file)") }
    #expect(!file.contains("<<<<<<<"))
    #expect(harness.base() == file)
    await colleague.close()
  }

  @Test func aDroppedSocketIsReopenedAndCaughtUpWithOneCopyOfEachChange() async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    // The server drops the socket right after storing the watch's commit: no ACCEPT_COMMIT.
    await harness.server.dropConnectionAfterNextCommit()
    try Self.save(harness) { $0.replacingOccurrences(of: "## Friday\n", with: "## Friday\n- [ ] rollback plan\n") }
    #expect(await Self.eventually { await harness.padText()?.contains("rollback plan") == true })
    // While the watch is away, a colleague types on a socket of their own.
    await harness.server.dropAllSockets()
    let colleague = try await FakeBrowser(baseURL: harness.url, padID: harness.padID, name: "krupa")
    try await colleague.type { $0.replacingOccurrences(of: "- [ ] mail the list", with: "- [x] mail the list") }
    #expect(
      await Self.eventually {
        let file = harness.file(), pad = await harness.padText()
        return file.contains("- [x] mail the list\n") && pad == file && harness.base() == file
      })
    // And the watch is live again: the next tick arrives through its new socket.
    try await colleague.type { $0.replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni") }
    #expect(await Self.eventually { harness.file().contains("- [x] tag zamboni\n") })
    #expect(await watch.finish() == nil)
    let file = harness.file()
    #expect(file.components(separatedBy: "rollback plan").count == 2)
    #expect(file.components(separatedBy: "mail the list").count == 2)
    #expect(await harness.padText() == file)
    #expect(watch.events.contains { $0.hasPrefix("retrying") })
    await colleague.close()
  }

  @Test func editsMadeWhileThePadServerIsDownGoOutWhenItIsBack() async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    try await harness.server.goDown()
    #expect(await Self.eventually { watch.events.contains { $0.hasPrefix("retrying") } })
    try Self.save(harness) { $0.replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni") }
    try Self.save(harness) { $0.replacingOccurrences(of: "## Friday\n", with: "## Friday\n- [ ] offline note\n") }
    // The file keeps the edits while the pad is away.
    try await Task.sleep(for: .milliseconds(500))
    #expect(harness.file().contains("- [ ] offline note\n") && harness.file().contains("- [x] tag zamboni\n"))
    try await harness.server.comeBack()
    #expect(
      await Self.eventually {
        let pad = await harness.padText() ?? ""
        return pad.contains("- [ ] offline note\n") && pad.contains("- [x] tag zamboni\n") && pad == harness.file()
      })
    #expect(await watch.finish() == nil)
    #expect(harness.base() == harness.file())
  }

  @Test func rateLimitedIsBackedOffAndTheWatchGoesOn() async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    await harness.server.disconnectSockets(of: harness.padID, reason: "rateLimited")
    #expect(await Self.eventually { watch.events.contains { $0.hasPrefix("retrying") && $0.contains("rate-limited") } })
    let ticked = harness.file().replacingOccurrences(of: "- [ ] tag zamboni", with: "- [x] tag zamboni")
    await harness.server.colleagueSets(harness.padID, ticked)
    #expect(await Self.eventually { harness.file().contains("- [x] tag zamboni\n") })
    #expect(await watch.finish() == nil)
  }

  @Test(arguments: [
    ("deleted", RealtimeError.deleted(padID: "mkt-2026-12-01"), PushnoteCore.ExitStatus.unavailable),
    ("userdup", .duplicateAuthor(padID: "mkt-2026-12-01"), .temporaryFailure),
    ("corruptPad", .disconnected(padID: "mkt-2026-12-01", reason: "corruptPad"), .unavailable),
  ])
  func aDisconnectReasonEndsTheWatchWithItsError(
    reason: String, error expected: RealtimeError, status: PushnoteCore.ExitStatus
  ) async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    await harness.server.disconnectSockets(of: harness.padID, reason: reason)
    let error = await watch.ended()
    #expect(error == .realtime(expected))
    #expect(error?.exitStatus == status)
  }

  @Test func aRefusedChangeEndsTheWatchAndTheSaveStaysInTheFile() async throws {
    let harness = try await SyncHarness()
    let watch = try Watch(harness)
    #expect(await Self.started(harness, watch))
    let padBefore = await harness.padText()
    await harness.server.failNextCommit(with: "badChangeset")
    try Self.save(harness) { $0.replacingOccurrences(of: "## Friday\n", with: "## Friday\n- [ ] kept locally\n") }
    #expect(await watch.ended() == .realtime(.badChangeset(padID: harness.padID)))
    #expect(harness.file().contains("- [ ] kept locally\n"))
    #expect(await harness.padText() == padBefore)
  }

  @Test func theBackoffDoublesUpToItsCapWithJitter() throws {
    let nowhere = try #require(URL(string: "http://127.0.0.1:9"))
    var options = LiveSync.Options()
    options.firstBackoff = 0.5
    options.backoffCap = 4
    let live = LiveSync(
      notePath: "/nonexistent/mkt-2026-12-01.md", padID: "p",
      transport: RealtimePadTransport(server: nowhere, mode: .realtime, identity: .init(token: "t.x")),
      options: options
    ) { () throws(SyncError) -> SyncEngine in throw .configuration("unused") }
    for (failures, full) in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)] {
      let waits = (0..<50).map { _ in live.backoff(after: failures) }
      #expect(waits.allSatisfy { $0 >= full / 2 && $0 <= full }, "\(failures): \(waits)")
      #expect(Set(waits).count > 1, "jitter at \(failures)")
    }
    #expect(LiveSync.isTemporary(.realtime(.rateLimited(padID: "p"))))
    #expect(LiveSync.isTemporary(.realtime(.socket(.closed(code: nil, reason: "")))))
    #expect(LiveSync.isTemporary(.unreachable(server: "s", function: "f", cause: "c")))
    #expect(!LiveSync.isTemporary(.realtime(.duplicateAuthor(padID: "p"))))
    #expect(!LiveSync.isTemporary(.realtime(.accessDenied(padID: "p"))))
  }
}

/// ``FileWatcher``: a save is noticed however the editor makes it.
@Suite struct FileWatcherTests {
  @Test(arguments: [FileWatcher.Method.inotify, .polling])
  func savesByRenameAndInPlaceAreNoticedAndOtherFilesAreNot(method: FileWatcher.Method) throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-watch")
    let path = folder.appending("note.md")
    try "one\n".write(toFile: path, atomically: false, encoding: .utf8)
    let watcher = FileWatcher(path: path, method: method)
    #expect(watcher.method == method)
    #expect(!watcher.changed())
    try "other\n".write(toFile: folder.appending("other.md"), atomically: false, encoding: .utf8)
    #expect(!watcher.changed())
    // An editor's save: a new file renamed over the note (a new inode).
    try "two, longer\n".write(toFile: folder.appending(".note.md.swp"), atomically: false, encoding: .utf8)
    #expect(rename(folder.appending(".note.md.swp"), path) == 0)
    #expect(watcher.changed())
    #expect(!watcher.changed())
    // Written in place, to another length.
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.write(contentsOf: Data("three, longer still\n".utf8))
    try handle.close()
    #expect(watcher.changed())
  }
}
