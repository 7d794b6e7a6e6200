import Foundation

/// `pushnote init`: a new notebook with `pushnote.yml`, its own copy of the templates, a
/// `.gitignore` for pushnote's private state, and a git repository.
public enum NotebookInit {
  /// The files `init` writes besides the templates.
  static let gitignore = """
    # pushnote's private, per-machine state (clones, locks); the sync base is tracked.
    .pushnote/clones/
    .pushnote/*.lock

    """

  /// The templates a notebook gets its own copy of.
  static let templateNames = ["push.md", "mail.txt", "handover.txt"]

  /// Creates the notebook in `directory` (made if missing) and returns the files written, relative to it.
  ///
  /// Every template is read before anything is written, and a failure after that (a file that cannot
  /// be written, git refusing the commit) removes what this call made, so a failed `init` leaves
  /// nothing behind.
  ///
  /// - Throws: ``NotebookError/noteExists(path:)`` when a `pushnote.yml` is already there (it is never
  ///   overwritten); ``NotebookError/template(path:message:)`` when a template is missing or unreadable;
  ///   the file system's or git's error otherwise.
  public static func create(at directory: String, templates: Templates = Templates.defaults()) async throws -> [String] {
    let root = URL(fileURLWithPath: directory).standardizedFileURL.path
    let configPath = (root as NSString).appendingPathComponent(Notebook.configFileName)
    if FileManager.default.fileExists(atPath: configPath) { throw NotebookError.noteExists(path: configPath) }
    var files: [(name: String, bytes: [UInt8])] = [(Notebook.configFileName, Array(try templates.text(of: "pushnote.yml").text.utf8))]
    for name in templateNames {
      files.append(("templates/\(name)", Array(try templates.text(of: name).text.utf8)))
    }
    if !FileManager.default.fileExists(atPath: (root as NSString).appendingPathComponent(".gitignore")) {
      files.append((".gitignore", Array(gitignore.utf8)))
    }
    let made = Leftovers(root: root)
    do {
      try made.createDirectory(root)
      try made.createDirectory((root as NSString).appendingPathComponent("templates"))
      for file in files {
        let path = (root as NSString).appendingPathComponent(file.name)
        try AtomicFile.write(file.bytes, to: path)
        made.paths.append(path)
      }
      let git = Git(directory: root)
      if !(await git.isRepository()) {
        let dotGit = (root as NSString).appendingPathComponent(".git")
        if !FileManager.default.fileExists(atPath: dotGit) { made.paths.append(dotGit) }
        try await git.run(["init", "--quiet"])
      }
      try await git.commit(paths: files.map(\.name), message: "pushnote init")
    } catch {
      made.remove()
      throw error
    }
    return files.map(\.name)
  }
}

/// What a failed `init` must take away again: the paths it made, newest last.
private final class Leftovers {
  let root: String
  var paths: [String] = []

  init(root: String) { self.root = root }

  /// Makes a folder unless it exists, remembering it when it was made.
  func createDirectory(_ path: String) throws(NotebookError) {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw .fileSystem(path: path, message: "not a folder") }
      return
    }
    do {
      try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    } catch {
      throw .fileSystem(path: path, message: error.localizedDescription)
    }
    paths.append(path)
  }

  /// Removes everything made, newest first.
  func remove() {
    for path in paths.reversed() { try? FileManager.default.removeItem(atPath: path) }
  }
}
