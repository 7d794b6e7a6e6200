import Foundation
import Mustache

/// A Mustache template rendered in text mode (no HTML escaping), whatever pragma it carries.
struct MailTemplate {
  /// The pragma that turns HTML escaping off.
  static let textPragma = "{{% CONTENT_TYPE: TEXT}}"
  /// Where the template came from, for messages.
  let path: String
  private let template: MustacheTemplate

  /// Parses template text.
  ///
  /// - Throws: ``MailError/template(path:line:column:message:)`` with the position of the error.
  init(text: String, path: String) throws(MailError) {
    self.path = path
    do {
      // Text mode unless the template chooses; the pragma goes in front of the first line, so
      // line numbers stay the template's own.
      template = try MustacheTemplate(string: (text.contains("CONTENT_TYPE") ? "" : MailTemplate.textPragma) + text)
    } catch let error as MustacheTemplate.ParserError {
      let pragmaLength = text.contains("CONTENT_TYPE") ? 0 : MailTemplate.textPragma.count
      let column = error.context.lineNumber == 1 ? max(1, error.context.columnNumber - pragmaLength) : error.context.columnNumber
      throw .template(path: path, line: error.context.lineNumber, column: column, message: "\(error.error)")
    } catch {
      throw .template(path: path, line: 1, column: 1, message: "\(error)")
    }
  }

  /// Reads `name` from the first folder of `templates` that has it.
  ///
  /// - Throws: ``MailError/templateNotFound(name:searched:)``, or a parse error.
  static func load(_ name: String, from templates: Templates) throws(MailError) -> MailTemplate {
    let found: Templates.Source?
    do { found = try templates.source(of: name) } catch { throw .template(path: name, line: 1, column: 1, message: error.description) }
    guard let path = found?.path, let bytes = found?.bytes else { throw .templateNotFound(name: name, searched: templates.searchPath) }
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw .template(
        path: path, line: 1, column: 1, message: "invalid UTF-8 at byte offset \(SourceText.firstInvalidUTF8Offset(bytes) ?? 0)")
    }
    return try MailTemplate(text: text, path: path)
  }

  /// Renders with a context of dictionaries, arrays, strings, numbers and booleans.
  func render(_ context: [String: Any]) -> String { template.render(context) }
}
