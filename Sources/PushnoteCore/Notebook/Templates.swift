import Foundation
import Mustache

/// Finds and renders the Mustache templates (`push.md`, `mail.txt`, `handover.txt`).
///
/// A notebook's own `templates/` folder wins; otherwise the default templates are used, found in
/// `PUSHNOTE_TEMPLATES`, in `share/pushnote/templates` beside the installed binary, or in the
/// `templates/` folder of the source tree the binary was built in. Templates render in text mode
/// (no HTML escaping) whether or not they say `{{% CONTENT_TYPE: TEXT}}`.
public struct Templates: Sendable {
  /// The folders searched, first match wins.
  public let searchPath: [String]

  /// The template folders for a notebook.
  public init(notebook: Notebook, environment: [String: String] = ProcessInfo.processInfo.environment) {
    var folders = [(notebook.root as NSString).appendingPathComponent("templates")]
    if let configured = environment["PUSHNOTE_TEMPLATES"], !configured.isEmpty { folders.append(configured) }
    folders += Templates.defaultFolders()
    searchPath = folders
  }

  /// Templates from explicit folders (tests, tools).
  public init(searchPath: [String]) { self.searchPath = searchPath }

  /// Where the default templates of this installation are: beside the executable in
  /// `../share/pushnote/templates`, or the nearest `templates/` folder above it holding `push.md`.
  public static func defaultFolders() -> [String] {
    let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
    var folders: [String] = []
    var directory = executable.deletingLastPathComponent()
    folders.append(directory.deletingLastPathComponent().appendingPathComponent("share/pushnote/templates").path)
    for _ in 0..<6 {
      let candidate = directory.appendingPathComponent("templates")
      if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("push.md").path) {
        folders.append(candidate.path)
        break
      }
      directory = directory.deletingLastPathComponent()
    }
    return folders
  }

  /// The path of a template, the first found along the search path.
  ///
  /// - Throws: ``NotebookError/template(path:message:)`` when no folder has it.
  public func path(of name: String) throws(NotebookError) -> String {
    for folder in searchPath {
      let candidate = (folder as NSString).appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: candidate) { return candidate }
    }
    throw .template(path: name, message: "not found in \(searchPath.joined(separator: ", "))")
  }

  /// Renders a template with a context of dictionaries, arrays and strings.
  ///
  /// - Throws: ``NotebookError/template(path:message:)`` when it is missing or does not parse.
  public func render(_ name: String, context: [String: Any]) throws(NotebookError) -> String {
    let path = try path(of: name)
    let bytes = try AtomicFile.read(path)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .template(path: path, message: "invalid UTF-8 at byte offset \(SourceText.firstInvalidUTF8Offset(bytes) ?? 0)")
    }
    return try Templates.render(text: text, path: path, context: context)
  }

  /// Renders template text in text mode.
  public static func render(text: String, path: String, context: [String: Any]) throws(NotebookError) -> String {
    let pragma = "{{% CONTENT_TYPE: TEXT}}"
    let source = text.hasPrefix(pragma) ? text : pragma + text
    do {
      return try MustacheTemplate(string: source).render(context)
    } catch {
      throw .template(path: path, message: "\(error)")
    }
  }
}
