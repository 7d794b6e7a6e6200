import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// `pushnote status` as a process: the pad's state against the fake Etherpad on 127.0.0.1 (one
/// request at most, quiet offline) and the chat queue.
@Suite(.serialized) struct StatusCommandTests {
  private let pushnote = Fixtures.builtExecutable("pushnote")

  /// A notebook in git whose note is this week's, and the fake server.
  struct Setup {
    let folder: TemporaryDirectory
    let server: FakeEtherpad
    let url: String
    let notePath: String
    let padID: String

    init() async throws {
      folder = try TemporaryDirectory(prefix: "pushnote-status")
      server = FakeEtherpad(auth: .apiKey("status-key"))
      url = try await server.start()
      let notebook = try Notebook(root: folder.path)
      let date = notebook.comingPushDate(now: Date())
      notePath = notebook.notePath(for: date)
      padID = notebook.padID(for: date)
      try FileManager.default.createDirectory(atPath: (notePath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try "# Push \(date.iso)\n\n## Monday\n\n- [ ] tag zamboni\n\n## Friday\n\n- [ ] verify stage\n".write(
        toFile: notePath, atomically: true, encoding: .utf8)
      for arguments in [
        ["init", "-q", "-b", "main"], ["config", "user.name", "T"], ["config", "user.email", "t@example.org"], ["add", "-A"],
        ["commit", "-qm", "note"],
      ] {
        _ = try await ProcessRunner.run("git", arguments, workingDirectory: folder.path)
      }
    }

    /// The environment of the commands: the fake in this process may answer slowly while the
    /// whole suite runs, so the pad gets `PUSHNOTE_PAD_TIMEOUT` (30 s), except for the offline
    /// cases, which keep status's own 3 s.
    func environment(url: String? = nil, offline: Bool = false) -> [String: String] {
      [
        "PUSHNOTE_PAD_URL": url ?? self.url, "PUSHNOTE_PAD_APIKEY": "status-key", "PUSHNOTE_PAD_BACKOFF": "0.01", "HOME": folder.path,
        "PUSHNOTE_PAD_TIMEOUT": offline ? "" : "30",
      ]
    }

    func run(_ arguments: [String], url: String? = nil, offline: Bool = false) async throws -> ProcessRunner.Result {
      try await ProcessRunner.run(
        Fixtures.builtExecutable("pushnote"), arguments + ["--notebook", folder.path], environment: environment(url: url, offline: offline))
    }

    /// `status --json`'s `pad` object, and the HTTP requests the fake received meanwhile.
    func padStatus(url: String? = nil, offline: Bool = false) async throws -> (pad: [String: Any], requests: [String]) {
      let before = await server.requestTargets.count
      let result = try await run(["status", "--json"], url: url, offline: offline)
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.isEmpty, "\(result.stderr)")
      JSONShapes.check(result.stdout, documentedAs: "pushnote status --json")
      let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
      let pad = try #require(object["pad"] as? [String: Any], "\(result.stdout)")
      return (pad, Array(await server.requestTargets.dropFirst(before)))
    }

    func edit(_ old: String, _ new: String) throws {
      let text = try String(contentsOfFile: notePath, encoding: .utf8)
      try text.replacingOccurrences(of: old, with: new).write(toFile: notePath, atomically: true, encoding: .utf8)
    }
  }

  @Test func eachPadStateCostsOneRequest() async throws {
    let setup = try await Setup()
    let never = try await setup.padStatus()
    #expect(never.pad["state"] as? String == "not_synced" && never.pad["pad_id"] as? String == setup.padID)
    #expect(never.requests.isEmpty)
    let sync = try await setup.run(["sync"])
    #expect(sync.status == 0, "\(sync.stderr)")

    let inStep = try await setup.padStatus()
    #expect(inStep.pad["state"] as? String == "in_step", "\(inStep.pad)")
    #expect(inStep.requests.count == 1 && inStep.requests[0].hasSuffix("/getRevisionsCount"), "\(inStep.requests)")
    #expect(inStep.pad["requests"] as? Int == 1)

    let pad = await setup.server.pads[setup.padID]?.text ?? ""
    await setup.server.colleagueSets(setup.padID, pad.replacingOccurrences(of: "- [ ] verify stage", with: "- [x] verify stage"))
    let padChanged = try await setup.padStatus()
    #expect(padChanged.pad["state"] as? String == "pad_changed", "\(padChanged.pad)")
    #expect(padChanged.requests.count == 1)
    let base = try #require(padChanged.pad["base_revision"] as? Int)
    #expect(try #require(padChanged.pad["revision"] as? Int) > base)

    #expect(try await setup.run(["sync"]).status == 0)
    try setup.edit("- [ ] tag zamboni", "- [x] tag zamboni")
    let fileChanged = try await setup.padStatus()
    #expect(fileChanged.pad["state"] as? String == "file_changed", "\(fileChanged.pad)")
    #expect(fileChanged.requests.count == 1)

    let now = await setup.server.pads[setup.padID]?.text ?? ""
    await setup.server.colleagueSets(setup.padID, now + "- [ ] a colleague's line\n")
    let both = try await setup.padStatus()
    #expect(both.pad["state"] as? String == "both_changed", "\(both.pad)")
    #expect(both.requests.count == 1)

    let human = try await setup.run(["status"])
    #expect(human.status == 0 && human.stdout.contains("pad: the file and the pad both changed since the last sync"), "\(human.stdout)")

    await setup.server.delete(setup.padID)
    #expect(try await setup.padStatus().pad["state"] as? String == "pad_missing")
  }

  @Test func withoutAPadServerStatusSaysSo() async throws {
    let setup = try await Setup()
    let result = try await setup.run(["status"], url: "")
    #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
    #expect(result.stdout.contains("pad: none configured"), "\(result.stdout)")
    let json = try await setup.padStatus(url: "")
    #expect(json.pad["state"] as? String == "not_configured")
  }

  /// A port nobody listens on, and a server that accepts and never answers: one quiet line,
  /// exit 0, and an answer within a bounded wait (the status gives the pad 3 seconds).
  @Test func offlineIsOneQuietLine() async throws {
    let setup = try await Setup()
    #expect(try await setup.run(["sync"]).status == 0)
    let closedPort = try ClosedLoopbackPort()
    let closed = "http://127.0.0.1:\(closedPort.port)"
    // Each peer takes one connection, reads the request, and answers nothing until the client leaves.
    var peers: [LoopbackPeer] = []
    func silent() throws -> String {
      let peer = try LoopbackPeer(timeout: 60) { socket in _ = socket.receive(count: Int.max) }
      peers.append(peer)
      return "http://127.0.0.1:\(peer.port)"
    }
    for url in [closed, try silent()] {
      let started = ContinuousClock.now
      let human = try await setup.run(["status"], url: url, offline: true)
      #expect(ContinuousClock.now - started < .seconds(30), "\(url)")
      #expect(human.status == 0, "\(url): \(human.stderr)")
      #expect(human.stderr.isEmpty, "\(url): \(human.stderr)")
      let padLines = human.stdout.split(separator: "\n").filter { $0.hasPrefix("pad:") }
      #expect(padLines == ["pad: not reachable"], "\(url): \(human.stdout)")
      #expect(human.stdout.hasSuffix("Next: pushnote time start\n"))
      let json = try await setup.padStatus(url: url == closed ? closed : try silent(), offline: true)
      #expect(json.pad["state"] as? String == "unreachable", "\(url): \(json.pad)")
    }
    withExtendedLifetime(peers) {}
    withExtendedLifetime(closedPort) {}
  }

  @Test func theChatQueueIsListedWithEventAndDestination() async throws {
    let setup = try await Setup()
    let closed = try ClosedLoopbackPort()
    let port = closed.port
    try "chat:\n  - {kind: irc, url: \"irc://127.0.0.1:\(port)/#push\", nick: pushnote}\n".write(
      toFile: setup.folder.appending("pushnote.yml"), atomically: true, encoding: .utf8)
    #expect(try await setup.run(["say", "the", "push", "waits"]).status == 75)
    #expect(try await setup.run(["time", "start"]).status == 0)
    let human = try await setup.run(["status"])
    #expect(human.status == 0, "\(human.stderr)")
    #expect(human.stdout.contains("Chat: 2 messages waiting"), "\(human.stdout)")
    #expect(human.stdout.contains("  say to irc irc://127.0.0.1:\(port)/#push: the push waits\n"), "\(human.stdout)")
    #expect(human.stdout.contains("  push to irc irc://127.0.0.1:\(port)/#push: "), "\(human.stdout)")
    let json = try await setup.run(["status", "--json"])
    JSONShapes.check(json.stdout, documentedAs: "pushnote status --json")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let queue = try #require(object["chat_queue"] as? [[String: Any]])
    #expect(queue.map { $0["event"] as? String } == ["say", "push"])
    #expect(queue.allSatisfy { $0["destination"] as? String == "irc irc://127.0.0.1:\(port)/#push" && ($0["attempts"] as? Int ?? 0) >= 1 })
    withExtendedLifetime(closed) {}
  }
}
