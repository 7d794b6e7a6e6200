import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// OAuth2 bearer tokens kept between runs, so that a sync with nothing to do makes one request.
///
/// One file per server and client id (`token-<digest>.json`, the digest of both) in a folder
/// outside the notebook: `PUSHNOTE_CACHE_DIR`, else `$XDG_CACHE_HOME/pushnote`, else
/// `~/.cache/pushnote`. The folder is made `0700`, the files `0600`; a file holds the server, the
/// client id, the token and when it expires, never the client secret. A token is reused until
/// shortly before it expires; a rejected one is replaced (see ``EtherpadClient``).
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
    var accessToken: String
    /// Seconds since 1970 at which the server said the token expires.
    var expiresAt: Double

    enum CodingKeys: String, CodingKey {
      case server
      case clientID = "client_id"
      case accessToken = "access_token"
      case expiresAt = "expires_at"
    }
  }

  /// The file of a server and client id.
  public func path(server: String, clientID: String) -> String {
    // FNV-1a over both: a stable name that spells neither (the file still names them, and a
    // mismatch is ignored, so a collision only costs a token fetch).
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in (server + "\n" + clientID).utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    let hex = String(hash, radix: 16)
    return (directory as NSString).appendingPathComponent("token-\(String(repeating: "0", count: 16 - hex.count))\(hex).json")
  }

  /// The cached token of a server and client id, if one is there, private to this user and valid
  /// for at least 30 more seconds after `now`.
  public func token(server: String, clientID: String, now: Date = Date()) -> String? {
    let path = path(server: server, clientID: clientID)
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & 0o077 == 0, info.st_uid == getuid(),
      let data = FileManager.default.contents(atPath: path), let entry = try? JSONDecoder().decode(Entry.self, from: data),
      entry.server == server, entry.clientID == clientID, !entry.accessToken.isEmpty
    else { return nil }
    return entry.expiresAt - now.timeIntervalSince1970 > 30 ? entry.accessToken : nil
  }

  /// Keeps `token` for a server and client id until `expiresAt`; failures only cost a fetch next
  /// time, so they are ignored.
  public func store(_ token: String, server: String, clientID: String, expiresAt: Date) {
    try? FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let path = path(server: server, clientID: clientID)
    // The file is made private before the token is written; the atomic write keeps its mode.
    let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { return }
    let madePrivate = fchmod(descriptor, 0o600) == 0
    close(descriptor)
    let entry = Entry(server: server, clientID: clientID, accessToken: token, expiresAt: expiresAt.timeIntervalSince1970)
    guard madePrivate, let data = try? JSONEncoder().encode(entry) else { return }
    try? AtomicFile.write([UInt8](data), to: path)
  }

  /// Forgets the token of a server and client id.
  public func remove(server: String, clientID: String) {
    unlink(path(server: server, clientID: clientID))
  }
}
