import Foundation

/// A mail address with an optional display name: `Release manager <rm@example.org>`.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
  /// The display name, as people read it (any Unicode); nil for none.
  public var name: String?
  /// The address itself (`local@domain`, ASCII).
  public var address: String

  /// Creates an address from its parts; the address is checked, the name made one safe line.
  ///
  /// - Throws: ``MailError/invalidAddress(field:value:reason:)`` naming `field`.
  public init(name: String?, address: String, field: String) throws(MailError) {
    let cleanName = name.map(HeaderEncoder.singleLine)
    self.name = cleanName?.isEmpty == false ? cleanName : nil
    self.address = try MailAddress.checked(address.trimmingSpaces, field: field)
  }

  /// Parses `Name <local@domain>`, `"Name" <local@domain>` or a bare `local@domain`.
  ///
  /// - Throws: ``MailError/invalidAddress(field:value:reason:)`` naming `field`.
  public init(parsing text: String, field: String) throws(MailError) {
    let trimmed = text.trimmingSpaces
    guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else {
      try self.init(name: nil, address: trimmed, field: field)
      return
    }
    var name = String(trimmed[..<open]).trimmingSpaces
    if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
      name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
    }
    let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
    try self.init(name: name, address: address, field: field)
  }

  /// The domain after the `@`.
  public var domain: String { String(address[address.index(after: address.lastIndex(of: "@") ?? address.startIndex)...]) }

  /// `Name <address>`, or the bare address, as people read it (not encoded).
  public var description: String { name.map { "\($0) <\(address)>" } ?? address }

  /// Checks an addr-spec: printable ASCII without spaces or specials, one `@` between a local part
  /// and a domain.
  private static func checked(_ address: String, field: String) throws(MailError) -> String {
    func fail(_ reason: String) -> MailError { .invalidAddress(field: field, value: address, reason: reason) }
    guard !address.isEmpty else { throw fail("it is empty") }
    guard address.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
      throw fail("only printable ASCII without spaces or control characters is accepted")
    }
    guard !address.contains(where: { "<>()[],;:\\\"".contains($0) }) else { throw fail("it holds one of <>()[],;:\\\"") }
    let parts = address.split(separator: "@", omittingEmptySubsequences: false)
    guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw fail("it needs one @ between a name and a domain") }
    guard !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains("..") else { throw fail("the domain is malformed") }
    return address
  }
}

extension String {
  /// The string without leading and trailing spaces, tabs and line ends.
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
    guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
    return String(self[first...last])
  }
}

extension MailAddress {
  /// git's `user.name` and `user.email` in `directory`, the sender when `mail.from` is not set; nil
  /// when git has no usable address.
  public static func gitUser(directory: String) async -> MailAddress? {
    let git = Git(directory: directory)
    guard let email = try? await git.run(["config", "user.email"]).trimmingSpaces, !email.isEmpty else { return nil }
    let name = try? await git.run(["config", "user.name"]).trimmingSpaces
    return try? MailAddress(name: name, address: email, field: "git user.email")
  }
}
