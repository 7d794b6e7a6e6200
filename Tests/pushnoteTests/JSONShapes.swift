import Foundation
import PushnoteTestSupport
import Testing

/// The shapes docs/json.md gives: under each heading ``## `pushnote COMMAND --json` `` its first
/// ```` ```json ```` block is a full example, and a command's output must have exactly its keys.
enum JSONShapes {
  /// What one heading documents: the key paths of its example, and those it says may be absent.
  struct Shape {
    var paths: Set<String>
    var mayBeAbsent: Set<String>
  }

  /// The documented shapes, by heading (`pushnote show --json`).
  static let documented: [String: Shape] = {
    guard let text = try? String(contentsOfFile: Fixtures.path("docs/json.md"), encoding: .utf8) else { return [:] }
    var result: [String: Shape] = [:]
    for part in text.components(separatedBy: "\n## `").dropFirst() {
      let heading = String(part.prefix(while: { $0 != "`" }))
      guard let start = part.range(of: "```json\n"), let end = part.range(of: "\n```", range: start.upperBound..<part.endIndex) else {
        continue
      }
      let block = String(part[start.upperBound..<end.lowerBound])
      guard let value = try? JSONSerialization.jsonObject(with: Data(block.utf8), options: [.fragmentsAllowed]) else {
        result[heading] = Shape(paths: ["<the example of \(heading) is not valid JSON>"], mayBeAbsent: [])
        continue
      }
      var absent: Set<String> = []
      if let line = part.components(separatedBy: "\n").first(where: { $0.hasPrefix("Keys that may be absent: ") }) {
        absent = Set(line.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
      }
      result[heading] = Shape(paths: paths(of: value), mayBeAbsent: absent)
    }
    return result
  }()

  /// Every key path of a value: `sections`, `sections[].items[].text`; `[]` for the elements of a top-level array.
  static func paths(of value: Any, prefix: String = "") -> Set<String> {
    var result: Set<String> = []
    if let object = value as? [String: Any] {
      for (key, child) in object {
        let path = prefix.isEmpty ? key : prefix + "." + key
        result.insert(path)
        result.formUnion(paths(of: child, prefix: path))
      }
    } else if let array = value as? [Any] {
      for element in array { result.formUnion(paths(of: element, prefix: prefix + "[]")) }
    }
    return result
  }

  /// Checks one output against its documented shape: every key it has is documented, and every
  /// documented key that its non-empty parts could hold is there.
  static func check(_ output: String, documentedAs heading: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let shape = documented[heading] else {
      Issue.record("docs/json.md has no example under ## `\(heading)`", sourceLocation: sourceLocation)
      return
    }
    guard let value = try? JSONSerialization.jsonObject(with: Data(output.utf8), options: [.fragmentsAllowed]) else {
      Issue.record("not JSON: \(output.prefix(200))", sourceLocation: sourceLocation)
      return
    }
    let actual = paths(of: value)
    let undocumented = actual.subtracting(shape.paths)
    #expect(undocumented.isEmpty, "\(heading): keys not in docs/json.md: \(undocumented.sorted())", sourceLocation: sourceLocation)
    // A documented key is missing only where the output has a sibling of it: an empty array or
    // a null has no keys to show, and objects of one kind all have the same keys.
    func parent(_ path: String) -> String? { path.range(of: ".", options: .backwards).map { String(path[..<$0.lowerBound]) } }
    let parents = Set(actual.compactMap(parent))
    let missing = shape.paths.subtracting(actual).subtracting(shape.mayBeAbsent).filter { path in
      guard let up = parent(path) else { return value is [String: Any] }
      return parents.contains(up)
    }
    #expect(missing.isEmpty, "\(heading): documented keys missing: \(missing.sorted())", sourceLocation: sourceLocation)
  }
}
