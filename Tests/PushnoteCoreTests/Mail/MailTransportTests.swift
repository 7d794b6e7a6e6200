import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// Sending through a stand-in `sendmail` the test writes and a real SMTP server (aiosmtpd) on 127.0.0.1.
@Suite struct MailTransportTests {
  /// A script standing in for `sendmail -t`: stores its arguments and standard input, exits with `status`.
  static func fakeSendmail(in folder: TemporaryDirectory, status: Int = 0) throws -> String {
    let path = folder.appending("sendmail")
    let script = """
      #!/bin/sh
      printf '%s\\n' "$@" > "\(folder.appending("argv"))"
      cat > "\(folder.appending("stdin"))"
      echo "stand-in sendmail says hello" >&2
      exit \(status)

      """
    try AtomicFile.write(script, to: path)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    return path
  }

  static func message() throws -> MailMessage { try MailFixtures.compose(MailFixtures.finishedNote()).message }

  @Test func sendmailGetsDashTDashOiAndTheMessageWithLocalLineEnds() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let message = try Self.message()
    try await SendmailTransport(program: try Self.fakeSendmail(in: folder)).send(message)
    #expect(try String(contentsOfFile: folder.appending("argv"), encoding: .utf8) == "-t\n-oi\n")
    let received = try AtomicFile.read(folder.appending("stdin"))
    #expect(received == Array(message.renderedText().replacingOccurrences(of: "\r\n", with: "\n").utf8))
    #expect(!received.contains(0x0D))
  }

  @Test func aFailingSendmailIsATemporaryFailureWithWhatItSaid() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let transport = SendmailTransport(program: try Self.fakeSendmail(in: folder, status: 75))
    let error = await #expect(throws: MailError.self) { try await transport.send(try Self.message()) }
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(error?.description.contains("stand-in sendmail says hello") == true)
  }

  /// A message bigger than a pipe holds, so writing it waits for a reader that is gone.
  static func bigMessage() throws -> MailMessage {
    var message = try Self.message()
    message.body += String(repeating: "A line of what went out in this push, one of many.\n", count: 4_000)
    return message
  }

  @Test func aSendmailThatExitsWithoutReadingIsATemporaryFailureNotASIGPIPE() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let quitter = folder.appending("quitter")
    try AtomicFile.write("#!/bin/sh\necho 'quitter: not today' >&2\nexec 0<&-\nsleep 0.2\nexit 0\n", to: quitter)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: quitter)
    for program in ["/bin/true", quitter] {
      let error = await #expect(throws: MailError.self) { try await SendmailTransport(program: program).send(try Self.bigMessage()) }
      #expect(error?.exitStatus == .temporaryFailure)
      #expect(
        error?.description.contains("\(program) -t -oi ended with exited(0) before it read the whole message") == true,
        "\(String(describing: error))")
    }
    let error = await #expect(throws: MailError.self) { try await SendmailTransport(program: quitter).send(try Self.bigMessage()) }
    #expect(error?.description.contains("quitter: not today") == true)
    let failing = folder.appending("failing")
    try AtomicFile.write("#!/bin/sh\necho 'queue full' >&2\nexit 75\n", to: failing)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: failing)
    let status = await #expect(throws: MailError.self) { try await SendmailTransport(program: failing).send(try Self.bigMessage()) }
    #expect(status?.description.contains("ended with exited(75): queue full") == true, "\(String(describing: status))")
  }

  @Test func sendmailGetsNoPushnoteSecretsInItsEnvironment() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let variable = "PUSHNOTE_TEST_SECRET_\(UUID().uuidString.replacingOccurrences(of: "-", with: "_"))"
    setenv(variable, "s3cret-for-the-child", 1)
    defer { unsetenv(variable) }
    let script = folder.appending("sendmail")
    try AtomicFile.write("#!/bin/sh\nenv > \"\(folder.appending("env"))\"\ncat > /dev/null\n", to: script)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
    try await SendmailTransport(program: script).send(try Self.message())
    let environment = try String(contentsOfFile: folder.appending("env"), encoding: .utf8)
    #expect(!environment.contains("s3cret-for-the-child"))
    #expect(!environment.contains("PUSHNOTE_"))
    #expect(environment.contains("PATH="))
  }

  @Test func aMissingSendmailIsAConfigurationError() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-sendmail")
    let transport = SendmailTransport(program: folder.appending("nothing-here"))
    let error = await #expect(throws: MailError.self) { try await transport.send(try Self.message()) }
    #expect(error?.exitStatus == .configuration)
  }

  @Test func smtpDeliversTheExactBytesToEveryRecipient() async throws {
    let server = try SMTPTestServer()
    var message = try Self.message()
    message.cc = [try MailAddress(name: "Ops", address: "ops@example.org", field: "cc")]
    message.body = "A line.\n.\n..two dots\n.leading dot\n"
    try await SMTPTransport(url: server.url, credentials: nil, timeout: 10).send(message)
    let received = try server.received()
    #expect(received.count == 1)
    #expect(received.first?.mailFrom == "rm@example.org")
    #expect(received.first?.rcptTos == ["dev-marketplace@lists.example.org", "ops@example.org"])
    #expect(received.first?.data == message.renderedText())
    #expect(received.first?.authUser == nil)
    #expect(try await MailOracle.parse(Array((received.first?.data ?? "").utf8)).parts.first?.content == message.body)
  }

  @Test(arguments: [false, true])
  func smtpAuthenticatesWithTheCredentialsGiven(loginOnly: Bool) async throws {
    let server = try SMTPTestServer(auth: "pushbot:s3cret", loginOnly: loginOnly)
    let message = try Self.message()
    try await SMTPTransport(url: server.url, credentials: ("pushbot", "s3cret"), timeout: 10).send(message)
    let received = try server.received()
    #expect(received.first?.authUser == "pushbot")
    #expect(received.first?.data == message.renderedText())
  }

  @Test func rejectedCredentialsArePermissionErrorsWithoutThePassword() async throws {
    let server = try SMTPTestServer(lifetime: 10, auth: "pushbot:s3cret")
    let transport = try SMTPTransport(url: server.url, credentials: ("pushbot", "wrong-password"), timeout: 10)
    let error = await #expect(throws: MailError.self) { try await transport.send(try Self.message()) }
    #expect(error?.exitStatus == .permission)
    #expect(error?.description.contains("wrong-password") == false)
    #expect(transport.description.contains("wrong-password") == false)
  }

  @Test func aRefusedRecipientFailsTheSend() async throws {
    let server = try SMTPTestServer(lifetime: 10, rejecting: ["dev-marketplace@lists.example.org"])
    let transport = try SMTPTransport(url: server.url, credentials: nil, timeout: 10)
    let error = await #expect(throws: MailError.self) { try await transport.send(try Self.message()) }
    #expect(error?.exitStatus == .temporaryFailure)
    #expect(error?.description.contains("550") == true)
  }

  @Test func nobodyListeningIsATemporaryFailure() async throws {
    let closed = try ClosedLoopbackPort()
    let transport = try SMTPTransport(url: "smtp://127.0.0.1:\(closed.port)", credentials: nil, timeout: 5)
    let error = await #expect(throws: MailError.self) { try await transport.send(try Self.message()) }
    #expect(error?.exitStatus == .temporaryFailure)
    withExtendedLifetime(closed) {}
  }

  @Test(arguments: ["sendmail", "smtp://mail.example.org:587", "smtp://127.0.0.1", "http://x", "smtp://user:pw@host:25", "smtp://"])
  func transportsComeFromTheSetting(_ setting: String) {
    var config = NotebookConfig.MailConfig()
    config.transport = setting
    let made = try? MailTransports.make(config: config, environment: [:])
    switch setting {
    case "sendmail": #expect(made is SendmailTransport)
    case "smtp://mail.example.org:587": #expect((made as? SMTPTransport)?.port == 587)
    case "smtp://127.0.0.1": #expect((made as? SMTPTransport)?.port == 25)
    default: #expect(made == nil)
    }
  }

  @Test func halfTheCredentialsIsAConfigurationError() {
    var config = NotebookConfig.MailConfig()
    config.transport = "smtp://127.0.0.1:2525"
    #expect(throws: MailError.self) { try MailTransports.make(config: config, environment: ["PUSHNOTE_SMTP_USER": "u"]) }
    let made = try? MailTransports.make(config: config, environment: ["PUSHNOTE_SMTP_USER": "u", "PUSHNOTE_SMTP_PASSWORD": "p"])
    #expect((made as? SMTPTransport)?.credentials?.user == "u")
  }

  @Test func dotStuffingDoublesLeadingDots() {
    let stuffed = SMTPTransport.dotStuffed(Array(".a\r\nb.\r\n..c\r\n".utf8))
    #expect(String(decoding: stuffed, as: UTF8.self) == "..a\r\nb.\r\n...c\r\n")
  }
}

/// STARTTLS against aiosmtpd with a self-signed certificate for 127.0.0.1.
@Suite struct SMTPStartTLSTests {
  @Test func startTLSIsUsedWhenOfferedAndAuthGoesInsideIt() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-tls")
    let pem = try await SMTPTestServer.makeCertificate(in: folder)
    let server = try SMTPTestServer(auth: "pushbot:s3cret", tls: pem)
    let message = try MailTransportTests.message()
    let transport = try SMTPTransport(url: server.url, credentials: ("pushbot", "s3cret"), timeout: 10, caFile: pem.certificate)
    try await transport.send(message)
    let received = try server.received()
    #expect(received.first?.tls == true)
    #expect(received.first?.authUser == "pushbot")
    #expect(received.first?.rcptTos == ["dev-marketplace@lists.example.org"])
    #expect(received.first?.data == message.renderedText())
  }

  @Test func anUntrustedCertificateStopsTheSendBeforeAnythingIsSent() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-tls")
    let pem = try await SMTPTestServer.makeCertificate(in: folder)
    let other = try TemporaryDirectory(prefix: "pushnote-tls-other")
    let stranger = try await SMTPTestServer.makeCertificate(in: other)
    let server = try SMTPTestServer(lifetime: 10, auth: "pushbot:s3cret", tls: pem)
    let transport = try SMTPTransport(url: server.url, credentials: ("pushbot", "s3cret"), timeout: 10, caFile: stranger.certificate)
    let error = await #expect(throws: MailError.self) { try await transport.send(try MailTransportTests.message()) }
    #expect(error?.exitStatus == .unavailable)
    #expect(error?.description.contains("certificate not trusted") == true, "\(error?.description ?? "")")
    #expect(error?.description.contains("s3cret") == false)
  }

  @Test func aCertificateForAnotherNameIsRefused() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-tls")
    let pem = try await SMTPTestServer.makeCertificate(in: folder, names: "DNS:mail.example.org")
    let server = try SMTPTestServer(lifetime: 10, tls: pem)
    let transport = try SMTPTransport(url: server.url, credentials: nil, timeout: 10, caFile: pem.certificate)
    let error = await #expect(throws: MailError.self) { try await transport.send(try MailTransportTests.message()) }
    #expect(error?.exitStatus == .unavailable)
    #expect(error?.description.contains("certificate not trusted") == true, "\(error?.description ?? "")")
  }

  @Test func implicitTLSEncryptsFromTheFirstByte() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-tls")
    let pem = try await SMTPTestServer.makeCertificate(in: folder)
    let server = try SMTPTestServer(auth: "pushbot:s3cret", tls: pem, implicitTLS: true)
    let message = try MailTransportTests.message()
    let transport = try SMTPTransport(url: server.url, credentials: ("pushbot", "s3cret"), timeout: 10, caFile: pem.certificate)
    #expect(transport.implicitTLS && transport.description.hasPrefix("smtps://127.0.0.1:"))
    try await transport.send(message)
    let received = try server.received()
    #expect(received.first?.tls == true)
    #expect(received.first?.authUser == "pushbot")
    #expect(received.first?.data == message.renderedText())
  }

  @Test func implicitTLSChecksTheCertificateBeforeTheGreeting() async throws {
    let folder = try TemporaryDirectory(prefix: "pushnote-tls")
    let pem = try await SMTPTestServer.makeCertificate(in: folder)
    let other = try TemporaryDirectory(prefix: "pushnote-tls-other")
    let stranger = try await SMTPTestServer.makeCertificate(in: other)
    let server = try SMTPTestServer(lifetime: 10, auth: "pushbot:s3cret", tls: pem, implicitTLS: true)
    let transport = try SMTPTransport(url: server.url, credentials: ("pushbot", "s3cret"), timeout: 10, caFile: stranger.certificate)
    let error = await #expect(throws: MailError.self) { try await transport.send(try MailTransportTests.message()) }
    #expect(error?.exitStatus == .unavailable)
    #expect(error?.description.contains("certificate not trusted") == true, "\(error?.description ?? "")")
  }

  @Test func smtpsDefaultsToPort465() throws {
    #expect(try SMTPTransport(url: "smtps://mail.example.org", credentials: nil).port == 465)
    #expect(try SMTPTransport(url: "smtp://mail.example.org", credentials: nil).port == 25)
    #expect(throws: MailError.self) { try SMTPTransport(url: "smtpx://mail.example.org", credentials: nil) }
  }
}
