/// A Jenkins job as pushnote.yml names it (`folder/sub folder/job`), and its URL path
/// (`/job/folder/job/sub%20folder/job/job`), every name percent-escaped.
public struct JenkinsJobPath: Sendable, Hashable, CustomStringConvertible {
  /// The names from the outermost folder to the job.
  public var components: [String]

  /// Splits `folder/job` at its slashes; empty parts (`a//b`, a trailing `/`) are dropped.
  public init(_ name: String) {
    components = name.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// The name as pushnote.yml writes it.
  public var description: String { components.joined(separator: "/") }

  /// `/job/A/job/B`: the path of the job below Jenkins' root, escaped.
  public var urlPath: String { components.map { "/job/" + Self.escape($0) }.joined() }

  /// Percent-escapes a path segment or a form value: everything but RFC 3986's unreserved characters.
  public static func escape(_ segment: String) -> String {
    var escaped = ""
    for byte in segment.utf8 {
      if isUnreserved(byte) {
        escaped.unicodeScalars.append(Unicode.Scalar(byte))
      } else {
        escaped += "%" + hexDigit(byte >> 4) + hexDigit(byte & 0x0F)
      }
    }
    return escaped
  }

  private static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
    case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"): return true
    default: return false
    }
  }

  private static func hexDigit(_ value: UInt8) -> String { String(Array("0123456789ABCDEF")[Int(value)]) }
}
