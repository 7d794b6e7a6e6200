import Foundation

/// A build's console text made fit for a note: its last lines, without terminal escapes or control
/// characters, and a code fence that none of them can close.
public enum ConsoleText {
  /// The last `count` lines of the text, cleaned; trailing blank lines are dropped first.
  ///
  /// Bytes that are not UTF-8 become U+FFFD: this is Jenkins' output, shown, never parsed.
  public static func tail(_ data: Data, lines count: Int) -> [String] {
    let text = String(decoding: data, as: UTF8.self)
    var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.map { clean(String($0)) }
    while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
    return Array(lines.suffix(max(0, count)))
  }

  /// A line without ANSI escape sequences; other control characters (but tabs) become spaces.
  public static func clean(_ line: String) -> String {
    var result = String.UnicodeScalarView()
    var scalars = line.unicodeScalars.makeIterator()
    while let scalar = scalars.next() {
      if scalar == "\u{1B}" {
        skipEscape(&scalars)
      } else if scalar == "\t" || scalar.properties.generalCategory != .control, scalar != "\u{2028}", scalar != "\u{2029}" {
        result.append(scalar)
      } else {
        result.append(" ")
      }
    }
    return String(result).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
  }

  /// A backtick fence longer than any run of backticks in the lines (at least three).
  public static func fence(for lines: [String]) -> String {
    var longest = 0
    for line in lines {
      var run = 0
      for character in line {
        run = character == "`" ? run + 1 : 0
        longest = max(longest, run)
      }
    }
    return String(repeating: "`", count: max(3, longest + 1))
  }

  /// Skips the rest of an escape sequence: `ESC [ … final`, `ESC ] … BEL`, or `ESC` and one character.
  private static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
    guard let introducer = scalars.next() else { return }
    switch introducer {
    case "[":
      while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
    case "]":
      while let next = scalars.next(), next != "\u{07}", next != "\u{1B}" {}
    default:
      return
    }
  }
}
