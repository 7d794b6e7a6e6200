import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// The chat step of the real commands, as processes, against a real ngIRCd and the fake Slack webhook.
@Suite(.serialized) struct ChatCommandTests {
  static let note = """
    # Acme push 2026-12-01

    - Release manager: rita
    - Tag: 2026.12.01

    ## Timeline

    ## Cherry-picks

    """

  /// Secrets the tests hand the commands; none may appear anywhere.
  static let secrets = [
    "PUSHNOTE_IRC_PASSWORD": "irc-secret-\(UUID().uuidString)", "PUSHNOTE_MATRIX_TOKEN": "syt_matrix-secret-\(UUID().uuidString)",
  ]

  private func pushnote(_ arguments: [String], environment: [String: String] = [:]) async throws -> ProcessRunner.Result {
    try await ProcessRunner.run(Fixtures.builtExecutable("pushnote"), arguments, environment: environment)
  }

  /// A release notebook whose chat goes to `yaml` (entries of the `chat:` list).
  private func fixture(chat yaml: String, repositories: [String] = ["acme/api"]) async throws -> ReleaseFixture {
    let fixture = try await ReleaseFixture(repositories: repositories)
    let config = (fixture.root as NSString).appendingPathComponent("pushnote.yml")
    try (try String(contentsOfFile: config, encoding: .utf8) + "chat:\n" + yaml).write(toFile: config, atomically: true, encoding: .utf8)
    try await Git(directory: fixture.root).commit(paths: ["pushnote.yml"], message: "Chat")
    try await fixture.addNote("2026/mkt-2026-12-01.md", Self.note)
    return fixture
  }

  @Test func tagAnnouncesWaitsTagsAndCherryPickPostsTheCompareLink() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let fixture = try await fixture(chat: server.yaml())
    let tagged = try await pushnote(["tag", "2026-12-01", "--announce-in", "1s", "--notebook", fixture.root])
    #expect(tagged.status == 0, "\(tagged.stderr)")
    #expect(tagged.stderr.contains("waiting 1 s before tagging"))
    try await listener.wait(for: "the tag message") { $0.contains { $0.trailing?.hasPrefix("Acme: tagged 2026.12.01") == true } }
    // A re-run tags nothing and posts nothing.
    let again = try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root])
    #expect(again.status == 0, "\(again.stderr)")
    let fix = try await GitRemotes.commit(to: fixture.remote("acme/api"), files: ["fix.txt": "fix\n"], message: "Fix the login")
    let picked = try await pushnote(["cherry-pick", "--notebook", fixture.root, "--note", "2026-12-01", "acme/api", fix])
    #expect(picked.status == 0, "\(picked.stderr)")
    try await listener.wait(for: "the repeat push") { $0.contains { $0.trailing?.hasPrefix("Acme: repeat push") == true } }
    try await Task.sleep(for: .milliseconds(300))
    let texts = listener.texts(in: "#push")
    #expect(
      texts == [
        "Acme: tagging 2026.12.01 in 1 minute. Land or hold your half-finished patches now.",
        "Acme: tagged 2026.12.01 in 1 repository.",
        "acme/api 2026.12.01",
        "Acme: repeat push 2026.12.01-1 of acme/api, 1 cherry-pick(s) on 2026.12.01: https://github.com/acme/api/compare/2026.12.01...2026.12.01-1",
        "\(fix.prefix(12)) Fix the login (\(GitRemotes.defaultAuthor.prefix { $0 != "<" }.trimmingCharacters(in: .whitespaces)))",
      ])
  }

  @Test func timeStartAndEndTellThePushAndItsDuration() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let fixture = try await fixture(chat: server.yaml())
    #expect(try await pushnote(["time", "start", "--at", "11:02", "--note", "2026-12-01", "--notebook", fixture.root]).status == 0)
    let end = try await pushnote(["time", "end", "--at", "12:07", "--note", "2026-12-01", "--notebook", fixture.root])
    #expect(end.status == 0, "\(end.stderr)")
    try await listener.wait(for: "push finished") { $0.contains { $0.trailing?.contains("is done") == true } }
    #expect(
      listener.texts(in: "#push") == [
        "Acme: the push of 2026-12-01 has started (11:02 GMT); rita is pushing.", "Acme: the push of 2026-12-01 is done in 1h 05m.",
      ])
  }

  @Test func newForNextWeekSetsTheTopic() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let fixture = try await fixture(chat: server.yaml())
    let made = try await pushnote(["new", "--date", "2099-12-01", "--notebook", fixture.root])
    #expect(made.status == 0, "\(made.stderr)")
    let topics = try await listener.wait(for: "the topic") { $0.contains { $0.command == "TOPIC" } }.filter { $0.command == "TOPIC" }
    #expect(topics.map(\.parameters) == [["#push", "Acme push 2099-12-01: 2099/mkt-2099-12-01.md"]])
  }

  @Test func sayQueuesWhileDownAndFlushDeliversOnce() async throws {
    // Held closed while the server is down, so that no other test's server is handed the port.
    var closed: ClosedLoopbackPort? = try ClosedLoopbackPort()
    let port = try #require(closed).port
    let tlsPort = try IRCTestServer.freePort()
    let fixture = try await fixture(chat: "  - {kind: irc, url: \"irc://127.0.0.1:\(port)/#push\", nick: pushnote}\n")
    let down = try await pushnote(["say", "the", "push", "is", "done", "--notebook", fixture.root])
    #expect(down.status == 75)
    #expect(down.stderr.contains("1 chat message queued") && down.stderr.contains("pushnote say --flush"))
    closed = nil
    let server = try await IRCTestServer(port: port, tlsPort: tlsPort)
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let flushed = try await pushnote(["say", "--flush", "--notebook", fixture.root])
    #expect(flushed.status == 0, "\(flushed.stderr)")
    #expect(flushed.stdout.contains("posted to irc irc://127.0.0.1:\(port)/#push: the push is done"))
    let nothing = try await pushnote(["say", "--flush", "--notebook", fixture.root])
    #expect(nothing.status == 0 && nothing.stdout == "nothing to send\n")
    try await listener.waitForQuit(of: "pushnote")
    #expect(listener.texts(in: "#push") == ["the push is done"])
    let bare = try await ReleaseFixture(repositories: ["acme/api"])
    let unconfigured = try await pushnote(["say", "hello", "--notebook", bare.root])
    #expect(unconfigured.status == 78 && unconfigured.stderr.contains("no chat: destinations"))
    let usage = try await pushnote(["say", "--notebook", bare.root])
    #expect(usage.status == 64)
  }

  /// `time start` queues while the server is down; `sync`, which has no chat step of its own but
  /// goes to a server, sends it; `tag` then posts only its own message.
  @Test func aMessageQueuedWhileDownIsSentOnceByTheNextCommandThatGoesOut() async throws {
    var closed: ClosedLoopbackPort? = try ClosedLoopbackPort()
    let port = try #require(closed).port
    let fixture = try await fixture(chat: "  - {kind: irc, url: \"irc://127.0.0.1:\(port)/#push\", nick: pushnote}\n")
    let down = try await pushnote(["time", "start", "--at", "11:02", "--note", "2026-12-01", "--notebook", fixture.root])
    #expect(down.status == 0, "\(down.stderr)")
    #expect(down.stderr.contains("1 message queued"), "\(down.stderr)")
    #expect(try ChatNotifier.queued(in: try fixture.notebook()).map(\.kind) == [.push])
    closed = nil
    let server = try await IRCTestServer(port: port, tlsPort: try IRCTestServer.freePort())
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let pad = FakeEtherpad(auth: .apiKey("chat-key"))
    let url = try await pad.start()
    let synced = try await pushnote(
      ["sync", "2026-12-01", "--notebook", fixture.root], environment: ["PUSHNOTE_PAD_URL": url, "PUSHNOTE_PAD_APIKEY": "chat-key"])
    #expect(synced.status == 0, "\(synced.stderr)")
    try await listener.waitForQuit(of: "pushnote")
    #expect(listener.texts(in: "#push") == ["Acme: the push of 2026-12-01 has started (11:02 GMT); rita is pushing."])
    #expect(try ChatNotifier.queued(in: try fixture.notebook()).isEmpty)
    let tagged = try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root])
    #expect(tagged.status == 0 && tagged.stderr.isEmpty, "\(tagged.stderr)")
    try await listener.wait(for: "the tag message") { $0.contains { $0.trailing == "acme/api 2026.12.01" } }
    try await Task.sleep(for: .milliseconds(300))
    #expect(
      listener.texts(in: "#push") == [
        "Acme: the push of 2026-12-01 has started (11:02 GMT); rita is pushing.", "Acme: tagged 2026.12.01 in 1 repository.",
        "acme/api 2026.12.01",
      ])
    await pad.stop()
  }

  /// The first jobs are told while the last still waits in Jenkins' queue (it leaves the queue
  /// only once their messages arrived), in order, with their place in the run.
  @Test func stageTellsEachJobAsItFinishesWhileTheNextRuns() async throws {
    let server = try await IRCTestServer()
    let listener = try await IRCListener.join(port: server.port, channels: ["#push"])
    let jobs: [String: FakeJenkins.Job] = [
      "bazaar-stage-api": .init(reportedDurationMilliseconds: 125_000),
      "bazaar-stage-payments": .init(reportedDurationMilliseconds: 61_000),
      "bazaar-stage-frontend": .init(queueDelay: .seconds(3600), reportedDurationMilliseconds: 42_000),
    ]
    try await FakeJenkins.serving(jobs: jobs, user: "rm-bot", token: "tok-chat") { jenkins in
      let book = try await StageNotebook(jenkins: jenkins.url)
      let config = book.folder.appending("pushnote.yml")
      try AtomicFile.write(try String(contentsOfFile: config, encoding: .utf8) + "chat:\n" + server.yaml(), to: config)
      let environment = ["PUSHNOTE_JENKINS_USER": "rm-bot", "PUSHNOTE_JENKINS_TOKEN": "tok-chat", "PUSHNOTE_CREDENTIALS": ""]
      let arguments = ["stage", "--notebook", book.folder.path, "--poll-interval", "0.01", "2026-12-01"]
      let run = Task { try await ProcessRunner.run(Fixtures.builtExecutable("pushnote"), arguments, environment: environment) }
      try await listener.wait(for: "the second job's message", timeout: 30) { $0.contains { $0.trailing?.contains("payments") == true } }
      await jenkins.setJob("bazaar-stage-frontend", .init(reportedDurationMilliseconds: 42_000))
      let result = try await run.value
      #expect(result.status == 0, "\(result.stderr)")
      try await listener.wait(for: "the last job's message") { $0.contains { $0.trailing?.contains("frontend") == true } }
      #expect(
        listener.texts(in: "#push") == [
          "Bazaar stage: bazaar-stage-api 2026.12.01 deployed in 2m 05s (job 1 of 3).",
          "Bazaar stage: bazaar-stage-payments 2026.12.01 deployed in 1m 01s (job 2 of 3).",
          "Bazaar stage: bazaar-stage-frontend 2026.12.01 deployed in 42s (job 3 of 3).",
        ])
    }
  }

  @Test func secretsAppearInNoOutputFileOrCommit() async throws {
    let server = try await IRCTestServer(password: Self.secrets["PUSHNOTE_IRC_PASSWORD"])
    let listener = try await IRCListener.join(port: server.port, password: Self.secrets["PUSHNOTE_IRC_PASSWORD"], channels: ["#push"])
    let webhook = try await FakeSlackWebhook()
    defer { Task { await webhook.stop() } }
    let matrixPort = try IRCTestServer.freePort()
    let fixture = try await fixture(
      chat: server.yaml() + "  - {kind: slack}\n"
        + "  - {kind: matrix, homeserver: \"http://127.0.0.1:\(matrixPort)\", room: \"#push:localhost\"}\n")
    let environment = Self.secrets.merging(["PUSHNOTE_SLACK_WEBHOOK": webhook.url]) { $1 }
    var outputs: [ProcessRunner.Result] = []
    outputs.append(try await pushnote(["say", "hello", "everyone", "--notebook", fixture.root], environment: environment))
    outputs.append(try await pushnote(["tag", "2026-12-01", "--notebook", fixture.root], environment: environment))
    outputs.append(try await pushnote(["time", "start", "--note", "2026-12-01", "--notebook", fixture.root], environment: environment))
    await webhook.fail(next: 5)
    outputs.append(try await pushnote(["time", "end", "--note", "2026-12-01", "--notebook", fixture.root], environment: environment))
    outputs.append(try await pushnote(["say", "--flush", "--notebook", fixture.root], environment: environment))
    #expect(outputs[0].status == 75)  // Matrix is down: queued
    #expect(outputs.contains { $0.stderr.contains("matrix http://127.0.0.1:\(matrixPort)") })
    #expect(await webhook.texts().contains("hello everyone"))
    try await listener.wait(for: "the post through the password-protected server") { $0.contains { $0.trailing == "hello everyone" } }
    let history = try await Git(directory: fixture.root).run(["log", "-p", "--all"])
    var files = ""
    let enumerator = FileManager.default.enumerator(atPath: fixture.root)
    while let relative = enumerator?.nextObject() as? String {
      let path = (fixture.root as NSString).appendingPathComponent(relative)
      if let text = try? String(contentsOfFile: path, encoding: .utf8) { files += text }
    }
    #expect(files.contains("hello everyone"))  // the queue is there and readable
    for secret in Array(Self.secrets.values) + [webhook.url, webhook.secret] {
      for output in outputs { #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret)) }
      #expect(!history.contains(secret))
      #expect(!files.contains(secret))
    }
  }
}
