import Foundation

/// The body's transfer encoding: 7bit when every line is short printable ASCII, quoted-printable
/// (RFC 2045) otherwise, so that no line of the message passes 78 octets.
enum BodyEncoding: String, Sendable {
  /// Lines as they are.
  case sevenBit = "7bit"
  /// `=XX` escapes and soft line breaks.
  case quotedPrintable = "quoted-printable"

  /// The longest encoded line quoted-printable allows (excluding CRLF).
  static let encodedLineLimit = 76

  /// The encoding `lines` need.
  static func choose(for lines: [Substring]) -> BodyEncoding {
    let plain = lines.allSatisfy { line in
      line.utf8.count <= HeaderEncoder.lineLimit && line.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
        && line.last != " " && line.last != "\t"
    }
    return plain ? .sevenBit : .quotedPrintable
  }

  /// Encodes text whose lines end in LF (CR before it is dropped) into lines joined by CRLF, without
  /// the last line's end.
  static func encode(_ text: String) -> (encoding: BodyEncoding, body: String) {
    var normalized = text.replacingCRLF
    if normalized.hasSuffix("\n") { normalized.removeLast() }
    let lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
    let encoding = choose(for: lines)
    let encoded = encoding == .sevenBit ? lines.map(String.init) : lines.map(quotedPrintable)
    return (encoding, encoded.joined(separator: "\r\n"))
  }

  /// One line in quoted-printable: printable ASCII but `=` as it is, spaces and tabs as they are
  /// except at the end, everything else `=XX`; soft breaks (`=` CRLF) keep lines within 76 octets.
  static func quotedPrintable(_ line: Substring) -> String {
    let bytes = Array(line.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count * 3 / 2)
    var lineLength = 0
    for (index, byte) in bytes.enumerated() {
      let isLast = index == bytes.count - 1
      let literal = (byte >= 0x21 && byte <= 0x7E && byte != 0x3D) || ((byte == 0x20 || byte == 0x09) && !isLast)
      let width = literal ? 1 : 3
      // The last token may use the whole line; others leave room for the soft break's `=`.
      if lineLength + width > (isLast ? encodedLineLimit : encodedLineLimit - 1) {
        output += [0x3D, 0x0D, 0x0A]
        lineLength = 0
      }
      if literal {
        output.append(byte)
      } else {
        output += [0x3D, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
      }
      lineLength += width
    }
    return String(decoding: output, as: UTF8.self)
  }

  private static let hexDigits = Array("0123456789ABCDEF".utf8)
}

extension String {
  /// The text with CRLF and lone CR turned into LF.
  var replacingCRLF: String {
    guard utf8.contains(0x0D) else { return self }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(utf8.count)
    var previousWasCR = false
    for byte in utf8 {
      if byte == 0x0A, previousWasCR {
        previousWasCR = false
        continue
      }
      previousWasCR = byte == 0x0D
      bytes.append(byte == 0x0D ? 0x0A : byte)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
