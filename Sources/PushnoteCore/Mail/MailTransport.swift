import Foundation

/// Something that delivers a rendered message: a sendmail-compatible program or an SMTP server.
public protocol MailTransport: Sendable, CustomStringConvertible {
  /// Hands the message over for delivery to its envelope recipients.
  ///
  /// - Throws: ``MailError/sendFailed(_:)`` (exit 75) when delivery could not start; other
  ///   ``MailError`` cases for configuration and credentials.
  func send(_ message: MailMessage) async throws(MailError)
}

/// Chooses the transport `pushnote.yml` asks for.
public enum MailTransports {
  /// `mail.transport`: absent or `sendmail` for the `mail.sendmail` program, `smtp://host:port`
  /// (or `smtps://host:port`, implicit TLS) for SMTP with credentials from `PUSHNOTE_SMTP_USER` and `PUSHNOTE_SMTP_PASSWORD`.
  ///
  /// - Throws: ``MailError/transportConfiguration(_:)`` for anything else, or half the credentials.
  public static func make(config: NotebookConfig.MailConfig, environment: [String: String]) throws(MailError) -> any MailTransport {
    let setting = config.transport?.trimmingSpaces ?? "sendmail"
    if setting.isEmpty || setting == "sendmail" { return SendmailTransport(program: config.sendmail) }
    let lowered = setting.lowercased()
    guard lowered.hasPrefix("smtp://") || lowered.hasPrefix("smtps://") else {
      throw .transportConfiguration("mail.transport is '\(setting)'; use sendmail, smtp://host:port or smtps://host:port")
    }
    let user = environment["PUSHNOTE_SMTP_USER"].flatMap { $0.isEmpty ? nil : $0 }
    let password = environment["PUSHNOTE_SMTP_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
    switch (user, password) {
    case (let user?, let password?): return try SMTPTransport(url: setting, credentials: (user, password))
    case (nil, nil): return try SMTPTransport(url: setting, credentials: nil)
    default: throw .transportConfiguration("set both PUSHNOTE_SMTP_USER and PUSHNOTE_SMTP_PASSWORD, or neither")
    }
  }
}
