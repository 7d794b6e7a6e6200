/// Something `pushnote stats` could not read in a note: a lint warning, never an error.
public struct StatsWarning: Sendable, Equatable, Codable, CustomStringConvertible {
  /// The note's path, relative to the notebook.
  public var file: String
  /// The 1-based line.
  public var line: Int
  /// The 1-based byte column.
  public var column: Int
  /// What could not be read.
  public var message: String

  /// Creates a warning.
  public init(file: String, line: Int, column: Int, message: String) {
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  /// `file:line:col: warning: message`, as `pushnote lint` writes it.
  public var description: String { "\(file):\(line):\(column): warning: \(message)" }
}
