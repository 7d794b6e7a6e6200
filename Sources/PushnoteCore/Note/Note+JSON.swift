import Foundation

extension Note {
  /// The note as `pushnote show --json` prints it (documented in docs/json.md), with a final newline.
  public func json() -> String { String(decoding: jsonBytes(), as: UTF8.self) }

  /// The bytes of ``json()``, from the one JSON writer.
  public func jsonBytes() -> [UInt8] {
    // The note's encode(to:) writes plain strings, numbers and arrays and never throws.
    (try? JSONWriter.bytes(self)) ?? Array("{}\n".utf8)
  }
}
