import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Standard output or error, with colour only on a terminal and never with `NO_COLOR`.
struct Terminal: Sendable {
  /// ANSI colours used in pushnote's output.
  enum Color: String {
    case red = "31"
    case green = "32"
    case yellow = "33"
    case blue = "34"
    case dim = "2"
    case bold = "1"
  }

  /// The file descriptor written to.
  let descriptor: Int32

  /// Standard output.
  static let standardOutput = Terminal(descriptor: STDOUT_FILENO)
  /// Standard error.
  static let standardError = Terminal(descriptor: STDERR_FILENO)

  /// Whether colour is on: a terminal, and `NO_COLOR` unset or empty.
  var colorEnabled: Bool {
    let noColor = ProcessInfo.processInfo.environment["NO_COLOR"] ?? ""
    return isatty(descriptor) == 1 && noColor.isEmpty
  }

  /// Whether the descriptor is a terminal (for live progress lines).
  var isTerminal: Bool { isatty(descriptor) == 1 }

  /// The text in a colour when colour is on.
  func styled(_ text: String, _ color: Color) -> String {
    colorEnabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
  }

  /// Writes text as it is.
  func write(_ text: String) {
    FileHandle(fileDescriptor: descriptor, closeOnDealloc: false).write(Data(text.utf8))
  }
}
