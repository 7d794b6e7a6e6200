import Foundation
import PushnoteCore
import Synchronization

/// Foundation's encoder as the earlier versions used it: the oracle for the layout.
enum JSONOracle {
  /// The value as `JSONEncoder` writes it pretty, with sorted keys and slashes unescaped, and a
  /// final newline; with `snakeCase`, camelCase coding keys converted as ``JSONWriter`` does.
  static func text(_ value: some Encodable, snakeCase: Bool = false) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
  }

  /// The blocks ``JSONWriter/write(_:blockSize:to:)`` hands out, joined, and how many there were.
  static func streamed(_ value: some Encodable, blockSize: Int) throws -> (text: String, blocks: Int) {
    let blocks = Mutex<[[UInt8]]>([])
    try JSONWriter.write(value, blockSize: blockSize) { block in blocks.withLock { $0.append(block) } }
    let all = blocks.withLock { $0 }
    return (String(decoding: all.flatMap { $0 }, as: UTF8.self), all.count)
  }
}
