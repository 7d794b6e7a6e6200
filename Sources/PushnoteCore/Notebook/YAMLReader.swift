import Yams

/// Reads typed values out of a composed YAML tree, so that every unknown key and wrong type is
/// reported with the line and column it stands at.
struct YAMLReader {
  /// The file the YAML came from, for messages.
  let path: String

  /// Parses the text into a node tree; nil for an empty file.
  ///
  /// No tags are resolved (`Resolver.basic`): every value is read as the text it is written, and
  /// Yams' default resolver would compile seven regular expressions through ICU at each start.
  func compose(_ text: String) throws(NotebookError) -> Node? {
    do {
      return try Yams.compose(yaml: text, .basic)
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        throw .configuration(path: path, line: mark.line, column: mark.column, message: problem)
      case .duplicatedKeysInMapping(let duplicates, let context):
        let place = YAMLReader.repeated(duplicates.first ?? "", after: context.mark, in: text)
        let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
        throw .configuration(
          path: path, line: place.line, column: place.column,
          message: "duplicate key \(names): given again here (first at line \(context.mark.line))")
      default:
        throw .configuration(path: path, line: 1, column: 1, message: "\(error)")
      }
    } catch {
      throw .configuration(path: path, line: 1, column: 1, message: "\(error)")
    }
  }

  /// Where a key is given the second time: the next line below its first place that starts with it
  /// at the same column (Yams names only the first place); the first place when none does.
  static func repeated(_ key: String, after first: Mark, in text: String) -> (line: Int, column: Int) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    let indent = String(repeating: " ", count: max(0, first.column - 1))
    for index in first.line..<max(first.line, lines.count) {
      let line = lines[index]
      guard line.hasPrefix(indent) else { continue }
      let rest = line.dropFirst(indent.count)
      for form in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(form) {
        if rest.dropFirst(form.count).drop(while: { $0 == " " }).hasPrefix(":") { return (index + 1, first.column) }
      }
    }
    return (first.line, first.column)
  }

  /// An error at a node's position.
  func error(_ node: Node, _ message: String) -> NotebookError {
    .configuration(path: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1, message: message)
  }

  /// The entries of a mapping, refusing any key not in `allowed` (nil allows every key).
  func mapping(_ node: Node, allowed: Set<String>?, what: String) throws(NotebookError) -> [(key: String, keyNode: Node, value: Node)] {
    guard case .mapping(let mapping) = node else { throw error(node, "\(what) must be a mapping") }
    var result: [(key: String, keyNode: Node, value: Node)] = []
    for (keyNode, value) in mapping {
      guard case .scalar(let key) = keyNode else { throw error(keyNode, "keys of \(what) must be plain text") }
      if let allowed, !allowed.contains(key.string) {
        throw error(keyNode, "unknown key '\(key.string)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
      }
      result.append((key.string, keyNode, value))
    }
    return result
  }

  /// A scalar as text, exactly as written (`no`, `12:30` and `0123` stay text).
  func string(_ node: Node, what: String) throws(NotebookError) -> String {
    guard case .scalar(let scalar) = node else { throw error(node, "\(what) must be text") }
    return scalar.string
  }

  /// A list of scalars.
  ///
  /// A single text is refused, not taken as a list of one: `rotation: "rm, cvan"`
  /// would otherwise be one person named `rm, cvan`.
  func strings(_ node: Node, what: String) throws(NotebookError) -> [String] {
    switch node {
    case .sequence(let sequence):
      var result: [String] = []
      for element in sequence { result.append(try string(element, what: "each entry of \(what)")) }
      return result
    case .scalar(let scalar):
      throw error(node, "\(what) must be a list, such as [\(scalar.string)]; a text is not a list")
    default: throw error(node, "\(what) must be a list of text")
    }
  }

  /// A list of nodes.
  func sequence(_ node: Node, what: String) throws(NotebookError) -> [Node] {
    guard case .sequence(let sequence) = node else { throw error(node, "\(what) must be a list") }
    return Array(sequence)
  }

  /// A whole number.
  func integer(_ node: Node, what: String) throws(NotebookError) -> Int {
    guard let value = Int(try string(node, what: what)) else { throw error(node, "\(what) must be a whole number") }
    return value
  }

  /// `true`/`false` (also `yes`/`no`, `on`/`off`).
  func boolean(_ node: Node, what: String) throws(NotebookError) -> Bool {
    switch try string(node, what: what).lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: throw error(node, "\(what) must be true or false")
    }
  }
}
