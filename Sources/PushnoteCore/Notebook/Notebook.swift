import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A git-tracked folder of weekly push notes with its `pushnote.yml`.
///
/// The push date names everything: tag `YYYY.MM.DD`, pad `<prefix>YYYY-MM-DD`, note file
/// `YYYY/<prefix>YYYY-MM-DD.md` under the notebook.
public struct Notebook: Sendable {
  /// The notebook's folder, absolute.
  public let root: String
  /// Its configuration (the defaults when it has no `pushnote.yml`).
  public let config: NotebookConfig

  /// The configuration file's name.
  public static let configFileName = "pushnote.yml"
  /// Folders under the notebook that hold no notes.
  public static let reservedFolders: Set<String> = ["templates", ".pushnote", ".git"]

  /// Opens the notebook at `root`, reading its `pushnote.yml` if it has one.
  ///
  /// - Throws: ``NotebookError/configuration(path:line:column:message:)`` for a bad configuration.
  public init(root: String) throws(NotebookError) {
    self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    let configPath = (self.root as NSString).appendingPathComponent(Notebook.configFileName)
    if FileManager.default.fileExists(atPath: configPath) {
      let bytes = try AtomicFile.read(configPath)
      guard let text = String(validating: bytes, as: UTF8.self) else {
        let offset = SourceText.firstInvalidUTF8Offset(bytes) ?? 0
        let location = SourceText(String(decoding: bytes, as: UTF8.self)).location(ofOffset: offset)
        throw .configuration(
          path: configPath, line: location.line, column: location.column, message: "invalid UTF-8 at byte offset \(offset)")
      }
      config = try NotebookConfig(yaml: text, path: configPath)
    } else {
      config = NotebookConfig()
    }
  }

  /// Opens a notebook with a configuration given in code (tests, tools).
  public init(root: String, config: NotebookConfig) {
    self.root = URL(fileURLWithPath: root).standardizedFileURL.path
    self.config = config
  }

  /// Finds the notebook folder as DESIGN.md says: `--notebook`, then `PUSHNOTE_NOTEBOOK`, then the
  /// nearest folder upward holding `pushnote.yml`, then `./notebook`.
  ///
  /// - Throws: ``NotebookError/notebookNotFound(searchedFrom:)`` when none applies.
  public static func locate(explicit: String?, environment: [String: String], workingDirectory: String) throws(NotebookError) -> String {
    func absolute(_ path: String) -> String {
      path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
    }
    if let explicit, !explicit.isEmpty { return absolute(explicit) }
    if let fromEnvironment = environment["PUSHNOTE_NOTEBOOK"], !fromEnvironment.isEmpty { return absolute(fromEnvironment) }
    var directory = URL(fileURLWithPath: workingDirectory).standardizedFileURL
    while true {
      if FileManager.default.fileExists(atPath: directory.appendingPathComponent(configFileName).path) { return directory.path }
      let parent = directory.deletingLastPathComponent()
      if parent.path == directory.path { break }
      directory = parent
    }
    let fallback = absolute("notebook")
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: fallback, isDirectory: &isDirectory), isDirectory.boolValue { return fallback }
    throw .notebookNotFound(searchedFrom: workingDirectory)
  }

  /// The notebook a Markdown file belongs to: `explicitRoot` (from `--notebook` or
  /// `PUSHNOTE_NOTEBOOK`) when the file is inside it, else the nearest folder above the file holding
  /// `pushnote.yml`, else none: then the file is read with the defaults, in a notebook of its own
  /// folder, and never judged against another notebook's repositories.
  ///
  /// - Throws: ``NotebookError/configuration(path:line:column:message:)`` for a bad configuration.
  public static func owning(file path: String, explicitRoot: String?) throws(NotebookError) -> Notebook {
    let file = URL(fileURLWithPath: path).standardizedFileURL
    if let explicitRoot {
      let root = URL(fileURLWithPath: explicitRoot).standardizedFileURL.path
      if file.path.hasPrefix(root + "/") { return try Notebook(root: root) }
    }
    var directory = file.deletingLastPathComponent()
    while true {
      if FileManager.default.fileExists(atPath: directory.appendingPathComponent(configFileName).path) {
        return try Notebook(root: directory.path)
      }
      let parent = directory.deletingLastPathComponent()
      if parent.path == directory.path { break }
      directory = parent
    }
    return Notebook(root: file.deletingLastPathComponent().path, config: NotebookConfig())
  }

  // MARK: Names

  /// The tag of a push date's first push.
  public func tag(for date: PushDate) -> PushTag { PushTag(date: date) }

  /// The pad id of a push date: `mkt-2026-12-01`.
  public func padID(for date: PushDate) -> String { config.pad.prefix + date.iso }

  /// Where a push date's note lives: `<root>/2026/mkt-2026-12-01.md`.
  public func notePath(for date: PushDate) -> String {
    ((root as NSString).appendingPathComponent(String(date.year)) as NSString)
      .appendingPathComponent(padID(for: date) + ".md")
  }

  /// A path relative to the notebook's root (unchanged when outside it).
  public func relativePath(_ path: String) -> String {
    let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
    return standardized.hasPrefix(root + "/") ? String(standardized.dropFirst(root.count + 1)) : path
  }

  // MARK: Dates

  /// The push day a week's work is for: the first push weekday on or after `day`.
  public func pushDate(onOrAfter day: PushDate) -> PushDate { day.next(config.push.weekday) }

  /// The push date of the week `now` falls in, in the team's time zone: the coming push day.
  public func comingPushDate(now: Date = Date()) -> PushDate {
    pushDate(onOrAfter: PushDate(now, in: config.timeZone))
  }

  /// The tag day of a push: the tag weekday before the push date.
  public func tagDate(for pushDate: PushDate) -> PushDate {
    pushDate.previous(config.tag.weekday, includingToday: false)
  }

  /// Checks that a date is a push day.
  ///
  /// - Throws: ``NotebookError/notPushDay(_:pushWeekday:)`` unless `force` is set.
  public func requirePushDay(_ date: PushDate, force: Bool) throws(NotebookError) {
    if !force, date.weekday != config.push.weekday { throw .notPushDay(date, pushWeekday: config.push.weekday) }
  }

  /// Parses a date argument, refusing template placeholders.
  ///
  /// - Throws: ``NotebookError/invalidDate(_:)``.
  public static func parseDate(_ text: String) throws(NotebookError) -> PushDate {
    guard let date = PushDate(text.trimmingCharacters(in: .whitespaces)) else { throw .invalidDate(text) }
    return date
  }

  // MARK: Notes

  /// A note file found in the notebook.
  public struct NoteFile: Sendable, Hashable {
    /// The absolute path.
    public var path: String
    /// The push date its name gives, if it gives one.
    public var date: PushDate?
    /// The path relative to the notebook's root, as ``relativePath(_:)`` gives it.
    public var relativePath: String
  }

  /// Every `*.md` file under the notebook except its templates and reserved folders, by date, then path.
  ///
  /// Links to folders are not followed; hidden folders are looked into (only `.git` and `.pushnote`
  /// are left out). The folders are read with `readdir`: Foundation's enumerator costs about 20 µs an
  /// entry, which is most of what `stats` spends outside the notes themselves.
  public func noteFiles() -> [NoteFile] {
    var result: [NoteFile] = []
    var folders = [""]
    while let folder = folders.popLast() {
      guard let stream = opendir(folder.isEmpty ? root : root + "/" + folder) else { continue }
      defer { closedir(stream) }
      while let entry = readdir(stream) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard name != ".", name != "..", !(folder.isEmpty && Notebook.reservedFolders.contains(name)) else { continue }
        let relative = folder.isEmpty ? name : folder + "/" + name
        if Self.isFolder(entry.pointee.d_type, at: root + "/" + relative) {
          folders.append(relative)
        } else if name.hasSuffix(".md"), name.lowercased() != "readme.md" {
          result.append(NoteFile(path: root + "/" + relative, date: Notebook.date(fromPath: relative), relativePath: relative))
        }
      }
    }
    return result.sorted { ($0.date ?? PushDate(daysSinceEpoch: 0), $0.path) < ($1.date ?? PushDate(daysSinceEpoch: 0), $1.path) }
  }

  /// Whether a directory entry of type `type` (`d_type`) is a folder, not a link to one.
  private static func isFolder(_ type: UInt8, at path: String) -> Bool {
    if type != UInt8(DT_UNKNOWN) { return type == UInt8(DT_DIR) }
    // File systems that do not fill in the type: ask the entry itself.
    var status = stat()
    return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
  }

  /// The date a note's path gives: `mkt-2026-12-01.md`, `2026-12-01.md` or `2026/12/01.md`.
  public static func date(fromPath path: String) -> PushDate? {
    let components = path.split(separator: "/")
    guard let last = components.last, last.hasSuffix(".md") else { return nil }
    let stem = last.dropLast(3)
    if stem.count >= 10, let date = PushDate(stem.suffix(10)) { return date }
    if components.count >= 3, stem.count == 2 {
      return PushDate("\(components[components.count - 3])-\(components[components.count - 2])-\(stem)")
    }
    return nil
  }

  /// The note a NOTE argument names: a date, a pad id, a path, or nothing for this week's note.
  ///
  /// Without an argument it is the note of the coming push day, else the latest note before it.
  ///
  /// - Throws: ``NotebookError/noteNotFound(argument:)``.
  public func resolveNote(
    _ argument: String?, now: Date = Date(), workingDirectory: String = FileManager.default.currentDirectoryPath
  ) throws(NotebookError) -> String {
    guard let argument, !argument.isEmpty else {
      let coming = comingPushDate(now: now)
      let dated = noteFiles().filter { $0.date != nil }
      if let exact = dated.first(where: { $0.date == coming }) { return exact.path }
      if let latest = dated.last(where: { ($0.date ?? coming) <= coming }) { return latest.path }
      throw .noteNotFound(argument: "this week (\(coming))")
    }
    let prefix = config.pad.prefix
    let dateText = argument.hasPrefix(prefix) && !argument.hasSuffix(".md") ? String(argument.dropFirst(prefix.count)) : argument
    if !argument.hasSuffix(".md"), let date = PushDate(dateText) {
      let expected = notePath(for: date)
      if FileManager.default.fileExists(atPath: expected) { return expected }
      if let found = noteFiles().first(where: { $0.date == date }) { return found.path }
      throw .noteNotFound(argument: argument)
    }
    let candidates = [
      argument.hasPrefix("/") ? argument : (workingDirectory as NSString).appendingPathComponent(argument),
      (root as NSString).appendingPathComponent(argument),
    ]
    if let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
      return URL(fileURLWithPath: path).standardizedFileURL.path
    }
    throw .noteNotFound(argument: argument)
  }
}
