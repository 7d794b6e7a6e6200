import Dispatch

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
/// elements of arrays. A concrete type rather than a protocol, so that every field is a direct
/// call; the bytes go into memory of its own, written through a pointer, because an array's checks
/// on every append cost more than the writing.
public struct JSONFields {
  /// Owns the memory, so that it is freed with the last copy of the fields.
  private let storage: Storage
  /// The written bytes not yet handed to the sink: `count` of `capacity` at `base`.
  private var base: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var capacity: Int
  /// The indentation level of the open object's fields.
  private var level = 0
  /// Whether the open object has no field yet.
  private var empty = true
  /// The open object's last key, to check in debug builds that keys come in order.
  private var lastKey: StaticString?
  private var sink: (([UInt8]) -> Void)?
  private var blockSize = Int.max
  /// The container the fields go to instead of bytes.
  private var container: KeyedEncodingContainer<Key>?
  /// Whether the fields go to `container`: a stored flag, as testing the optional container copies it.
  private var toContainer = false
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

  /// The memory the bytes are written to, freed when the fields are gone.
  private final class Storage {
    var base: UnsafeMutablePointer<UInt8>
    init(capacity: Int) { base = .allocate(capacity: capacity) }
    deinit { base.deallocate() }
  }

  /// Fields written as bytes, the value at indentation `level`.
  init(level: Int, sink: (([UInt8]) -> Void)? = nil, blockSize: Int = .max) {
    capacity = sink == nil ? 4096 : min(blockSize, 1 << 20) + 4096
    storage = Storage(capacity: capacity)
    base = storage.base
    self.level = level
    self.sink = sink
    self.blockSize = blockSize
  }

  /// Fields handed to an encoder's container.
  fileprivate init(container: KeyedEncodingContainer<Key>) {
    capacity = 0
    storage = Storage(capacity: 0)
    base = storage.base
    self.container = container
    toContainer = true
  }

  /// The bytes written and not handed out, which the fields then forget.
  mutating func take() -> [UInt8] {
    defer { count = 0 }
    return Array(UnsafeBufferPointer(start: base, count: count))
  }

  /// A string, or `null`.
  public mutating func field(_ key: StaticString, _ value: String?) {
    guard !toContainer else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    guard let value else { return put("null") }
    string(value)
  }

  /// An integer, or `null`.
  public mutating func field(_ key: StaticString, _ value: Int?) {
    guard !toContainer else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    guard let value else { return put("null") }
    room(JSONWriter.largestInteger)
    count += JSONWriter.writeInteger(value, at: base + count)
  }

  /// `true` or `false`.
  public mutating func field(_ key: StaticString, _ value: Bool) {
    guard !toContainer else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    put(value ? "true" : "false")
  }

  /// A nested object, or `null`.
  public mutating func field<Value: JSONObject>(_ key: StaticString, _ value: Value?) {
    guard !toContainer else { return encode(key) { try $0.encode(value, forKey: $1) } }
    self.key(key)
    guard let value else { return put("null") }
    object(value)
  }

  /// An array of strings, or `null`.
  public mutating func field(_ key: StaticString, _ values: [String]?) {
    guard !toContainer else { return encode(key) { try $0.encode(values, forKey: $1) } }
    self.key(key)
    guard let values else { return put("null") }
    array(values.count) { $0.string(values[$1]) }
  }

  /// An array of objects.
  public mutating func field<Element: JSONObject>(_ key: StaticString, _ values: [Element]) {
    guard !toContainer else { return encode(key) { try $0.encode(values, forKey: $1) } }
    self.key(key)
    array(values.count) { $0.object(values[$1]) }
  }

  /// An array of objects that may be read on other threads: a long one going to a sink is written
  /// in runs of elements, several at once, each into bytes of its own, handed on in order.
  ///
  /// The bytes are those of one writer. The first runs are of one element; later ones are sized
  /// from them to about 256 KiB (or the block size, when smaller), so that a wave of them holds
  /// little whatever an element's size.
  public mutating func field<Element: JSONObject & Sendable>(_ key: StaticString, _ values: [Element]) {
    guard !toContainer else { return encode(key) { try $0.encode(values, forKey: $1) } }
    self.key(key)
    let workers = values.count < JSONFields.longArray ? 1 : Processors.available
    guard let sink, workers > 1 else { return array(values.count) { $0.object(values[$1]) } }
    put(UInt8(ascii: "["))
    level += 1
    let elementLevel = level
    var start = 0
    var run = 1
    while start < values.count {
      let runs = (0..<workers).map { min(values.count, start + $0 * run)..<min(values.count, start + ($0 + 1) * run) }
      var written = [[UInt8]](repeating: [], count: runs.count)
      written.withUnsafeMutableBufferPointer { buffer in
        // Each iteration writes its own element only.
        nonisolated(unsafe) let slots = buffer
        DispatchQueue.concurrentPerform(iterations: runs.count) { index in
          var fields = JSONFields(level: elementLevel)
          for element in runs[index] {
            if element > 0 { fields.put(UInt8(ascii: ",")) }
            fields.newLine()
            fields.object(values[element])
          }
          slots[index] = fields.take()
        }
      }
      if count > 0 { sink(take()) }
      for bytes in written where !bytes.isEmpty { sink(bytes) }
      let bytes = written.reduce(0) { $0 + $1.count }
      let elements = (runs.last?.upperBound ?? values.count) - start
      run = max(1, min(64 * run, min(256 << 10, blockSize) * elements / max(1, bytes)))
      start += elements
    }
    level -= 1
    close(UInt8(ascii: "]"), empty: values.isEmpty)
  }

  /// The length from which an array going to a sink is written on several threads.
  static let longArray = 16

  /// Writes a string in quotes, escaped as ``JSONWriter`` escapes it.
  private mutating func string(_ value: String) {
    var text = value
    // Most strings need no escape: then their bytes go as they are.
    let plain = text.withUTF8 { utf8 in
      guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
      room(utf8.count + 2)
      base[count] = UInt8(ascii: "\"")
      if let start = utf8.baseAddress { (base + count + 1).update(from: start, count: utf8.count) }
      base[count + 1 + utf8.count] = UInt8(ascii: "\"")
      count += utf8.count + 2
      return true
    }
    guard !plain else { return }
    var escaped: [UInt8] = []
    JSONWriter.writeString(value, into: &escaped)
    escaped.withUnsafeBufferPointer { put($0) }
  }

  /// Writes `[`, `elements` elements each on its own line and `]`, handing the bytes to the sink
  /// between elements once they fill a block.
  @inline(__always)
  private mutating func array(_ elements: Int, _ element: (inout JSONFields, Int) -> Void) {
    put(UInt8(ascii: "["))
    level += 1
    for index in 0..<elements {
      if index > 0 { put(UInt8(ascii: ",")) }
      newLine()
      element(&self, index)
      if let sink, count >= blockSize { sink(take()) }
    }
    level -= 1
    close(UInt8(ascii: "]"), empty: elements == 0)
  }

  /// Writes `{`, the value's fields and `}` as bytes.
  mutating func object(_ value: some JSONObject) {
    put(UInt8(ascii: "{"))
    let outer = (empty, lastKey)
    empty = true
    lastKey = nil
    level += 1
    value.writeFields(to: &self)
    level -= 1
    close(UInt8(ascii: "}"), empty: empty)
    (empty, lastKey) = outer
  }

  /// Writes one byte.
  mutating func put(_ byte: UInt8) {
    room(1)
    base[count] = byte
    count += 1
  }

  private mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let start = bytes.baseAddress else { return }
    room(bytes.count)
    (base + count).update(from: start, count: bytes.count)
    count += bytes.count
  }

  private mutating func put(_ text: StaticString) {
    put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
  }

  /// Makes room for `extra` more bytes.
  private mutating func room(_ extra: Int) {
    guard count + extra > capacity else { return }
    let grown = max(2 * capacity, count + extra)
    let memory = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    memory.update(from: base, count: count)
    base.deallocate()
    base = memory
    storage.base = memory
    capacity = grown
  }

  private mutating func encode(_ key: StaticString, _ body: (inout KeyedEncodingContainer<Key>, Key) throws -> Void) {
    guard failure == nil, var container else { return }
    do { try body(&container, Key(key)) } catch { failure = error }
    self.container = container
  }

  private mutating func key(_ key: StaticString) {
    assert(lastKey.map { JSONFields.precedes($0, key) } ?? true, "JSON keys out of order: \(lastKey?.description ?? "") before \(key)")
    lastKey = key
    if !empty { put(UInt8(ascii: ",")) }
    empty = false
    newLine()
    put(UInt8(ascii: "\""))
    put(key)
    put("\" : ")
  }

  /// Whether `first` sorts before `second`, byte by byte.
  private static func precedes(_ first: StaticString, _ second: StaticString) -> Bool {
    UnsafeBufferPointer(start: first.utf8Start, count: first.utf8CodeUnitCount).lexicographicallyPrecedes(
      UnsafeBufferPointer(start: second.utf8Start, count: second.utf8CodeUnitCount))
  }

  /// A line ending and the indentation of the level.
  private mutating func newLine() {
    let width = 2 * level
    room(1 + width)
    base[count] = 0x0A
    (base + count + 1).update(repeating: UInt8(ascii: " "), count: width)
    count += 1 + width
  }

  /// Closes a container at the level of its key.
  private mutating func close(_ bracket: UInt8, empty: Bool) {
    if empty { put(0x0A) }
    newLine()
    put(bracket)
  }
}
