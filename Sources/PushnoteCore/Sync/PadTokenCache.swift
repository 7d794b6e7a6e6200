import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OAuth2 bearer tokens kept between runs, so that a sync with nothing to do makes one request.
///
/// One file per server, client id and client secret (`token-<digest>.json`) in a folder outside
/// the notebook: `PUSHNOTE_CACHE_DIR`, else `$XDG_CACHE_HOME/pushnote`, else `~/.cache/pushnote`.
/// The folder is made `0700`, the files `0600`; a file holds the server, the client id, a
/// fingerprint of the secret (``secretFingerprint(server:clientID:secret:)``, never the secret), the
/// token and when it expires. A token is reused until shortly before it expires, and only with the
/// secret it was issued for: a changed or wrong secret is not hidden by a cached token, it fetches
/// one (and is rejected there). A rejected token is replaced (see ``EtherpadClient``).
public struct PadTokenCache: Sendable {
  /// The folder holding the token files.
  public let directory: String

  /// A cache in `directory`.
  public init(directory: String) {
    self.directory = directory
  }

  /// The cache the environment names, or nil when it has no home for one or the folder would lie
  /// inside the notebook (tokens are never written where they could be committed).
  public static func standard(environment: [String: String], notebookRoot: String) -> PadTokenCache? {
    let directory: String
    if let explicit = environment["PUSHNOTE_CACHE_DIR"], !explicit.isEmpty {
      directory = explicit
    } else if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      directory = (xdg as NSString).appendingPathComponent("pushnote")
    } else if let home = environment["HOME"], home.hasPrefix("/") {
      directory = (home as NSString).appendingPathComponent(".cache/pushnote")
    } else {
      return nil
    }
    let resolved = URL(fileURLWithPath: directory).standardizedFileURL.resolvingSymlinksInPath().path
    let root = URL(fileURLWithPath: notebookRoot).standardizedFileURL.resolvingSymlinksInPath().path
    if resolved == root || resolved.hasPrefix(root + "/") { return nil }
    return PadTokenCache(directory: directory)
  }

  /// What one file holds.
  private struct Entry: Codable {
    var server: String
    var clientID: String
    var secretFingerprint: String
    var accessToken: String
    /// Seconds since 1970 at which the server said the token expires.
    var expiresAt: Double

    enum CodingKeys: String, CodingKey {
      case server
      case clientID = "client_id"
      case secretFingerprint = "secret_fingerprint"
      case accessToken = "access_token"
      case expiresAt = "expires_at"
    }
  }

  /// SHA-256 of the secret with the server and client id it belongs to: tells secrets apart, spells
  /// none, and differs between servers for one secret.
  public static func secretFingerprint(server: String, clientID: String, secret: String) -> String {
    SHA256.hex(Array("pushnote pad client secret\n\(server)\n\(clientID)\n\(secret)".utf8))
  }

  /// The file of a server, client id and secret.
  public func path(server: String, clientID: String, secret: String) -> String {
    // FNV-1a over the server, the id and the secret's fingerprint: a stable name that spells none
    // (the file still names the first two, and a mismatch is ignored, so a collision only costs a
    // token fetch).
    let fingerprint = Self.secretFingerprint(server: server, clientID: clientID, secret: secret)
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in (server + "\n" + clientID + "\n" + fingerprint).utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    let hex = String(hash, radix: 16)
    return (directory as NSString).appendingPathComponent("token-\(String(repeating: "0", count: 16 - hex.count))\(hex).json")
  }

  /// The cached token of a server, client id and secret, if one is there, private to this user and
  /// valid for at least 30 more seconds after `now`.
  public func token(server: String, clientID: String, secret: String, now: Date = Date()) -> String? {
    let path = path(server: server, clientID: clientID, secret: secret)
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & 0o077 == 0, info.st_uid == getuid(),
      let data = FileManager.default.contents(atPath: path), let entry = try? JSONDecoder().decode(Entry.self, from: data),
      entry.server == server, entry.clientID == clientID,
      entry.secretFingerprint == Self.secretFingerprint(server: server, clientID: clientID, secret: secret), !entry.accessToken.isEmpty
    else { return nil }
    return entry.expiresAt - now.timeIntervalSince1970 > 30 ? entry.accessToken : nil
  }

  /// Keeps `token` for a server, client id and secret until `expiresAt`; failures only cost a fetch
  /// next time, so they are ignored.
  public func store(_ token: String, server: String, clientID: String, secret: String, expiresAt: Date) {
    try? FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let path = path(server: server, clientID: clientID, secret: secret)
    // The file is made private before the token is written; the atomic write keeps its mode.
    let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return }
    let madePrivate = fchmod(descriptor, 0o600) == 0
    close(descriptor)
    let entry = Entry(
      server: server, clientID: clientID, secretFingerprint: Self.secretFingerprint(server: server, clientID: clientID, secret: secret),
      accessToken: token, expiresAt: expiresAt.timeIntervalSince1970)
    guard madePrivate, let data = try? JSONEncoder().encode(entry) else { return }
    try? AtomicFile.write([UInt8](data), to: path)
  }

  /// Forgets the token of a server, client id and secret.
  public func remove(server: String, clientID: String, secret: String) {
    unlink(path(server: server, clientID: clientID, secret: secret))
  }
}
