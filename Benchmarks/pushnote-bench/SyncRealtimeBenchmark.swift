import ArgumentParser
import Foundation
import PushnoteCore
import PushnoteTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// The realtime transport beside the HTTP API's `setText`, in the same run on the same input:
/// bytes sent for a one-line edit of a 3 KB note, requests and socket messages of a no-op sync,
/// and `sync --watch` latency both ways (the release binary as a process, a scripted browser
/// typing), medians of interleaved rounds.
extension SyncBenchmark {
  /// One notebook with its own fake server, synced through one transport.
  private struct Side {
    let label: String
    let transport: NotebookConfig.PadConfig.Transport
    let folder: TemporaryDirectory
    let server: FakeEtherpad
    let url: String
    let notebook: Notebook
    let path: String
    let padID: String
    let token = RealtimePadConnection.Identity.makeToken()

    init(_ transport: NotebookConfig.PadConfig.Transport, note: String) async throws {
      self.transport = transport
      label = transport == .realtime ? "realtime" : "setText "
      folder = try TemporaryDirectory(prefix: "pushnote-bench-live")
      server = FakeEtherpad(auth: .apiKey("bench-key"))
      url = try await server.start()
      var config = NotebookConfig()
      config.pad.transport = transport
      notebook = Notebook(root: folder.path, config: config)
      let date = PushDate(year: 2026, month: 12, day: 1) ?? PushDate(daysSinceEpoch: 20_788)
      path = notebook.notePath(for: date)
      padID = notebook.padID(for: date)
      try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try note.write(toFile: path, atomically: true, encoding: .utf8)
      try "pad:\n  transport: \(transport.rawValue)\n".write(
        toFile: folder.appending(Notebook.configFileName), atomically: true, encoding: .utf8)
      for arguments in [
        ["init", "-q", "-b", "main"], ["config", "user.name", "Bench"], ["config", "user.email", "b@example.org"],
        ["add", "-A"], ["commit", "-qm", "note"],
      ] {
        _ = try ProcessRunner.runSynchronously("git", arguments, workingDirectory: folder.path)
      }
    }

    /// One sync in process, as the command runs it with this transport.
    func sync() async throws -> SyncReport {
      let client = try EtherpadClient(server: url, credentials: .apiKey("bench-key"))
      var engine = SyncEngine(notebook: notebook, notePath: path, client: client)
      if transport == .realtime, let server = URL(string: url) {
        engine.realtime = RealtimePadTransport(server: server, mode: .realtime, identity: .init(token: token, name: "bench"))
      }
      defer { engine.realtime?.close() }
      return try await engine.run()
    }

    func edit(_ old: String, _ new: String) throws {
      let text = try String(contentsOfFile: path, encoding: .utf8)
      guard text.contains(old) else { throw ValidationError("the note lacks \(old)") }
      // As an editor saves: a new file renamed over the note.
      try text.replacingOccurrences(of: old, with: new).write(toFile: path + ".swp", atomically: false, encoding: .utf8)
      guard rename(path + ".swp", path) == 0 else { throw ValidationError("cannot rename over \(path)") }
    }

    func file() -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
  }

  /// Bytes and messages per sync for both transports, then the watch latency both ways.
  func realtimeFigures() async throws {
    let note = Self.note(sections: 12, linesPerSection: 15)
    let sides = [try await Side(.api, note: note), try await Side(.realtime, note: note)]
    print("realtime transport beside setText (the same \(note.utf8.count)-byte note, each on its own fake Etherpad):")
    for side in sides {
      _ = try await side.sync()
      let messages = await side.server.socketMessages.count
      let noOp = try await side.sync()
      let noOpMessages = await side.server.socketMessages.count - messages
      guard noOp.outcome == .unchanged else { throw ValidationError("the no-op sync was not a no-op") }
      let before = await side.server.bytesReceived
      try side.edit("- [ ] item 6-7\n", "- [x] item 6-7\n")
      let edited = try await side.sync()
      guard edited.outcome == .synced, await side.server.pads[side.padID]?.text == side.file() else {
        throw ValidationError("the one-line edit did not reach the pad")
      }
      let bytes = await side.server.bytesReceived - before
      print(
        "  \(side.label): one-line edit sync sends \(bytes) bytes (HTTP targets and bodies, socket packets); "
          + "no-op sync: \(noOp.requests) HTTP request(s), \(noOpMessages) socket message(s) (goal: one round trip)")
    }
    try await watchLatency(sides)
    for side in sides { await side.server.stop() }
  }

  /// `pushnote sync --watch` for each side as a process; rounds interleaved: a browser ticks a
  /// line (pad → file), then the note is saved with a new line (file → pad).
  private func watchLatency(_ sides: [Side]) async throws {
    let binary = try Bench.releasePushnote()
    var watches: [Process] = []
    var browsers: [FakeBrowser] = []
    defer {
      for watch in watches where watch.isRunning { kill(watch.processIdentifier, SIGINT) }
      for watch in watches { watch.waitUntilExit() }
    }
    for side in sides {
      let watch = Process()
      watch.executableURL = URL(fileURLWithPath: binary)
      let interval: Double = side.transport == .realtime ? 3600 : watchInterval
      watch.arguments = ["sync", "--notebook", side.folder.path, side.path, "--watch", "--interval", String(interval)]
      watch.environment = ["PUSHNOTE_PAD_URL": side.url, "PUSHNOTE_PAD_APIKEY": "bench-key", "HOME": side.folder.path]
      watch.standardOutput = FileHandle.nullDevice
      watch.standardError = FileHandle.nullDevice
      try watch.run()
      watches.append(watch)
      browsers.append(try await FakeBrowser(baseURL: side.url, padID: side.padID, name: "colleague"))
    }
    for side in sides {
      guard try await Self.until({ await side.server.socketCount >= (side.transport == .realtime ? 2 : 1) }) else {
        throw ValidationError("the \(side.label) watch did not start")
      }
    }
    var padToFile: [[Double]] = sides.map { _ in [] }, fileToPad: [[Double]] = sides.map { _ in [] }
    for round in 0..<max(watchRounds, 1) {
      for (index, side) in sides.enumerated() {
        let tick = "- [x] item \(round % 12)-\(round / 12)\n"
        try await browsers[index].type { $0.replacingOccurrences(of: "- [ ] item \(round % 12)-\(round / 12)\n", with: tick) }
        var start = ContinuousClock.now
        guard try await Self.until({ side.file().contains(tick) }) else { throw ValidationError("\(side.label): the tick never came") }
        padToFile[index].append((ContinuousClock.now - start).seconds)
        let line = "- [ ] saved in the editor \(round)\n"
        try side.edit("## Section \(round % 12)\n", "## Section \(round % 12)\n" + line)
        start = ContinuousClock.now
        guard try await Self.until({ await side.server.pads[side.padID]?.text.contains(line) == true }) else {
          throw ValidationError("\(side.label): the save never reached the pad")
        }
        fileToPad[index].append((ContinuousClock.now - start).seconds)
      }
    }
    for (index, side) in sides.enumerated() {
      let how = side.transport == .realtime ? "on the socket" : "polling every \(watchInterval) s"
      print(
        String(
          format: "  %@: watch latency pad → file %7.1f ms, file → pad %7.1f ms (%@; medians of %d rounds; goal under 1 s)",
          side.label, Timing.median(padToFile[index]) * 1000, Timing.median(fileToPad[index]) * 1000, how, padToFile[index].count))
    }
    for browser in browsers { await browser.close() }
  }

  /// Whether `condition` came true within 30 s, looked at every 2 ms.
  private static func until(_ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(30)
    while ContinuousClock.now < deadline {
      if try await condition() { return true }
      try await Task.sleep(for: .milliseconds(2))
    }
    return false
  }
}
