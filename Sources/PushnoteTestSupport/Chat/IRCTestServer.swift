import Foundation
import PushnoteCore

#if canImport(Glibc)
import Glibc
#endif

/// A real ngIRCd on 127.0.0.1 for the chat tests: a plain port and a TLS port with a
/// ``TestCertificate`` that tests trust through ``caFile``.
///
/// Channels: `#push` (anyone may set its topic), `#locked` (`+t`: only operators may, and
/// predefined channels have none, so the bot gets 482), `#other` (to prove nothing leaks there),
/// `#keyed` (key `sesame`). The server runs until the value is released, or ``stop()``.
public final class IRCTestServer: @unchecked Sendable {
  /// The plain port.
  public let port: Int
  /// The TLS port.
  public let tlsPort: Int
  /// The certificate to trust.
  public let caFile: String
  private let folder: TemporaryDirectory
  private let process: Process

  /// Writes the configuration and the certificate and starts ngIRCd; returns when ngIRCd listens on
  /// both ports.
  ///
  /// A free port is free only when it is picked: another test's server may bind it before ngIRCd
  /// does, and ngIRCd then serves the other port alone. So ngIRCd's own log must say that it
  /// listens on both, and a start whose port was taken is tried again with new ports.
  ///
  /// - Parameters:
  ///   - port: a fixed plain port (to restart a server where a test stopped one), or nil for a free one.
  ///   - tlsPort: the same for TLS.
  ///   - password: the server password every client must give (PASS), or nil for none.
  public init(port: Int? = nil, tlsPort: Int? = nil, password: String? = nil) async throws {
    folder = try TemporaryDirectory(prefix: "pushnote-ngircd")
    let certificate = try await TestCertificate(in: folder)
    caFile = certificate.certificate
    let key = certificate.key
    // ngircd (GnuTLS) would spend seconds making DH parameters; the RFC 7919 group costs nothing.
    let dhFile = folder.appending("dh.pem")
    let dh = try await ProcessRunner.run(
      "openssl", ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "dh_param:ffdhe2048", "-out", dhFile])
    guard dh.status == 0 else { throw IRCTestError.setup("openssl genpkey: \(dh.stderr)") }
    chmod(dhFile, 0o644)
    chmod(key, 0o644)
    chmod(folder.path, 0o755)
    for attempt in 1...5 {
      let plain = try port ?? Self.freePort()
      let tls = try tlsPort ?? Self.freePort()
      let config = """
        [Global]
        Name = irc.pushnote.test
        Info = pushnote test server
        Listen = 127.0.0.1
        Ports = \(plain)
        MotdPhrase = pushnote test
        \(password.map { "Password = \($0)" } ?? "")
        PidFile = \(folder.appending("ngircd.pid"))
        ServerUID = \(getuid())
        ServerGID = \(getgid())
        [Limits]
        MaxConnectionsIP = 0
        MaxNickLength = 30
        PingTimeout = 120
        [Options]
        Ident = no
        PAM = no
        DNS = no
        RequireAuthPing = no
        [SSL]
        CertFile = \(caFile)
        KeyFile = \(key)
        DHFile = \(dhFile)
        Ports = \(tls)
        [Channel]
        Name = #push
        Modes = n
        [Channel]
        Name = #locked
        Modes = tn
        [Channel]
        Name = #other
        Modes = n
        [Channel]
        Name = #keyed
        Modes = nk
        Key = sesame

        """
      let configPath = folder.appending("ngircd.conf")
      try config.write(toFile: configPath, atomically: true, encoding: .utf8)
      let process = Process()
      process.executableURL = URL(fileURLWithPath: try Self.executable())
      process.arguments = ["--nodaemon", "--config", configPath]
      let log = folder.appending("ngircd-\(attempt).log")
      FileManager.default.createFile(atPath: log, contents: nil)
      process.standardOutput = FileHandle(forWritingAtPath: log)
      process.standardError = process.standardOutput
      try process.run()
      let start = await Self.waitUntilListening(on: [plain, tls], log: log, caFile: caFile, tlsPort: tls)
      if case .listening = start {
        self.port = plain
        self.tlsPort = tls
        self.process = process
        return
      }
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      if case .portTaken = start, port == nil, tlsPort == nil { continue }
      // The start of the log says why a port is not served (a bind that failed, a certificate refused).
      let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      let head = output.split(separator: "\n").prefix(40).joined(separator: "\n")
      throw IRCTestError.setup("ngircd did not start listening on \(plain) and \(tls): \(head)")
    }
    throw IRCTestError.setup("ngircd found its ports taken five times over")
  }

  /// How a start of ngIRCd went.
  private enum Start {
    case listening
    /// Another process had bound one of the ports first.
    case portTaken
    case failed
  }

  /// Waits up to 15 s until ngIRCd's log says it listens on every port and a TLS handshake completes.
  private static func waitUntilListening(on ports: [Int], log: String, caFile: String, tlsPort: Int) async -> Start {
    for _ in 0..<300 {
      let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      if ports.contains(where: { output.contains("Can't bind socket to address 127.0.0.1:\($0) ") }) { return .portTaken }
      // The TLS port counts as ready once a handshake completes (a bare accept came too early once).
      if ports.allSatisfy({ output.contains("Now listening on [127.0.0.1]:\($0) ") }), acceptsTLS(tlsPort, caFile: caFile) {
        return .listening
      }
      try? await Task.sleep(for: .milliseconds(50))
    }
    return .failed
  }

  /// Stops the server and waits until it has gone.
  ///
  /// SIGKILL, because ngircd inherits the test process's blocked signal mask and never sees SIGTERM.
  public func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit { stop() }

  /// The chat destination of a channel, over TLS unless `plain`.
  public func address(channel: String = "#push", nick: String = "pushnote", plain: Bool = false) -> IRCAddress {
    IRCAddress(
      host: "127.0.0.1", port: plain ? port : tlsPort, tls: !plain, channel: channel, nick: nick, caFile: plain ? nil : caFile)
  }

  /// The `chat:` entry of pushnote.yml for a channel, over TLS.
  public func yaml(channel: String = "#push", nick: String = "pushnote") -> String {
    "  - {kind: irc, url: \"ircs://127.0.0.1:\(tlsPort)/\(channel)\", nick: \(nick), ca_file: \"\(caFile)\"}\n"
  }

  /// Where ngircd is (Debian puts it in /usr/sbin).
  static func executable() throws -> String {
    for candidate in ["/usr/sbin/ngircd", "/usr/bin/ngircd", "/usr/local/sbin/ngircd"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
      return candidate
    }
    throw IRCTestError.setup("ngircd is not installed (scripts/setup-debian.sh installs it)")
  }

  /// A port nothing listens on right now (another process may bind it the next moment).
  public static func freePort() throws -> Int {
    let (descriptor, port) = try LoopbackPeer.boundSocket()
    close(descriptor)
    return port
  }

  private static func acceptsTLS(_ port: Int, caFile: String) -> Bool {
    guard let connection = try? TCPConnection(host: "127.0.0.1", port: port, timeout: 2) else { return false }
    return (try? connection.startTLS(host: "127.0.0.1", caFile: caFile)) != nil
  }

}

/// Why an IRC test fixture failed.
public enum IRCTestError: Error, CustomStringConvertible {
  /// The server or a client could not be set up.
  case setup(String)
  /// What was awaited did not arrive.
  case timedOut(String)

  public var description: String {
    switch self {
    case .setup(let text): return "IRC test setup: \(text)"
    case .timedOut(let text): return "IRC test: timed out waiting for \(text)"
    }
  }
}
