import Foundation

/// Where a notebook's pad lives and how pushnote proves itself there, from `pushnote.yml` and the
/// environment: what `pushnote sync` and `pushnote status` both connect with.
///
/// The server is `PUSHNOTE_PAD_URL` (when not empty), else `pad.url`; the credentials are
/// ``PadCredentials``; `PUSHNOTE_PAD_USER` and `PUSHNOTE_PAD_PASSWORD` are the basic credentials
/// of a server with `requireAuthentication`, which its realtime socket asks for.
public struct PadConnection: Sendable {
  /// The server's base URL as configured.
  public let server: String
  /// The API credentials; nil for none.
  public let credentials: PadCredentials?
  /// The basic credentials the realtime socket sends; nil for none.
  public let basic: (user: String, password: String)?
  /// Where OAuth tokens and realtime author tokens are kept between runs.
  public let tokenCache: PadTokenCache?
  /// Timeouts and retries (`PUSHNOTE_PAD_TIMEOUT`, `PUSHNOTE_PAD_ATTEMPTS`, `PUSHNOTE_PAD_BACKOFF`).
  public var options: EtherpadClient.Options
  private let allowInsecureHTTP: Bool

  /// The notebook's pad connection; nil when no server is configured.
  ///
  /// - Throws: ``SyncError/configuration(_:)`` for incomplete or misplaced credentials.
  public init?(notebook: Notebook, environment: [String: String]) throws(SyncError) {
    guard let server = environment["PUSHNOTE_PAD_URL"].flatMap({ $0.isEmpty ? nil : $0 }) ?? notebook.config.pad.url else { return nil }
    self.server = server
    credentials = try PadCredentials.load(environment: environment, notebookRoot: notebook.root)
    basic = environment["PUSHNOTE_PAD_USER"].flatMap { user in environment["PUSHNOTE_PAD_PASSWORD"].map { (user, $0) } }
    tokenCache = PadTokenCache.standard(environment: environment, notebookRoot: notebook.root)
    options = EtherpadClient.Options(environment: environment)
    allowInsecureHTTP = notebook.config.pad.allowInsecureHTTP
  }

  /// The error of a command that needs a pad when none is configured.
  public static let notConfigured = SyncError.configuration("no pad server: set pad.url in pushnote.yml or PUSHNOTE_PAD_URL")

  /// A client of the HTTP API speaking `apiVersion` (discovered on the first call when nil).
  ///
  /// - Throws: ``SyncError/configuration(_:)`` for a server URL that is not http(s), and for
  ///   credentials that would travel over plain http.
  public func client(apiVersion: String?) throws(SyncError) -> EtherpadClient {
    try EtherpadClient(
      server: server, credentials: credentials, options: options, apiVersion: apiVersion, allowInsecureHTTP: allowInsecureHTTP,
      tokenCache: tokenCache)
  }
}
