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

  /// Creates the notebook in `directory` (made if missing) and returns the files written.
  ///
  /// - Throws: ``NotebookError/noteExists(path:)`` when a `pushnote.yml` is already there (it is never
  ///   overwritten); ``NotebookError/template(path:message:)`` when the default templates are missing.
  public static func create(
    at directory: String, templates: Templates = Templates(searchPath: Templates.defaultFolders())
  ) async throws -> [String] {
    let root = URL(fileURLWithPath: directory).standardizedFileURL.path
    let configPath = (root as NSString).appendingPathComponent(Notebook.configFileName)
    if FileManager.default.fileExists(atPath: configPath) { throw NotebookError.noteExists(path: configPath) }
    let templateFolder = (root as NSString).appendingPathComponent("templates")
    do {
      try FileManager.default.createDirectory(atPath: templateFolder, withIntermediateDirectories: true)
    } catch {
      throw NotebookError.fileSystem(path: templateFolder, message: error.localizedDescription)
    }
    var written: [String] = []
    try AtomicFile.write(try AtomicFile.read(templates.path(of: "pushnote.yml")), to: configPath)
    written.append(Notebook.configFileName)
    for name in ["push.md", "mail.txt", "handover.txt"] {
      guard let source = try? templates.path(of: name) else { continue }
      try AtomicFile.write(try AtomicFile.read(source), to: (templateFolder as NSString).appendingPathComponent(name))
      written.append("templates/\(name)")
    }
    let ignorePath = (root as NSString).appendingPathComponent(".gitignore")
    if !FileManager.default.fileExists(atPath: ignorePath) {
      try AtomicFile.write(gitignore, to: ignorePath)
      written.append(".gitignore")
    }
    let git = Git(directory: root)
    if !(await git.isRepository()) { try await git.run(["init", "--quiet"]) }
    try await git.commit(paths: written, message: "pushnote init")
    return written
  }
}
