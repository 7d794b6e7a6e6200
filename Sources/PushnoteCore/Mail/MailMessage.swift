import Foundation

/// One RFC 5322 message: a `text/plain; charset=utf-8` body, and optionally one attachment
/// (the hand-over's `text/calendar` event) in a `multipart/mixed` message.
///
/// Rendering folds headers within 78 octets, encodes non-ASCII header text as RFC 2047
/// encoded-words, keeps body lines within 78 octets (quoted-printable when needed) and ends every
/// line in CRLF. Text from a note can never start a header field of its own.
public struct MailMessage: Sendable, Equatable {
  /// The sender.
  public var from: MailAddress
  /// The recipients.
  public var to: [MailAddress]
  /// Copies.
  public var cc: [MailAddress]
  /// Where replies go; nil for the sender.
  public var replyTo: MailAddress?
  /// The subject, one line (control characters are removed when rendering).
  public var subject: String
  /// When the message was written.
  public var date: Date
  /// The zone the `Date` header is written in.
  public var timeZone: TimeZone
  /// The Message-ID without its angle brackets: `left@right`.
  public var messageID: String
  /// The body's text, lines ending in LF.
  public var body: String
  /// A second part, attached after the body.
  public var attachment: Attachment?
  /// The MIME boundary of a message with an attachment; nil (the default) for a random one.
  ///
  /// A random one is drawn each time the message is rendered. Either way, one that the body or the
  /// attachment contains is replaced by a random one, so no text of a note can end a part early or
  /// hide the attachment.
  public var boundary: String?

  /// A file attached to the message, sent base64-encoded.
  public struct Attachment: Sendable, Equatable {
    /// The MIME type with its parameters, without the charset: `text/calendar; method=PUBLISH`.
    public var contentType: String
    /// The file name offered to the reader.
    public var fileName: String
    /// The content, UTF-8.
    public var text: String

    /// Creates an attachment.
    public init(contentType: String, fileName: String, text: String) {
      self.contentType = contentType
      self.fileName = fileName
      self.text = text
    }
  }

  /// Creates a message.
  public init(
    from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], replyTo: MailAddress? = nil, subject: String,
    date: Date, timeZone: TimeZone, messageID: String, body: String, attachment: Attachment? = nil
  ) {
    self.from = from
    self.to = to
    self.cc = cc
    self.replyTo = replyTo
    self.subject = subject
    self.date = date
    self.timeZone = timeZone
    self.messageID = messageID
    self.body = body
    self.attachment = attachment
  }

  /// The envelope's recipients: every To and Cc address, once each, in order.
  public var envelopeRecipients: [String] {
    var seen: Set<String> = []
    return (to + cc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
  }

  /// The whole message, CRLF line ends, ready for a file or a transport.
  public func rendered() -> [UInt8] { Array(renderedText().utf8) }

  /// The whole message as text (ASCII only: everything else is encoded).
  public func renderedText() -> String {
    var header = HeaderEncoder.addresses(name: "From", [from])
    if !to.isEmpty { header += HeaderEncoder.addresses(name: "To", to) }
    if !cc.isEmpty { header += HeaderEncoder.addresses(name: "Cc", cc) }
    if let replyTo { header += HeaderEncoder.addresses(name: "Reply-To", [replyTo]) }
    header += HeaderEncoder.unstructured(name: "Subject", value: subject)
    header += HeaderEncoder.token(name: "Date", value: MailMessage.dateHeader(date, in: timeZone))
    header += HeaderEncoder.token(name: "Message-ID", value: "<\(messageID)>")
    header += HeaderEncoder.token(name: "MIME-Version", value: "1.0")
    header += "X-Mailer: pushnote\r\n"
    let (encoding, encodedBody) = BodyEncoding.encode(body)
    let textHeaders =
      "Content-Type: text/plain; charset=utf-8\r\n" + "Content-Transfer-Encoding: \(encoding.rawValue)\r\n"
    guard let attachment else { return header + textHeaders + "\r\n" + encodedBody + "\r\n" }
    let encodedAttachment = Data(attachment.text.utf8).base64EncodedString(
      options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    var boundary = self.boundary ?? MailMessage.randomBoundary()
    while encodedBody.contains(boundary) || encodedAttachment.contains(boundary) || attachment.contentType.contains(boundary) {
      boundary = MailMessage.randomBoundary()
    }
    var parts = header + "Content-Type: multipart/mixed;\r\n boundary=\"\(boundary)\"\r\n\r\n"
    parts += "This is a MIME message in two parts.\r\n"
    // The CRLF before a boundary belongs to the boundary: the body's own last line end comes first.
    parts += "--\(boundary)\r\n" + textHeaders + "\r\n" + encodedBody + "\r\n\r\n"
    parts += "--\(boundary)\r\n"
    parts += "Content-Type: \(attachment.contentType); charset=utf-8\r\n"
    parts += "Content-Transfer-Encoding: base64\r\n"
    parts += HeaderEncoder.token(
      name: "Content-Disposition", value: "attachment; filename=\"\(MailMessage.safeFileName(attachment.fileName))\"")
    parts += "\r\n" + encodedAttachment
    return parts + "\r\n--\(boundary)--\r\n"
  }

  /// `Tue, 01 Dec 2026 12:40:00 -0800`.
  static func dateHeader(_ date: Date, in zone: TimeZone) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = zone
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    return formatter.string(from: date)
  }

  /// A file name of letters, digits, `-`, `_` and `.` only, for a parameter value.
  static func safeFileName(_ name: String) -> String {
    let kept = String(
      name.unicodeScalars.filter {
        $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
      })
    return kept.isEmpty ? "attachment" : kept
  }

  /// `=_pushnote_` and 32 random hex digits (128 bits from the system's generator): not to be guessed
  /// from anything the message shows.
  static func randomBoundary() -> String {
    var generator = SystemRandomNumberGenerator()
    let digits = (0..<2).map { _ in
      let hex = String(generator.next() as UInt64, radix: 16)
      return String(repeating: "0", count: 16 - hex.count) + hex
    }
    return "=_pushnote_" + digits.joined()
  }
}
