import Foundation

extension Note {
  /// The encoder behind `--json`: sorted keys, two-space indent, slashes unescaped, so output is stable.
  public static func jsonEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  /// The note as `pushnote show --json` prints it (documented in docs/json.md), with a final newline.
  public func json() -> String {
    // Encoding plain strings, numbers and arrays cannot fail.
    let data = (try? Note.jsonEncoder().encode(self)) ?? Data("{}".utf8)
    return String(decoding: data, as: UTF8.self) + "\n"
  }
}
