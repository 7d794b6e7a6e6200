import Foundation

/// A Jenkins user and API token for HTTP basic authentication.
///
/// They come from `PUSHNOTE_JENKINS_USER` + `PUSHNOTE_JENKINS_TOKEN`, or from a credentials file
/// outside the notebook that only its owner can read (`KEY=value` lines with the same names; its path
/// is `$PUSHNOTE_CREDENTIALS`, else `$XDG_CONFIG_HOME/pushnote/credentials`, else
/// `~/.config/pushnote/credentials`). The token never appears in a description, a URL or a message.
public struct JenkinsCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
  /// The environment variable naming the user.
  public static let userVariable = "PUSHNOTE_JENKINS_USER"
  /// The environment variable holding the API token.
  public static let tokenVariable = "PUSHNOTE_JENKINS_TOKEN"
  /// The environment variable that points at a credentials file.
  public static let fileVariable = "PUSHNOTE_CREDENTIALS"

  /// Where the credentials were found.
  public enum Source: Sendable, Equatable {
    /// The process environment.
    case environment
    /// A credentials file at this path.
    case file(String)
  }

  /// The Jenkins user.
  public let user: String
  /// The API token (or password); kept out of every description.
  let token: String
  /// Where they came from.
  public let source: Source

  /// Credentials given directly.
  public init(user: String, token: String, source: Source = .environment) {
    self.user = user
    self.token = token
    self.source = source
  }

  /// `user NAME (from the environment)`: never the token.
  public var description: String {
    switch source {
    case .environment: return "user \(user) (from the environment)"
    case .file(let path): return "user \(user) (from \(path))"
    }
  }

  /// The same as ``description``: the token stays out of debug output too.
  public var debugDescription: String { description }

  /// The user and the source only, so `dump` and test failures never show the token.
  public var customMirror: Mirror { Mirror(self, children: ["user": user, "source": source]) }

  /// The `Authorization` header's value.
  var authorization: String { "Basic " + Data("\(user):\(token)".utf8).base64EncodedString() }

  /// Finds the credentials: the environment first, then the credentials file; nil when neither has any.
  ///
  /// - Throws: ``StageError/incompleteCredentials(missing:)`` when only one of the pair is set;
  ///   ``StageError/credentialsFile(path:problem:)`` when the file is unsafe or unreadable.
  public static func load(environment: [String: String], notebookRoot: String) throws(StageError) -> JenkinsCredentials? {
    if let pair = try pair(from: environment, missingIn: "the environment") {
      return JenkinsCredentials(user: pair.user, token: pair.token, source: .environment)
    }
    let explicit = environment[fileVariable].flatMap { $0.isEmpty ? nil : $0 }
    guard let path = explicit ?? defaultFile(environment) else { return nil }
    guard FileManager.default.fileExists(atPath: path) else {
      if explicit != nil { throw .credentialsFile(path: path, problem: "no such file (named by \(fileVariable))") }
      return nil
    }
    try checkSafe(path, notebookRoot: notebookRoot)
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
      throw .credentialsFile(path: path, problem: "cannot be read as UTF-8 text")
    }
    guard let pair = try pair(from: try values(text, path: path), missingIn: path) else { return nil }
    return JenkinsCredentials(user: pair.user, token: pair.token, source: .file(path))
  }

  /// The user and token of a set of variables; nil when neither is there.
  private static func pair(from variables: [String: String], missingIn place: String) throws(StageError) -> (user: String, token: String)? {
    let user = variables[userVariable].flatMap { $0.isEmpty ? nil : $0 }
    let token = variables[tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
    switch (user, token) {
    case (nil, nil): return nil
    case (let user?, let token?): return (user, token)
    case (nil, _): throw .incompleteCredentials(missing: "\(userVariable) (in \(place))")
    case (_, nil): throw .incompleteCredentials(missing: "\(tokenVariable) (in \(place))")
    }
  }

  /// `$XDG_CONFIG_HOME/pushnote/credentials`, else `~/.config/pushnote/credentials`.
  private static func defaultFile(_ environment: [String: String]) -> String? {
    if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/pushnote/credentials" }
    guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
    return home + "/.config/pushnote/credentials"
  }

  /// Refuses a file others can read or write, one that is not a regular file, and one inside the notebook.
  private static func checkSafe(_ path: String, notebookRoot: String) throws(StageError) {
    let attributes: [FileAttributeKey: Any]
    do {
      attributes = try FileManager.default.attributesOfItem(atPath: (path as NSString).resolvingSymlinksInPath)
    } catch {
      throw .credentialsFile(path: path, problem: "cannot be read (\(error.localizedDescription))")
    }
    guard (attributes[.type] as? FileAttributeType) == .typeRegular else {
      throw .credentialsFile(path: path, problem: "is not a regular file")
    }
    let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o777
    guard mode & 0o077 == 0 else {
      throw .credentialsFile(path: path, problem: "others may read it (mode \(String(mode, radix: 8))); run chmod 600 on it")
    }
    let file = (path as NSString).resolvingSymlinksInPath
    let root = (notebookRoot as NSString).resolvingSymlinksInPath
    if file.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
      throw .credentialsFile(path: path, problem: "is inside the notebook, which git tracks; keep credentials outside it")
    }
  }

  /// The `KEY=value` lines of a credentials file (`#` comments, blank lines, `export `, quotes allowed).
  private static func values(_ text: String, path: String) throws(StageError) -> [String: String] {
    var result: [String: String] = [:]
    for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
      var line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
      guard let equals = line.firstIndex(of: "=") else {
        throw .credentialsFile(path: path, problem: "line \(index + 1) is not KEY=value")
      }
      var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, let quote = value.first, quote == "\"" || quote == "'", value.last == quote {
        value = String(value.dropFirst().dropLast())
      }
      result[line[..<equals].trimmingCharacters(in: .whitespaces)] = value
    }
    return result
  }
}
