import Foundation
import Mustache

/// Finds and renders the Mustache templates (`push.md`, `mail.txt`, `handover.txt`, and
/// `pushnote.yml` for `init`).
///
/// The first folder of the search path holding a template wins: a notebook's own `templates/`, then
/// `PUSHNOTE_TEMPLATES`; after them come the default templates built into the binary, so pushnote
/// works wherever it is installed and never needs to know where its executable lives. Templates
/// render in text mode (no HTML escaping) whether or not they say `{{% CONTENT_TYPE: TEXT}}`.
public struct Templates: Sendable {
  /// The folders searched, first match wins.
  public let searchPath: [String]
  /// The templates used when no folder has one, by name: the built-in defaults, or none.
  public let fallback: [String: String]

  /// A template's text and where it came from.
  public struct Source: Sendable {
    /// The file it was read from, or `built-in templates/NAME`.
    public var path: String
    /// Its bytes.
    public var bytes: [UInt8]
  }

  /// The template folders for a notebook: its `templates/`, then `PUSHNOTE_TEMPLATES`, then the built-in ones.
  public init(notebook: Notebook, environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.init(folders: [(notebook.root as NSString).appendingPathComponent("templates")], environment: environment)
  }

  /// The templates outside any notebook (what `init` copies): `PUSHNOTE_TEMPLATES`, then the built-in ones.
  public static func defaults(environment: [String: String] = ProcessInfo.processInfo.environment) -> Templates {
    Templates(folders: [], environment: environment)
  }

  private init(folders: [String], environment: [String: String]) {
    var folders = folders
    if let configured = environment["PUSHNOTE_TEMPLATES"], !configured.isEmpty { folders.append(configured) }
    self.init(searchPath: folders, fallback: BuiltInTemplates.files)
  }

  /// Templates from explicit folders only, or with an explicit fallback (tests, tools).
  public init(searchPath: [String], fallback: [String: String] = [:]) {
    self.searchPath = searchPath
    self.fallback = fallback
  }

  /// The default templates built into the binary, by name (`push.md`, `mail.txt`, `handover.txt`, `pushnote.yml`).
  public static var builtIn: [String: String] { BuiltInTemplates.files }

  /// A template, from the first folder of the search path that has it, else from the fallback; nil when none has it.
  ///
  /// - Throws: ``NotebookError/fileSystem(path:message:)`` when a file that is there cannot be read.
  public func source(of name: String) throws(NotebookError) -> Source? {
    for folder in searchPath {
      let candidate = (folder as NSString).appendingPathComponent(name)
      if FileManager.default.fileExists(atPath: candidate) { return Source(path: candidate, bytes: try AtomicFile.read(candidate)) }
    }
    return fallback[name].map { Source(path: "built-in templates/\(name)", bytes: Array($0.utf8)) }
  }

  /// A template's text.
  ///
  /// - Throws: ``NotebookError/template(path:message:)`` when it is missing or not UTF-8.
  public func text(of name: String) throws(NotebookError) -> (text: String, path: String) {
    guard let source = try source(of: name) else {
      throw .template(path: name, message: "not found in \((searchPath + ["the built-in templates"]).joined(separator: ", "))")
    }
    guard let text = String(validating: source.bytes, as: UTF8.self) else {
      throw .template(path: source.path, message: "invalid UTF-8 at byte offset \(SourceText.firstInvalidUTF8Offset(source.bytes) ?? 0)")
    }
    return (text, source.path)
  }

  /// Renders a template with a context of dictionaries, arrays and strings.
  ///
  /// - Throws: ``NotebookError/template(path:message:)`` when it is missing or does not parse.
  public func render(_ name: String, context: [String: Any]) throws(NotebookError) -> String {
    let (text, path) = try text(of: name)
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
