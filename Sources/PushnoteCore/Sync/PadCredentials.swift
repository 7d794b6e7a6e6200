import Foundation

/// How pushnote proves itself to the Etherpad server; never stored in the notebook.
///
/// Read from `PUSHNOTE_PAD_APIKEY`, or `PUSHNOTE_PAD_CLIENT_ID` + `PUSHNOTE_PAD_CLIENT_SECRET`
/// (OAuth2 client credentials), or else from a credentials file (`PUSHNOTE_PAD_CREDENTIALS`,
/// default `~/.config/pushnote/credentials`) of `apikey=…` or `client_id=…` / `client_secret=…`
/// lines, which must lie outside the notebook and be readable by its owner only.
public enum PadCredentials: Sendable, Equatable {
  /// Etherpad's `authenticationMethod: apikey`: the key goes in the form body.
  case apiKey(String)
  /// Etherpad 2.1+'s default `sso`: a bearer token from `{base}/oidc/token`.
  case clientCredentials(id: String, secret: String)

  /// The credentials the environment or the credentials file give; nil when there are none.
  ///
  /// - Throws: ``SyncError/configuration(_:)`` for a file inside the notebook, readable by others,
  ///   or incomplete.
  public static func load(environment: [String: String], notebookRoot: String) throws(SyncError) -> PadCredentials? {
    if let key = environment["PUSHNOTE_PAD_APIKEY"], !key.isEmpty { return .apiKey(key) }
    if let id = environment["PUSHNOTE_PAD_CLIENT_ID"], !id.isEmpty {
      guard let secret = environment["PUSHNOTE_PAD_CLIENT_SECRET"], !secret.isEmpty else {
        throw .configuration("PUSHNOTE_PAD_CLIENT_ID is set but PUSHNOTE_PAD_CLIENT_SECRET is not")
      }
      return .clientCredentials(id: id, secret: secret)
    }
    let path = environment["PUSHNOTE_PAD_CREDENTIALS"]
      ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config/pushnote/credentials")
    guard FileManager.default.fileExists(atPath: path) else { return nil }
    return try readFile(path, notebookRoot: notebookRoot)
  }

  private static func readFile(_ path: String, notebookRoot: String) throws(SyncError) -> PadCredentials {
    let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    let root = URL(fileURLWithPath: notebookRoot).resolvingSymlinksInPath().path
    if resolved == root || resolved.hasPrefix(root + "/") {
      throw .configuration("the credentials file \(path) lies inside the notebook; move it out (it must never be committed)")
    }
    var info = stat()
    guard stat(resolved, &info) == 0 else { throw .configuration("cannot read the credentials file \(path)") }
    if info.st_mode & 0o077 != 0 {
      throw .configuration("the credentials file \(path) is readable by others; run chmod 600 \(path)")
    }
    guard let data = FileManager.default.contents(atPath: resolved), let text = String(data: data, encoding: .utf8) else {
      throw .configuration("cannot read the credentials file \(path)")
    }
    var fields: [String: String] = [:]
    for line in text.split(whereSeparator: \.isNewline) {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { continue }
      fields[trimmed[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] =
        trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
    }
    if let key = fields["apikey"], !key.isEmpty { return .apiKey(key) }
    if let id = fields["client_id"], let secret = fields["client_secret"], !id.isEmpty, !secret.isEmpty {
      return .clientCredentials(id: id, secret: secret)
    }
    throw .configuration("the credentials file \(path) holds neither apikey= nor client_id= and client_secret=")
  }
}
