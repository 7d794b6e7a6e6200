import Foundation

/// An independent reader of mail messages: Python's `email` package with `policy=email.policy.strict`,
/// run on a message's bytes (`Tests/Fixtures/mail/parse_message.py`).
public enum MailOracle {
  /// What Python's parser saw in a message.
  public struct Parsed: Decodable, Sendable {
    /// Defects found; empty for a well-formed message.
    public var defects: [String]
    /// Decoded header values by lower-cased field name.
    public var headers: [String: [String]]
    /// Address fields as `[display name, addr-spec]` pairs by lower-cased field name.
    public var addresses: [String: [[String]]]
    /// Leaf parts in order.
    public var parts: [Part]
    /// The top-level content type (nil when parsing stopped early).
    public var contentType: String?

    enum CodingKeys: String, CodingKey {
      case defects, headers, addresses, parts
      case contentType = "content_type"
    }

    /// The one decoded value of a header field, nil when absent.
    public func header(_ name: String) -> String? { headers[name.lowercased()]?.first }
  }

  /// One leaf part, decoded.
  public struct Part: Decodable, Sendable {
    /// `text/plain`, `text/calendar`, ...
    public var contentType: String
    /// The charset parameter.
    public var charset: String?
    /// The attachment's file name.
    public var filename: String?
    /// The Content-Transfer-Encoding.
    public var transferEncoding: String?
    /// The decoded content, LF line ends.
    public var content: String

    enum CodingKeys: String, CodingKey {
      case contentType = "content_type"
      case charset, filename
      case transferEncoding = "transfer_encoding"
      case content
    }
  }

  /// Why the oracle could not give an answer.
  public struct Failure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
  }

  /// Parses a message with Python's strict policy.
  public static func parse(_ message: [UInt8]) async throws -> Parsed {
    guard let text = String(validating: message, as: UTF8.self) else { throw Failure(description: "the message is not UTF-8") }
    let result = try await ProcessRunner.run("python3", [Fixtures.fixture("mail/parse_message.py")], input: text)
    guard result.status == 0 else { throw Failure(description: "python3 failed (\(result.status)): \(result.stderr)") }
    return try JSONDecoder().decode(Parsed.self, from: Data(result.stdout.utf8))
  }

  /// The places where a raw message breaks the rules every rendered message keeps.
  ///
  /// Lines longer than 78 octets, line ends other than CRLF, bytes outside ASCII; empty when all is well.
  public static func rawProblems(_ message: [UInt8]) -> [String] {
    var problems: [String] = []
    var lineStart = 0
    var lineNumber = 1
    for (index, byte) in message.enumerated() {
      if byte > 0x7F { problems.append("line \(lineNumber): byte \(byte) is not ASCII") }
      if byte == 0x0D, index + 1 >= message.count || message[index + 1] != 0x0A { problems.append("line \(lineNumber): lone CR") }
      guard byte == 0x0A else { continue }
      if index == 0 || message[index - 1] != 0x0D { problems.append("line \(lineNumber): LF without CR") }
      let length = index - lineStart - 1
      if length > 78 { problems.append("line \(lineNumber): \(length) octets") }
      lineStart = index + 1
      lineNumber += 1
    }
    if lineStart != message.count { problems.append("the message does not end in CRLF") }
    return problems
  }
}
