import Foundation
import PushnoteCore

/// A real Synapse homeserver on 127.0.0.1 with SQLite, a registered bot user and a room, for the
/// Matrix tests.
///
/// Synapse takes several seconds to start, so one server serves a whole test process: ``shared()``
/// starts it on first use. Its configuration comes from `--generate-config`; the user is made with
/// `register_new_matrix_user` and the shared secret. A small Python watchdog runs it and kills it
/// (SIGKILL: it inherits the test process's blocked signal mask, so SIGTERM would wait forever)
/// when the test process ends, however it ends.
public final class SynapseServer: Sendable {
  /// `http://127.0.0.1:PORT`.
  public let url: String
  /// The bot's access token: what PUSHNOTE_MATRIX_TOKEN holds.
  public let token: String
  /// The bot's user id, `@pushnote:localhost`.
  public let userID = "@pushnote:localhost"
  private let folder: TemporaryDirectory
  private let process: Process

  nonisolated(unsafe) private static var started: Task<SynapseServer, any Error>?
  private static let lock = NSLock()

  /// The server of this test process, started on first use.
  public static func shared() async throws -> SynapseServer {
    let task = lock.withLock {
      if let started { return started }
      let task = Task { try await SynapseServer() }
      started = task
      return task
    }
    return try await task.value
  }

  private init() async throws {
    folder = try TemporaryDirectory(prefix: "pushnote-synapse")
    let port = try IRCTestServer.freePort()
    url = "http://127.0.0.1:\(port)"
    let config = folder.appending("homeserver.yaml")
    let generated = try await ProcessRunner.run(
      "python3",
      [
        "-m", "synapse.app.homeserver", "--server-name", "localhost", "--config-path", config, "--data-directory", folder.path,
        "--generate-config", "--report-stats=no",
      ], workingDirectory: folder.path)
    guard generated.status == 0 else { throw IRCTestError.setup("synapse --generate-config: \(generated.stderr)") }
    var yaml = try String(contentsOfFile: config, encoding: .utf8)
    yaml = yaml.replacingOccurrences(of: "port: 8008", with: "port: \(port)").replacingOccurrences(of: "    - ::1\n", with: "")
    // Only what the tests need changed: no federation lookups; rate limits stay Synapse's own.
    yaml += "trusted_key_servers: []\nsuppress_key_server_warning: true\n"
    try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    let watchdog = """
      import os, subprocess, sys, time
      parent = os.getppid()
      server = subprocess.Popen([sys.executable, "-m", "synapse.app.homeserver", "-c", sys.argv[1]],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
      while server.poll() is None and os.getppid() == parent:
          time.sleep(0.5)
      server.kill()
      server.wait()
      """
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", watchdog, config]
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
    process.standardError = FileHandle(forWritingAtPath: "/dev/null")
    try process.run()
    var ready = false
    for _ in 0..<240 where !ready {
      try await Task.sleep(for: .milliseconds(250))
      ready = (try? await Self.request("GET", "\(url)/_matrix/client/versions", token: nil, body: nil).status) == 200
    }
    guard ready else { throw IRCTestError.setup("synapse did not answer within 60 s") }
    let registered = try await ProcessRunner.run(
      "register_new_matrix_user", ["-c", config, "-u", "pushnote", "-p", "pushnote-test-password", "--no-admin", url])
    guard registered.status == 0 else { throw IRCTestError.setup("register_new_matrix_user: \(registered.stderr)\(registered.stdout)") }
    let login = try await Self.request(
      "POST", "\(url)/_matrix/client/v3/login", token: nil,
      body: [
        "type": "m.login.password", "identifier": ["type": "m.id.user", "user": "pushnote"], "password": "pushnote-test-password",
      ])
    guard let token = login.object["access_token"] as? String else { throw IRCTestError.setup("login: \(login.object)") }
    self.token = token
  }

  /// Creates a room with an alias (`#NAME:localhost`) and returns its id.
  public func createRoom(alias name: String) async throws -> String {
    let answer = try await Self.request(
      "POST", "\(url)/_matrix/client/v3/createRoom", token: token, body: ["room_alias_name": name, "preset": "private_chat"])
    guard let id = answer.object["room_id"] as? String else { throw IRCTestError.setup("createRoom: \(answer.object)") }
    return id
  }

  /// The `m.room.message` events of a room, oldest first (their `content`).
  public func messages(in roomID: String) async throws -> [[String: Any]] {
    let room = roomID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? roomID
    let answer = try await Self.request("GET", "\(url)/_matrix/client/v3/rooms/\(room)/messages?dir=b&limit=100", token: token, body: nil)
    let chunk = answer.object["chunk"] as? [[String: Any]] ?? []
    return chunk.reversed().filter { $0["type"] as? String == "m.room.message" }.compactMap { $0["content"] as? [String: Any] }
  }

  /// The room's topic, nil when it has none.
  public func topic(of roomID: String) async throws -> String? {
    let room = roomID.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? roomID
    let answer = try await Self.request("GET", "\(url)/_matrix/client/v3/rooms/\(room)/state/m.room.topic", token: token, body: nil)
    return answer.object["topic"] as? String
  }

  private static func request(
    _ method: String, _ url: String, token: String?, body: [String: Any]?
  ) async throws -> (status: Int, object: [String: Any]) {
    guard let address = URL(string: url) else { throw IRCTestError.setup("bad URL \(url)") }
    var request = HTTPTransport.Request(url: address)
    request.method = method
    if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
    if let body {
      request.setValue("application/json", forHTTPHeaderField: "Content-Type")
      request.body = try JSONSerialization.data(withJSONObject: body)
    }
    let response = try await HTTPTransport(timeout: 30).send(request)
    let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
    return (response.status, object)
  }
}
