import Foundation

/// A real SMTP server for tests: Python's aiosmtpd on 127.0.0.1 on a port the system picks
/// (`Tests/Fixtures/mail/smtp_server.py`), bounded in time, stopped when the value is released.
public final class SMTPTestServer: @unchecked Sendable {
  /// One message the server accepted.
  public struct Received: Decodable, Sendable {
    /// The envelope sender.
    public var mailFrom: String
    /// The envelope recipients.
    public var rcptTos: [String]
    /// The message's bytes as the server received them (after dot-unstuffing), as latin-1 text.
    public var data: String
    /// The user that authenticated, if any.
    public var authUser: String?
    /// Whether the session was encrypted (STARTTLS or implicit TLS).
    public var tls: Bool

    enum CodingKeys: String, CodingKey {
      case mailFrom = "mail_from"
      case rcptTos = "rcpt_tos"
      case data
      case authUser = "auth_user"
      case tls
    }
  }

  /// Why the server could not be used.
  public struct Failure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// The port it listens on.
  public let port: Int
  /// `smtp`, or `smtps` for implicit TLS.
  private let scheme: String
  private let process: Process
  private let output: FileHandle
  /// The server's standard input: closing it stops the server.
  private let input: Pipe
  private var pending = Data()

  /// Starts the server.
  ///
  /// - Parameters:
  ///   - messages: it exits after accepting this many messages.
  ///   - lifetime: it exits after this many seconds in any case.
  ///   - auth: `USER:PASSWORD` it requires (AUTH PLAIN and LOGIN, without TLS).
  ///   - loginOnly: offer AUTH LOGIN and not PLAIN.
  ///   - tls: a certificate and its key (PEM files) to offer and require STARTTLS with.
  ///   - implicitTLS: with `tls`, speak TLS from the first byte (`smtps://`) instead of STARTTLS.
  ///   - rejecting: recipients it refuses with 550.
  public init(
    messages: Int = 1, lifetime: Double = 60, auth: String? = nil, loginOnly: Bool = false,
    tls: (certificate: String, key: String)? = nil, implicitTLS: Bool = false, rejecting: [String] = []
  ) throws {
    var arguments = [Fixtures.fixture("mail/smtp_server.py"), "--messages", String(messages), "--lifetime", String(lifetime)]
    if let auth { arguments += ["--auth", auth] }
    if loginOnly { arguments.append("--login-only") }
    if let tls { arguments += ["--tls-cert", tls.certificate, "--tls-key", tls.key] }
    if implicitTLS { arguments.append("--implicit-tls") }
    for address in rejecting { arguments += ["--reject-rcpt", address] }
    process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-W", "ignore"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    input = Pipe()
    process.standardInput = input
    output = pipe.fileHandleForReading
    try process.run()
    var firstLine: String?
    var buffered = Data()
    while firstLine == nil {
      let chunk = output.availableData
      guard !chunk.isEmpty else { break }
      buffered += chunk
      if let newline = buffered.firstIndex(of: 0x0A) {
        firstLine = String(decoding: buffered[..<newline], as: UTF8.self)
        pending = Data(buffered[(newline + 1)...])
      }
    }
    guard let firstLine, firstLine.hasPrefix("PORT "), let port = Int(firstLine.dropFirst(5)) else {
      process.terminate()
      throw Failure(description: "the SMTP test server did not start (is aiosmtpd installed? scripts/setup-debian.sh --with-test-oracles)")
    }
    self.port = port
    scheme = implicitTLS ? "smtps" : "smtp"
  }

  /// Makes a self-signed certificate with `openssl`, valid one day, in `folder`: `cert.pem` (also
  /// the CA file a client trusts) and `key.pem`; by default for 127.0.0.1 and `localhost`.
  public static func makeCertificate(
    in folder: TemporaryDirectory, names: String = "IP:127.0.0.1,DNS:localhost"
  ) async throws -> (certificate: String, key: String) {
    let certificate = folder.appending("cert.pem")
    let key = folder.appending("key.pem")
    let result = try await ProcessRunner.run(
      "openssl",
      [
        "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1",
        "-subj", "/CN=pushnote test", "-addext", "subjectAltName=" + names,
      ])
    guard result.status == 0 else { throw Failure(description: "openssl req failed: \(result.stderr)") }
    return (certificate, key)
  }

  /// The URL a transport uses: `smtp://127.0.0.1:PORT` (`smtps://` with implicit TLS).
  public var url: String { "\(scheme)://127.0.0.1:\(port)" }

  /// Waits for the server to exit (after its messages or its lifetime) and returns what it received.
  public func received() throws -> [Received] {
    process.waitUntilExit()
    let rest = pending + output.readDataToEndOfFile()
    return try rest.split(separator: 0x0A).map { try JSONDecoder().decode(Received.self, from: Data($0)) }
  }

  deinit {
    try? input.fileHandleForWriting.close()
    if process.isRunning { process.terminate() }
  }
}
