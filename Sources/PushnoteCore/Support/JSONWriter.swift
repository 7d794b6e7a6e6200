import Foundation

/// The one JSON writer behind every `--json` (the shapes are in docs/json.md).
///
/// It writes the bytes directly: keys sorted, snake_case (a camelCase coding key such as `padID`
/// comes out as `pad_id`; the keys of a `[String: …]` dictionary are data and stay as they are),
/// two-space indentation with `"key" : value`, slashes not escaped, and a final newline. The
/// layout is the one Foundation's `JSONEncoder` gives with `.prettyPrinted`, `.sortedKeys` and
/// `.withoutEscapingSlashes`, which the recorded outputs of earlier versions pin.
///
/// No tree of the value is built: each value is written as it is encoded, and an object whose keys
/// came out of order has its entries moved into order when it is complete.
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
    let output = Output(sink: nil, blockSize: .max)
    try output.append(value, level: 0)
    output.bytes.append(UInt8(ascii: "\n"))
    return output.bytes
  }

  /// A ``JSONObject`` as JSON bytes ending in a newline; it cannot fail.
  public static func bytes(_ value: some JSONObject) -> [UInt8] {
    var writer = JSONFields(level: 0)
    writer.object(value)
    writer.put(UInt8(ascii: "\n"))
    return writer.take()
  }

  /// Writes a value as JSON ending in a newline, handing the bytes to `sink` in blocks of about
  /// `blockSize` as they are done, so that a big value is never held as a whole.
  ///
  /// Bytes are done once no object still open may have to move its entries into key order: a
  /// ``JSONObject`` writes its fields in order, so everything of it before the open entry can go;
  /// an object written through `encode(to:)` is held until it is closed.
  ///
  /// - Throws: what the value's own `encode(to:)` throws.
  public static func write(_ value: some Encodable, blockSize: Int = 1 << 20, to sink: @escaping ([UInt8]) -> Void) throws {
    if let object = value as? any JSONObject {
      write(object, blockSize: blockSize, to: sink)
      return
    }
    let output = Output(sink: sink, blockSize: max(1, blockSize))
    try output.append(value, level: 0)
    output.bytes.append(UInt8(ascii: "\n"))
    sink(output.bytes)
  }

  /// Writes a ``JSONObject`` as JSON ending in a newline, in blocks of about `blockSize` handed to
  /// `sink` between the elements of its arrays.
  public static func write(_ value: some JSONObject, blockSize: Int = 1 << 20, to sink: @escaping ([UInt8]) -> Void) {
    var writer = JSONFields(level: 0, sink: sink, blockSize: max(1, blockSize))
    writer.object(value)
    writer.put(UInt8(ascii: "\n"))
    sink(writer.take())
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

  /// The most bytes an integer takes in decimal (`-9223372036854775808`).
  static let largestInteger = 20

  /// An integer in decimal, as `String(value)` writes it.
  static func writeInteger(_ value: Int, into out: inout [UInt8]) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: largestInteger) { buffer in
      if let start = buffer.baseAddress { out.append(contentsOf: UnsafeBufferPointer(start: start, count: writeInteger(value, at: start))) }
    }
  }

  /// Writes an integer in decimal at `start`, which has room for ``largestInteger`` bytes, and
  /// returns how many bytes it took.
  static func writeInteger(_ value: Int, at start: UnsafeMutablePointer<UInt8>) -> Int {
    var digits = 1
    var rest = value
    while rest <= -10 || rest >= 10 {
      digits += 1
      rest /= 10
    }
    let sign = value < 0 ? 1 : 0
    if value < 0 { start[0] = UInt8(ascii: "-") }
    rest = value
    for index in stride(from: sign + digits - 1, through: sign, by: -1) {
      // The remainder has the sign of the value; its magnitude is the digit.
      start[index] = UInt8(ascii: "0") + UInt8(abs(rest % 10))
      rest /= 10
    }
    return sign + digits
  }

  /// A string in quotes: `"` and `\` escaped, control characters as `\n`, `\t`… or `\u00XX`; all else as it is.
  static func writeString(_ text: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var text = text
    text.withUTF8 { bytes in
      var start = 0
      for index in bytes.indices {
        let byte = bytes[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
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

// MARK: Writing

/// The bytes written and not yet handed out, and the room where an object's entries are put in order.
///
/// Places in the output are counted from its very start (``position``), so they stay right when
/// bytes before them have gone to the sink.
private final class Output {
  var bytes: [UInt8] = []
  /// A copy of an object's entries while they are written back in key order; kept for reuse.
  private var scratch: [UInt8] = []
  /// Where done bytes go; nil to keep everything.
  private let sink: (([UInt8]) -> Void)?
  private let blockSize: Int
  /// The bytes handed to the sink so far.
  private(set) var flushed = 0
  /// Open containers whose bytes may still move: objects, and containers waiting for a value
  /// written apart.
  var movable = 0

  init(sink: (([UInt8]) -> Void)?, blockSize: Int) {
    self.sink = sink
    self.blockSize = blockSize
    bytes.reserveCapacity(sink == nil ? 4096 : min(blockSize, 1 << 20) + 4096)
  }

  /// The place of the next byte, counted from the start of the output.
  var position: Int { flushed + bytes.count }

  /// Hands out what is done, once it fills a block.
  func flushIfDone() {
    guard movable == 0, bytes.count >= blockSize, let sink else { return }
    sink(bytes)
    flushed += bytes.count
    bytes.removeAll(keepingCapacity: true)
  }

  /// Writes a value at an indentation level, with the scalars Foundation writes specially (URL,
  /// Data, Date) as it writes them.
  func append<Value: Encodable>(_ value: Value, level: Int) throws {
    // Types are compared before values are cast: a cast costs more than the whole value's writing.
    if Value.self == String.self {
      JSONWriter.writeString(unsafeBitCast(value, to: String.self), into: &bytes)
    } else if Value.self == Int.self {
      JSONWriter.writeInteger(unsafeBitCast(value, to: Int.self), into: &bytes)
    } else if Value.self == Bool.self {
      bytes += (unsafeBitCast(value, to: Bool.self) ? "true" : "false").utf8
    } else if Value.self == Double.self {
      bytes += Output.format(unsafeBitCast(value, to: Double.self)).utf8
    } else if Value.self == URL.self {
      JSONWriter.writeString(unsafeBitCast(value, to: URL.self).absoluteString, into: &bytes)
    } else if Value.self == Data.self {
      JSONWriter.writeString(unsafeBitCast(value, to: Data.self).base64EncodedString(), into: &bytes)
    } else if Value.self is any JSONObject.Type, let object = value as? any JSONObject {
      var writer = JSONFields(level: level)
      writer.object(object)
      bytes += writer.take()
    } else if Value.self is any StringKeyedDictionary.Type, let dictionary = value as? any StringKeyedDictionary {
      let object = ObjectWriter(output: self, level: level)
      try dictionary.encodeEntries(into: object)
      try object.finish()
    } else {
      let encoder = StreamEncoder(output: self, level: level)
      try value.encode(to: encoder)
      try encoder.finish()
    }
  }

  /// A floating-point number as `JSONEncoder` writes it: its shortest form, without a trailing `.0`.
  static func format(_ number: Double) -> String {
    let text = number.description
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }

  func indent(_ level: Int) {
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * level))
  }

  /// Puts the entries written from `start` (still held: the object is pinned) in key order, the
  /// last value of a key kept, with the separators between them.
  func reorder(from start: Int, entries: [ObjectWriter.Entry]) throws {
    let local = start - flushed
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: bytes[local...])
    bytes.removeSubrange(local...)
    // By key, and of equal keys the last written first, which is the one kept.
    let sorted = entries.indices.sorted { left, right in
      let (a, b) = (entries[left].key.utf8, entries[right].key.utf8)
      return a.lexicographicallyPrecedes(b) || (a.elementsEqual(b) && left > right)
    }
    let order = sorted.enumerated().filter { $0.offset == 0 || entries[sorted[$0.offset - 1]].key != entries[$0.element].key }.map(
      \.element)
    for (position, index) in order.enumerated() {
      bytes += (position == 0 ? "\n" : ",\n").utf8
      let range = entries[index].range
      bytes.append(contentsOf: scratch[(range.lowerBound - start)..<(range.upperBound - start)])
      if let deferred = entries[index].deferred { bytes += try deferred.bytes() }
    }
  }
}

/// An object being written: `{`, then each entry on its own line as it comes, then `}`.
private final class ObjectWriter {
  /// Where an entry's line is in the output, from its indentation to the end of its value.
  struct Entry {
    var key: String
    var range: Range<Int>
    /// The value of a nested container or super-encoder, put after the key when the object is closed.
    var deferred: DeferredValue?
  }

  let output: Output
  let level: Int
  /// Where the first entry's line starts (after `{` and a separator).
  private let start: Int
  private var entries: [Entry] = []
  /// Whether the keys came in order, each once: then nothing is moved.
  private var inOrder = true

  /// Opens the object; its bytes stay in the output until it is closed (see ``Output/movable``).
  init(output: Output, level: Int) {
    self.output = output
    self.level = level
    output.bytes.append(UInt8(ascii: "{"))
    start = output.position
    output.movable += 1
  }

  /// Writes one entry: the key and its value.
  func entry(_ key: String, _ value: (Output) throws -> Void) rethrows {
    if let last = entries.last, !last.key.utf8.lexicographicallyPrecedes(key.utf8) { inOrder = false }
    output.bytes += (entries.isEmpty ? "\n" : ",\n").utf8
    let lineStart = output.position
    output.indent(level + 1)
    JSONWriter.writeString(key, into: &output.bytes)
    output.bytes += " : ".utf8
    try value(output)
    entries.append(Entry(key: key, range: lineStart..<output.position))
    output.flushIfDone()
  }

  /// Writes an entry whose value comes later, when the object is closed.
  func deferred(_ key: String, _ value: DeferredValue) {
    entry(key) { _ in }
    entries[entries.count - 1].deferred = value
    inOrder = false
  }

  /// Closes the object, with its entries in key order.
  ///
  /// - Throws: what a deferred value's `encode(to:)` throws.
  func finish() throws {
    if !inOrder {
      // Entry ranges skip the separators, which the reorder writes anew.
      try output.reorder(from: start, entries: entries)
    }
    output.movable -= 1
    output.bytes += (entries.isEmpty ? "\n\n" : "\n").utf8
    output.indent(level)
    output.bytes.append(UInt8(ascii: "}"))
  }
}

/// An array being written: `[`, then each element on its own line as it comes, then `]`.
private final class ArrayWriter {
  let output: Output
  let level: Int
  private(set) var count = 0
  /// Elements whose value comes later, with the offset where it goes.
  private var deferred: [(offset: Int, value: DeferredValue)] = []

  init(output: Output, level: Int) {
    self.output = output
    self.level = level
    output.bytes.append(UInt8(ascii: "["))
  }

  /// Writes an element whose value comes later, when the array is closed.
  func deferred(_ value: DeferredValue) {
    // The array's bytes stay until then.
    if deferred.isEmpty { output.movable += 1 }
    element { deferred.append(($0.position, value)) }
  }

  /// Writes one element.
  func element(_ value: (Output) throws -> Void) rethrows {
    output.bytes += (count == 0 ? "\n" : ",\n").utf8
    output.indent(level + 1)
    count += 1
    try value(output)
    output.flushIfDone()
  }

  func finish() throws {
    // From the last, so that the places before stay where they were.
    for (offset, value) in deferred.reversed() { output.bytes.insert(contentsOf: try value.bytes(), at: offset - output.flushed) }
    if !deferred.isEmpty { output.movable -= 1 }
    output.bytes += (count == 0 ? "\n\n" : "\n").utf8
    output.indent(level)
    output.bytes.append(UInt8(ascii: "]"))
  }
}

/// A `[String: …]` dictionary, whose keys are written as they are.
private protocol StringKeyedDictionary {
  func encodeEntries(into object: ObjectWriter) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
  fileprivate func encodeEntries(into object: ObjectWriter) throws {
    for (key, value) in self { try object.entry(key) { try $0.append(value, level: object.level + 1) } }
  }
}

/// Encodes one value straight into the output.
///
/// A value's containers are written where they are asked for, and must be filled before the value
/// is done, as every synthesized and hand-written `encode(to:)` of pushnote does. Nested containers
/// and super-encoders, which can be filled later, are written apart and put in place when the
/// value is complete. Coding paths are not tracked: no model reads them.
private final class StreamEncoder: Encoder {
  let output: Output
  let level: Int
  var codingPath: [any CodingKey] { [] }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  private enum State {
    case empty
    case object(ObjectWriter)
    case array(ArrayWriter)
    case done
  }

  private var state = State.empty

  init(output: Output, level: Int) {
    self.output = output
    self.level = level
  }

  /// Closes the value's container; a value that wrote nothing is an empty object.
  func finish() throws {
    switch state {
    case .empty: try ObjectWriter(output: output, level: level).finish()
    case .object(let object): try object.finish()
    case .array(let array): try array.finish()
    case .done: break
    }
    state = .done
  }

  func object() -> ObjectWriter {
    if case .object(let existing) = state { return existing }
    let object = ObjectWriter(output: output, level: level)
    state = .object(object)
    return object
  }

  func array() -> ArrayWriter {
    if case .array(let existing) = state { return existing }
    let array = ArrayWriter(output: output, level: level)
    state = .array(array)
    return array
  }

  /// Marks the single value as written.
  func wroteValue() { state = .done }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    KeyedEncodingContainer(KeyedContainer<Key>(object: object()))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer { UnkeyedContainer(array: array()) }

  func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }
}

/// A value written apart, for a nested container or a super-encoder that may be filled late.
private final class DeferredValue {
  let encoder: StreamEncoder

  init(level: Int) { encoder = StreamEncoder(output: Output(sink: nil, blockSize: .max), level: level) }

  /// The value's bytes, its container closed.
  func bytes() throws -> [UInt8] {
    try encoder.finish()
    return encoder.output.bytes
  }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let object: ObjectWriter
  var codingPath: [any CodingKey] { [] }

  private func name(_ key: Key) -> String { JSONWriter.snakeCase(key.stringValue) }

  mutating func encodeNil(forKey key: Key) throws { object.entry(name(key)) { $0.bytes += "null".utf8 } }
  mutating func encode(_ value: Bool, forKey key: Key) throws { object.entry(name(key)) { $0.bytes += (value ? "true" : "false").utf8 } }
  mutating func encode(_ value: String, forKey key: Key) throws {
    object.entry(name(key)) { JSONWriter.writeString(value, into: &$0.bytes) }
  }
  mutating func encode(_ value: Int, forKey key: Key) throws { object.entry(name(key)) { JSONWriter.writeInteger(value, into: &$0.bytes) } }
  mutating func encode(_ value: Double, forKey key: Key) throws { object.entry(name(key)) { $0.bytes += Output.format(value).utf8 } }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    let level = object.level + 1
    try object.entry(name(key)) { try $0.append(value, level: level) }
  }

  mutating func nestedContainer<NestedKey: CodingKey>(
    keyedBy keyType: NestedKey.Type, forKey key: Key
  ) -> KeyedEncodingContainer<NestedKey> {
    deferred(name(key)).container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { deferred(name(key)).unkeyedContainer() }

  mutating func superEncoder() -> any Encoder { deferred("super") }
  mutating func superEncoder(forKey key: Key) -> any Encoder { deferred(name(key)) }

  /// An encoder for a value written apart; its bytes take their place when the object is closed.
  private func deferred(_ key: String) -> StreamEncoder {
    let value = DeferredValue(level: object.level + 1)
    object.deferred(key, value)
    return value.encoder
  }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let array: ArrayWriter
  var codingPath: [any CodingKey] { [] }
  var count: Int { array.count }

  mutating func encodeNil() throws { array.element { $0.bytes += "null".utf8 } }
  mutating func encode(_ value: Bool) throws { array.element { $0.bytes += (value ? "true" : "false").utf8 } }
  mutating func encode(_ value: String) throws { array.element { JSONWriter.writeString(value, into: &$0.bytes) } }
  mutating func encode(_ value: Int) throws { array.element { JSONWriter.writeInteger(value, into: &$0.bytes) } }
  mutating func encode(_ value: Double) throws { array.element { $0.bytes += Output.format(value).utf8 } }
  mutating func encode<T: Encodable>(_ value: T) throws {
    let level = array.level + 1
    try array.element { try $0.append(value, level: level) }
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    deferred().container(keyedBy: keyType)
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { deferred().unkeyedContainer() }

  mutating func superEncoder() -> any Encoder { deferred() }

  /// An encoder for an element written apart; its bytes take their place when the array is closed.
  private func deferred() -> StreamEncoder {
    let value = DeferredValue(level: array.level + 1)
    array.deferred(value)
    return value.encoder
  }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
  let encoder: StreamEncoder
  var codingPath: [any CodingKey] { [] }

  private func write(_ body: (Output) throws -> Void) rethrows {
    try body(encoder.output)
    encoder.wroteValue()
  }

  mutating func encodeNil() throws { write { $0.bytes += "null".utf8 } }
  mutating func encode(_ value: Bool) throws { write { $0.bytes += (value ? "true" : "false").utf8 } }
  mutating func encode(_ value: String) throws { write { JSONWriter.writeString(value, into: &$0.bytes) } }
  mutating func encode(_ value: Int) throws { write { JSONWriter.writeInteger(value, into: &$0.bytes) } }
  mutating func encode(_ value: Double) throws { write { $0.bytes += Output.format(value).utf8 } }
  mutating func encode<T: Encodable>(_ value: T) throws {
    let level = encoder.level
    try write { try $0.append(value, level: level) }
  }
}
