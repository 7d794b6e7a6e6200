import Foundation

/// Sends through an SMTP server given as `smtp://host:port` (port 25 when absent) or
/// `smtps://host:port` (implicit TLS from the first byte, port 465 when absent).
///
/// The session is TLS first for `smtps`; then EHLO, STARTTLS when the server offers it (then EHLO again), AUTH when credentials
/// are given (PLAIN, else LOGIN), MAIL FROM, RCPT TO for each recipient, DATA with dot-stuffing,
/// QUIT. Plain text is accepted only from a server on this machine (a loopback address): a server
/// elsewhere that does not offer STARTTLS is refused before anything is sent
/// (``MailError/tls(host:reason:)``).
public struct SMTPTransport: MailTransport {
  /// The server's host name or address.
  public var host: String
  /// The server's port.
  public var port: Int
  /// Whether TLS starts with the connection (`smtps://`) rather than after STARTTLS.
  public var implicitTLS: Bool
  /// The user and password for AUTH, from `PUSHNOTE_SMTP_USER` and `PUSHNOTE_SMTP_PASSWORD`.
  public var credentials: (user: String, password: String)?
  /// How long to wait for the connection and for each reply.
  public var timeout: TimeInterval
  /// Certificates to trust for the server instead of the system's (tests, private CAs).
  public var caFile: String?

  /// A transport for `smtp://host:port` or `smtps://host:port`.
  ///
  /// - Throws: ``MailError/transportConfiguration(_:)`` when the URL is not of that form.
  public init(
    url: String, credentials: (user: String, password: String)?, timeout: TimeInterval = 30, caFile: String? = nil
  ) throws(MailError) {
    let components = URLComponents(string: url)
    let scheme = components?.scheme?.lowercased()
    guard let components, scheme == "smtp" || scheme == "smtps", let host = components.host, !host.isEmpty,
      components.user == nil, components.password == nil, components.path.isEmpty || components.path == "/"
    else {
      throw .transportConfiguration(
        "'\(url)' is not smtp://host:port or smtps://host:port (credentials come from PUSHNOTE_SMTP_USER and PUSHNOTE_SMTP_PASSWORD)")
    }
    self.host = host
    implicitTLS = scheme == "smtps"
    port = components.port ?? (implicitTLS ? 465 : 25)
    self.credentials = credentials
    self.timeout = timeout
    self.caFile = caFile
  }

  public var description: String { "\(implicitTLS ? "smtps" : "smtp")://\(host):\(port)" + (credentials == nil ? "" : " with AUTH") }

  public func send(_ message: MailMessage) async throws(MailError) {
    let connection = try SMTPConnection(host: host, port: port, timeout: timeout)
    if implicitTLS { try connection.startTLS(host: host, caFile: caFile) }
    try expect(connection.readReply(), 220, "greeting")
    var hello = try self.hello(connection)
    if implicitTLS {
      // Encrypted from the first byte: STARTTLS is neither offered nor needed.
    } else if hello.lines.dropFirst().contains(where: { $0.uppercased().split(separator: " ").first == "STARTTLS" }) {
      try connection.command("STARTTLS")
      try expect(connection.readReply(), 220, "STARTTLS")
      try connection.startTLS(host: host, caFile: caFile)
      hello = try self.hello(connection)
    } else if !connection.peerIsLoopback {
      throw .tls(host: host, reason: "the server does not offer STARTTLS and is not on this machine, so the message would go in plain text")
    }
    if let credentials { try authenticate(connection, hello: hello, credentials: credentials) }
    try connection.command("MAIL FROM:<\(message.from.address)>")
    try expect(connection.readReply(), 250, "MAIL FROM")
    for recipient in message.envelopeRecipients {
      try connection.command("RCPT TO:<\(recipient)>")
      let reply = try connection.readReply()
      guard reply.code == 250 || reply.code == 251 else { throw .sendFailed("the server refused recipient \(recipient): \(reply)") }
    }
    try connection.command("DATA")
    try expect(connection.readReply(), 354, "DATA")
    try connection.write(SMTPTransport.dotStuffed(message.rendered()) + Array(".\r\n".utf8))
    try expect(connection.readReply(), 250, "the message")
    try? connection.command("QUIT")
    _ = try? connection.readReply()
  }

  /// EHLO and the server's reply listing its extensions.
  private func hello(_ connection: SMTPConnection) throws(MailError) -> SMTPConnection.Reply {
    try connection.command("EHLO \(SMTPTransport.clientName())")
    let reply = try connection.readReply()
    try expect(reply, 250, "EHLO")
    return reply
  }

  /// AUTH PLAIN when offered, else AUTH LOGIN.
  private func authenticate(
    _ connection: SMTPConnection, hello: SMTPConnection.Reply, credentials: (user: String, password: String)
  ) throws(MailError) {
    var mechanisms: Set<String> = []
    for line in hello.lines {
      let words = line.uppercased().split(separator: " ").map(String.init)
      if words.first == "AUTH" { mechanisms.formUnion(words.dropFirst()) }
    }
    func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
    if mechanisms.contains("PLAIN") {
      try connection.command("AUTH PLAIN " + base64("\0\(credentials.user)\0\(credentials.password)"))
    } else if mechanisms.contains("LOGIN") {
      try connection.command("AUTH LOGIN")
      try expect(connection.readReply(), 334, "AUTH LOGIN")
      try connection.command(base64(credentials.user))
      try expect(connection.readReply(), 334, "AUTH LOGIN")
      try connection.command(base64(credentials.password))
    } else {
      throw .authenticationRejected(reply: "the server offers no AUTH PLAIN or LOGIN, yet PUSHNOTE_SMTP_USER is set")
    }
    let reply = try connection.readReply()
    guard reply.code == 235 else {
      if reply.code == 535 || reply.code == 534 || reply.code == 530 { throw .authenticationRejected(reply: reply.description) }
      throw .sendFailed("AUTH: \(reply)")
    }
  }

  private func expect(_ reply: SMTPConnection.Reply, _ code: Int, _ step: String) throws(MailError) {
    guard reply.code == code else { throw .sendFailed("the SMTP server answered \(step) with \(reply)") }
  }

  /// The message with every line that starts with `.` given a second one (RFC 5321 4.5.2).
  static func dotStuffed(_ bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + 64)
    var atLineStart = true
    for byte in bytes {
      if atLineStart, byte == 0x2E { result.append(0x2E) }
      result.append(byte)
      atLineStart = byte == 0x0A
    }
    if !atLineStart { result += [0x0D, 0x0A] }
    return result
  }

  /// The name this client gives in EHLO: the machine's host name when it is a plain name.
  static func clientName() -> String {
    let name = ProcessInfo.processInfo.hostName
    let plain =
      !name.isEmpty
      && name.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x2E }
    return plain ? name : "localhost"
  }
}
