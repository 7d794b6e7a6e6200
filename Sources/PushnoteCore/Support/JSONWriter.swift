import Foundation

/// The one JSON writer behind every `--json` (the shapes are in docs/json.md).
///
/// It writes the bytes directly: keys sorted, snake_case (a camelCase coding key such as `padID`
/// comes out as `pad_id`; the keys of a `[String: …]` dictionary are data and stay as they are),
/// two-space indentation with `"key" : value`, slashes not escaped, and a final newline. The
/// layout is the one Foundation's `JSONEncoder` gives with `.prettyPrinted`, `.sortedKeys` and
/// `.withoutEscapingSlashes`, which the recorded outputs of earlier versions pin.
public enum JSONWriter {
  /// A value as JSON text ending in a newline.
  ///
  /// - Throws: what the value's own `encode(to:)` throws; pushnote's models never do.
  public static func text(_ value: some Encodable) throws -> String {
    String(decoding: try bytes(value), as: UTF8.self)
  }

  /// A value as JSON bytes ending in a newline.
  ///
  /// - Throws: what the value's own `encode(to:)` throws; pushnote's models never do.
  public static func bytes(_ value: some Encodable) throws -> [UInt8] {
    let node = try TreeEncoder.node(of: value, codingPath: [])
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    write(node, level: 0, into: &out)
    out.append(UInt8(ascii: "\n"))
    return out
  }

  /// A coding key as it is written: snake_case, so `conflictLines` is `conflict_lines` and `padID` is `pad_id`.
  public static func snakeCase(_ key: String) -> String {
    guard key.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return key }
    let characters = Array(key)
    var result = ""
    for (index, character) in characters.enumerated() {
      if character.isUppercase, index > 0 {
        let previous = characters[index - 1]
        let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
        if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { result.append("_") }
      }
      result += character.lowercased()
    }
    return result
  }

  // MARK: Writing

  private static func write(_ node: Node, level: Int, into out: inout [UInt8]) {
    switch node {
    case .null: out += "null".utf8
    case .bool(let value): out += (value ? "true" : "false").utf8
    case .number(let text): out += text.utf8
    case .string(let text): writeString(text, into: &out)
    case .array(let box):
      out.append(UInt8(ascii: "["))
      writeBody(count: box.items.count, level: level, into: &out) { index, out in write(box.items[index], level: level + 1, into: &out) }
      out.append(UInt8(ascii: "]"))
    case .object(let box):
      let entries = box.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
      out.append(UInt8(ascii: "{"))
      writeBody(count: entries.count, level: level, into: &out) { index, out in
        writeString(entries[index].key, into: &out)
        out += " : ".utf8
        write(entries[index].node, level: level + 1, into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// The inside of an array or object: one element per line, indented; an empty one is a blank line.
  private static func writeBody(count: Int, level: Int, into out: inout [UInt8], element: (Int, inout [UInt8]) -> Void) {
    out.append(UInt8(ascii: "\n"))
    if count == 0 { out.append(UInt8(ascii: "\n")) }
    for index in 0..<count {
      indent(level + 1, into: &out)
      element(index, &out)
      if index + 1 < count { out.append(UInt8(ascii: ",")) }
      out.append(UInt8(ascii: "\n"))
    }
    indent(level, into: &out)
  }

  private static func indent(_ level: Int, into out: inout [UInt8]) {
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
  }

  /// A string in quotes: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`; all else as it is.
  private static func writeString(_ text: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { bytes in
      var start = 0
      for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
        out.append(contentsOf: bytes[start..<index])
        start = index + 1
        switch byte {
        case UInt8(ascii: "\""): out += #"\""#.utf8
        case UInt8(ascii: "\\"): out += #"\\"#.utf8
        case 0x0A: out += #"\n"#.utf8
        case 0x0D: out += #"\r"#.utf8
        case 0x09: out += #"\t"#.utf8
        case 0x08: out += #"\b"#.utf8
        case 0x0C: out += #"\f"#.utf8
        default:
          let hex = Array("0123456789abcdef".utf8)
          out += #"\u00"#.utf8
          out.append(hex[Int(byte >> 4)])
          out.append(hex[Int(byte & 0x0F)])
        }
      }
      out.append(contentsOf: bytes[start...])
    }
    out.append(UInt8(ascii: "\""))
  }
}

// MARK: The value tree

/// One JSON value; containers are boxes so that an encoder can fill them after handing them out.
private enum Node {
  case null
  case bool(Bool)
  case number(String)
  case string(String)
  case array(ArrayBox)
  case object(ObjectBox)
}

private final class ArrayBox {
  var items: [Node] = []
}

private final class ObjectBox {
  var entries: [(key: String, node: Node)] = []

  /// Sets a key, replacing an earlier value of it (as `JSONEncoder` does).
  func set(_ key: String, _ node: Node) {
    if let index = entries.firstIndex(where: { $0.key == key }) {
      entries[index].node = node
    } else {
      entries.append((key, node))
    }
  }
}

/// A `[String: …]` dictionary, whose keys are written as they are.
private protocol StringKeyedDictionary {
  func encodeEntries(into box: ObjectBox, codingPath: [any CodingKey]) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
  fileprivate func encodeEntries(into box: ObjectBox, codingPath: [any CodingKey]) throws {
    for (key, value) in self { box.set(key, try TreeEncoder.node(of: value, codingPath: codingPath)) }
  }
}

/// Builds the tree of one value.
///
/// Coding paths are passed on as they came, not extended per key:
/// no model reads them, and building them would cost an array per value.
private final class TreeEncoder: Encoder {
  let codingPath: [any CodingKey]
  var userInfo: [CodingUserInfoKey: Any] { [:] }
  var node: Node?

  init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

  /// The tree of a value, with the scalars Foundation writes specially (URL, Data, Date) as it writes them.
  static func node(of value: some Encodable, codingPath: [any CodingKey]) throws -> Node {
    switch value {
    case let text as String: return .string(text)
    case let number as Int: return .number(String(number))
    case let flag as Bool: return .bool(flag)
    case let number as Double: return .number(format(number))
    case let url as URL: return .string(url.absoluteString)
    case let data as Data: return .string(data.base64EncodedString())
    case let dictionary as any StringKeyedDictionary:
      let box = ObjectBox()
      try dictionary.encodeEntries(into: box, codingPath: codingPath)
      return .object(box)
    default:
      let encoder = TreeEncoder(codingPath: codingPath)
      try value.encode(to: encoder)
      return encoder.node ?? .object(ObjectBox())
    }
  }

  /// A floating-point number as `JSONEncoder` writes it: its shortest form, without a trailing `.0`.
  static func format(_ number: Double) -> String {
    let text = number.description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    let box: ObjectBox
    if case .object(let existing) = node {
      box = existing
    } else {
      box = ObjectBox()
      node = .object(box)
    }
    return KeyedEncodingContainer(KeyedContainer<Key>(box: box, codingPath: codingPath))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    let box: ArrayBox
    if case .array(let existing) = node {
      box = existing
    } else {
      box = ArrayBox()
      node = .array(box)
    }
    return UnkeyedContainer(box: box, codingPath: codingPath)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let box: ObjectBox
  let codingPath: [any CodingKey]

  private func name(_ key: Key) -> String { JSONWriter.snakeCase(key.stringValue) }

  mutating func encodeNil(forKey key: Key) throws { box.set(name(key), .null) }
  mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(name(key), .bool(value)) }
  mutating func encode(_ value: String, forKey key: Key) throws { box.set(name(key), .string(value)) }
  mutating func encode(_ value: Int, forKey key: Key) throws { box.set(name(key), .number(String(value))) }
  mutating func encode(_ value: Double, forKey key: Key) throws { box.set(name(key), .number(TreeEncoder.format(value))) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    box.set(name(key), try TreeEncoder.node(of: value, codingPath: codingPath))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    let nested = ObjectBox()
    box.set(name(key), .object(nested))
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let nested = ArrayBox()
    box.set(name(key), .array(nested))
    return UnkeyedContainer(box: nested, codingPath: codingPath)
  }

  mutating func superEncoder() -> any Encoder { SuperEncoder(parent: box, key: "super", codingPath: codingPath) }
  mutating func superEncoder(forKey key: Key) -> any Encoder { SuperEncoder(parent: box, key: name(key), codingPath: codingPath) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let box: ArrayBox
  let codingPath: [any CodingKey]
  var count: Int { box.items.count }

  mutating func encodeNil() throws { box.items.append(.null) }
  mutating func encode(_ value: Bool) throws { box.items.append(.bool(value)) }
  mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
  mutating func encode(_ value: Int) throws { box.items.append(.number(String(value))) }
  mutating func encode(_ value: Double) throws { box.items.append(.number(TreeEncoder.format(value))) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    box.items.append(try TreeEncoder.node(of: value, codingPath: codingPath))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    let nested = ObjectBox()
    box.items.append(.object(nested))
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(box: nested, codingPath: codingPath))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let nested = ArrayBox()
    box.items.append(.array(nested))
    return UnkeyedContainer(box: nested, codingPath: codingPath)
  }

  mutating func superEncoder() -> any Encoder {
    let index = box.items.count
    box.items.append(.null)
    return SuperEncoder(array: box, index: index, codingPath: codingPath)
  }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
  let encoder: TreeEncoder
  var codingPath: [any CodingKey] { encoder.codingPath }

  mutating func encodeNil() throws { encoder.node = .null }
  mutating func encode(_ value: Bool) throws { encoder.node = .bool(value) }
  mutating func encode(_ value: String) throws { encoder.node = .string(value) }
  mutating func encode(_ value: Int) throws { encoder.node = .number(String(value)) }
  mutating func encode(_ value: Double) throws { encoder.node = .number(TreeEncoder.format(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try TreeEncoder.node(of: value, codingPath: codingPath) }
}

/// The encoder `superEncoder()` hands out: what it is given lands in its parent once it is gone.
private final class SuperEncoder: Encoder {
  private let inner: TreeEncoder
  private let store: (Node) -> Void
  var codingPath: [any CodingKey] { inner.codingPath }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  init(parent: ObjectBox, key: String, codingPath: [any CodingKey]) {
    inner = TreeEncoder(codingPath: codingPath)
    store = { parent.set(key, $0) }
  }

  init(array: ArrayBox, index: Int, codingPath: [any CodingKey]) {
    inner = TreeEncoder(codingPath: codingPath)
    store = { array.items[index] = $0 }
  }

  deinit { store(inner.node ?? .object(ObjectBox())) }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
  func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
  func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}
