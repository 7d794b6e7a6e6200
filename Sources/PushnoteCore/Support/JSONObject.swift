/// A model whose JSON object is written field by field, keys in the order the JSON has them
/// (sorted, snake_case): the one definition of its JSON.
///
/// ``JSONWriter`` writes such a value straight as bytes, with no `Encoder` in between; its
/// `Encodable` conformance follows from the same fields, so any `Encoder` (Foundation's, in the
/// tests that pin the layout) sees the same object.
public protocol JSONObject: Encodable {
  /// Writes every field, in key order; a nil value is written as `null`.
  func writeFields(to fields: inout JSONFields)
}

extension JSONObject {
  /// Encodes the fields of ``writeFields(to:)`` into a keyed container.
  public func encode(to encoder: any Encoder) throws {
    var fields = JSONFields(container: encoder.container(keyedBy: JSONFields.Key.self))
    writeFields(to: &fields)
    if let failure = fields.failure { throw failure }
  }
}

/// Where a ``JSONObject``'s fields go: straight into bytes, in ``JSONWriter``'s layout (`"key" :
/// value`, two spaces a level, an empty container as its bracket, a blank line and the closing
/// bracket), or into an `Encoder`'s keyed container.
///
/// Writing bytes with a sink, the bytes go to it in blocks of about `blockSize`, between the
/// elements of arrays. A concrete type rather than a protocol, so that every field is a direct call.
public struct JSONFields {
  /// The bytes written and not yet handed to the sink.
  var bytes: [UInt8] = []
  /// The indentation level of the open object's fields.
  private var level = 0
  /// Whether the open object has no field yet.
  private var empty = true
  private var sink: (([UInt8]) -> Void)?
  private var blockSize = Int.max
  /// The container the fields go to instead of bytes.
  private var container: KeyedEncodingContainer<Key>?
  /// The first error of the container; the fields after it are skipped.
  fileprivate(set) var failure: (any Error)?

  /// A field's key, as written.
  struct Key: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ key: StaticString) { stringValue = key.description }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
  }

  /// Fields written as bytes, appended to `bytes`, the value at indentation `level`.
  init(bytes: [UInt8], level: Int, sink: (([UInt8]) -> Void)? = nil, blockSize: Int = .max) {
    self.bytes = bytes
    self.level = level
    self.sink = sink
    self.blockSize = blockSize
  }

  /// Fields handed to an encoder's container.
  fileprivate init(container: KeyedEncodingContainer<Key>) { self.container = container }

  /// A string, or `null`.
  public mutating func field(_ key: StaticString, _ value: String?) {
    guard container == nil else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    if let value { JSONWriter.writeString(value, into: &bytes) } else { bytes += "null".utf8 }
  }

  /// An integer, or `null`.
  public mutating func field(_ key: StaticString, _ value: Int?) {
    guard container == nil else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    if let value { JSONWriter.writeInteger(value, into: &bytes) } else { bytes += "null".utf8 }
  }

  /// `true` or `false`.
  public mutating func field(_ key: StaticString, _ value: Bool) {
    guard container == nil else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    bytes += (value ? "true" : "false").utf8
  }

  /// A nested object.
  public mutating func field<Value: JSONObject>(_ key: StaticString, _ value: Value) {
    guard container == nil else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    object(value)
  }

  /// An array of objects.
  public mutating func field<Element: JSONObject>(_ key: StaticString, _ values: [Element]) {
    guard container == nil else { return encode(key) { try $0.encode(values, forKey: $1) } }
    self.key(key)
    bytes.append(UInt8(ascii: "["))
    level += 1
    for index in values.indices {
      if index > 0 { bytes.append(UInt8(ascii: ",")) }
      newLine()
      object(values[index])
      if let sink, bytes.count >= blockSize {
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
      }
    }
    level -= 1
    close(UInt8(ascii: "]"), empty: values.isEmpty)
  }

  /// Writes `{`, the value's fields and `}` as bytes.
  mutating func object(_ value: some JSONObject) {
    bytes.append(UInt8(ascii: "{"))
    let outer = empty
    empty = true
    level += 1
    value.writeFields(to: &self)
    level -= 1
    close(UInt8(ascii: "}"), empty: empty)
    empty = outer
  }

  private mutating func encode(_ key: StaticString, _ body: (inout KeyedEncodingContainer<Key>, Key) throws -> Void) {
    guard failure == nil, var container else { return }
    do { try body(&container, Key(key)) } catch { failure = error }
    self.container = container
  }

  private mutating func key(_ key: StaticString) {
    if !empty { bytes.append(UInt8(ascii: ",")) }
    empty = false
    newLine()
    bytes.append(UInt8(ascii: "\""))
    bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    bytes.append(contentsOf: JSONFields.colon)
  }

  /// A line ending and the indentation of the level, copied from one buffer.
  private static let newLines: [UInt8] = [0x0A] + [UInt8](repeating: 0x20, count: 2 * 32)
  private static let colon: [UInt8] = Array("\" : ".utf8)

  private mutating func newLine() {
    let count = 1 + 2 * level
    if count <= JSONFields.newLines.count {
      bytes.append(contentsOf: JSONFields.newLines[..<count])
    } else {
      bytes.append(0x0A)
      bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
    }
  }

  /// Closes a container at the level of its key.
  private mutating func close(_ bracket: UInt8, empty: Bool) {
    if empty { bytes.append(0x0A) }
    newLine()
    bytes.append(bracket)
  }
}
