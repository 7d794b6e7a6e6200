/// A place in a source file.
///
/// `line` and `column` are 1-based; `column` counts UTF-8 bytes from the start of the line (a tab is
/// one byte), as cmark and swift-markdown count them. `offset` is the 0-based byte offset from the
/// start of the file, including a byte-order mark if the file has one.
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  /// The 1-based line number.
  public var line: Int
  /// The 1-based column, in UTF-8 bytes.
  public var column: Int
  /// The 0-based byte offset from the start of the file.
  public var offset: Int

  /// Creates a location from its three coordinates.
  public init(line: Int, column: Int, offset: Int) {
    self.line = line
    self.column = column
    self.offset = offset
  }

  public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool { lhs.offset < rhs.offset }

  /// `line:column`, as compilers print it.
  public var description: String { "\(line):\(column)" }
}
