/// A model whose JSON object is written field by field, keys in the order the JSON has them
/// (sorted, snake_case): the one definition of its JSON.
///
/// ``JSONWriter`` writes such a value straight as bytes, with no `Encoder` in between; its
/// `Encodable` conformance follows from the same fields, so any `Encoder` (Foundation's, in the
/// tests that pin the layout) sees the same object.
public protocol JSONObject: Encodable {
  /// Writes every field, in key order; a nil value is written as `null`.
  func writeFields(to fields: inout some JSONFields)
}

/// Where a ``JSONObject``'s fields go.
public protocol JSONFields {
  /// A string, or `null`.
  mutating func field(_ key: StaticString, _ value: String?)
  /// An integer, or `null`.
  mutating func field(_ key: StaticString, _ value: Int?)
  /// `true` or `false`.
  mutating func field(_ key: StaticString, _ value: Bool)
  /// A nested object.
  mutating func field<Value: JSONObject>(_ key: StaticString, _ value: Value)
  /// An array of objects.
  mutating func field<Element: JSONObject>(_ key: StaticString, _ values: [Element])
}

extension JSONObject {
  /// Encodes the fields of ``writeFields(to:)`` into a keyed container.
  public func encode(to encoder: any Encoder) throws {
    var fields = EncoderFields(container: encoder.container(keyedBy: FieldKey.self))
    writeFields(to: &fields)
    if let failure = fields.failure { throw failure }
  }
}

/// A field's key, as written.
private struct FieldKey: CodingKey {
  var stringValue: String
  var intValue: Int? { nil }
  init(_ key: StaticString) { stringValue = key.description }
  init(stringValue: String) { self.stringValue = stringValue }
  init?(intValue: Int) { nil }
}

/// The fields handed to an `Encoder`'s keyed container; the first error is kept and the rest skipped.
private struct EncoderFields: JSONFields {
  var container: KeyedEncodingContainer<FieldKey>
  var failure: (any Error)?

  private mutating func encode(_ key: StaticString, _ body: (inout KeyedEncodingContainer<FieldKey>, FieldKey) throws -> Void) {
    guard failure == nil else { return }
    do { try body(&container, FieldKey(key)) } catch { failure = error }
  }

  mutating func field(_ key: StaticString, _ value: String?) { encode(key) { try $0.encode(value, forKey: $1) } }
  mutating func field(_ key: StaticString, _ value: Int?) { encode(key) { try $0.encode(value, forKey: $1) } }
  mutating func field(_ key: StaticString, _ value: Bool) { encode(key) { try $0.encode(value, forKey: $1) } }
  mutating func field<Value: JSONObject>(_ key: StaticString, _ value: Value) { encode(key) { try $0.encode(value, forKey: $1) } }
  mutating func field<Element: JSONObject>(_ key: StaticString, _ values: [Element]) {
    encode(key) { try $0.encode(values, forKey: $1) }
  }
}

/// Writes a ``JSONObject`` straight as bytes, in ``JSONWriter``'s layout: `"key" : value`, two
/// spaces a level, an empty container as `[` or `{`, a blank line and the closing bracket.
///
/// With a sink, the bytes go to it in blocks of about `blockSize`, between the elements of arrays.
struct JSONObjectWriter: JSONFields {
  var bytes: [UInt8]
  /// The indentation level of the open object's fields.
  private var level: Int
  /// Whether the open object has no field yet.
  private var empty = true
  private let sink: (([UInt8]) -> Void)?
  private let blockSize: Int

  /// A writer that appends to `bytes`, the value written at indentation `level`.
  init(bytes: [UInt8], level: Int, sink: (([UInt8]) -> Void)? = nil, blockSize: Int = .max) {
    self.bytes = bytes
    self.level = level
    self.sink = sink
    self.blockSize = blockSize
  }

  /// Writes `{`, the value's fields and `}`.
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

  mutating func field(_ key: StaticString, _ value: String?) {
    self.key(key)
    if let value { JSONWriter.writeString(value, into: &bytes) } else { bytes += "null".utf8 }
  }

  mutating func field(_ key: StaticString, _ value: Int?) {
    self.key(key)
    if let value { bytes += String(value).utf8 } else { bytes += "null".utf8 }
  }

  mutating func field(_ key: StaticString, _ value: Bool) {
    self.key(key)
    bytes += (value ? "true" : "false").utf8
  }

  mutating func field<Value: JSONObject>(_ key: StaticString, _ value: Value) {
    self.key(key)
    object(value)
  }

  mutating func field<Element: JSONObject>(_ key: StaticString, _ values: [Element]) {
    self.key(key)
    bytes.append(UInt8(ascii: "["))
    level += 1
    for index in values.indices {
      bytes += (index == 0 ? "\n" : ",\n").utf8
      indent()
      object(values[index])
      if let sink, bytes.count >= blockSize {
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
      }
    }
    level -= 1
    close(UInt8(ascii: "]"), empty: values.isEmpty)
  }

  private mutating func key(_ key: StaticString) {
    bytes += (empty ? "\n" : ",\n").utf8
    empty = false
    indent()
    bytes.append(UInt8(ascii: "\""))
    bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    bytes += "\" : ".utf8
  }

  private mutating func indent() { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level)) }

  /// Closes a container at the level of its key.
  private mutating func close(_ bracket: UInt8, empty: Bool) {
    bytes += (empty ? "\n\n" : "\n").utf8
    indent()
    bytes.append(bracket)
  }
}
