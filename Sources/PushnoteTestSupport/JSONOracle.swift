import Foundation
import PushnoteCore
import Synchronization

/// Foundation's encoder as the earlier versions used it: the oracle for the layout.
public enum JSONOracle {
  /// The value as `JSONEncoder` writes it pretty, with sorted keys and slashes unescaped, and a
  /// final newline; with `snakeCase`, camelCase coding keys converted as ``JSONWriter`` does.
  public static func text(_ value: some Encodable, snakeCase: Bool = false) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }

  /// The blocks ``JSONWriter/write(_:blockSize:to:)`` hands out, joined, and how many there were.
  public static func streamed(_ value: some Encodable, blockSize: Int) throws -> (text: String, blocks: Int) {
    let blocks = Mutex<[[UInt8]]>([])
    try JSONWriter.write(value, blockSize: blockSize) { block in blocks.withLock { $0.append(block) } }
    let all = blocks.withLock { $0 }
    return (String(decoding: all.flatMap { $0 }, as: UTF8.self), all.count)
  }

  /// The value as each way of writing it gives it, by name.
  ///
  /// The ways are ``JSONWriter/text(_:)``, its blocks of one byte joined, and `JSONEncoder` with
  /// snake_case keys: a ``JSONObject`` written right gives one text three times.
  public static func writings(of value: some Encodable) throws -> [(way: String, text: String)] {
    [
      ("JSONWriter", try JSONWriter.text(value)), ("JSONWriter in blocks of 1 byte", try streamed(value, blockSize: 1).text),
      ("JSONEncoder", try text(value, snakeCase: true)),
    ]
  }
}
