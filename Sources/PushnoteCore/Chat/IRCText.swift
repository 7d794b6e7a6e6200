/// The text of IRC lines: what may stand in a message, and how a long one is cut.
///
/// IRC ends a command at CR or LF, and NUL ends it on many servers; a line is at most 512 bytes
/// with its CR LF, counted as the server relays it (with the sender's `:nick!user@host ` prefix).
/// Text from a note therefore never carries those bytes into a line: each becomes a blank, and
/// `\x01` (which would make a CTCP request of the message) is dropped.
public enum IRCText {
  /// The most bytes of one line, CR LF included (RFC 1459, 2812).
  public static let lineLimit = 512

  /// The text with CR, LF and NUL made blanks and `\x01` removed.
  public static func clean(_ text: String) -> String {
    var scalars = String.UnicodeScalarView()
    for scalar in text.unicodeScalars where scalar != "\u{01}" {
      scalars.append(scalar == "\r" || scalar == "\n" || scalar == "\0" ? " " : scalar)
    }
    return String(scalars)
  }

  /// How many bytes of text fit in one `COMMAND target :text` line the server relays with a
  /// prefix of `prefixLength` bytes (`:nick!user@host `, its trailing blank included).
  public static func budget(command: String, target: String, prefixLength: Int) -> Int {
    lineLimit - 2 - prefixLength - command.utf8.count - 1 - target.utf8.count - 2
  }

  /// The lines a message goes out as: one per line of the message (blank ones left out), each
  /// cleaned and cut to at most `limit` bytes of UTF-8.
  public static func lines(of message: String, limit: Int) -> [String] {
    message.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
      .flatMap { split(clean(String($0)), limit: limit) }
  }

  /// Cuts text into pieces of at most `limit` bytes of UTF-8.
  ///
  /// It cuts at blanks where it can, else between characters: never inside a character, let
  /// alone a UTF-8 sequence. Runs of blanks
  /// where it cuts are dropped; pieces are never empty.
  public static func split(_ text: String, limit: Int) -> [String] {
    precondition(limit >= 4, "a line must hold at least one character")
    var pieces: [String] = []
    var current = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      let candidate = current.isEmpty ? String(word) : current + " " + word
      if candidate.utf8.count <= limit {
        current = candidate
        continue
      }
      if !current.isEmpty { pieces.append(current) }
      current = ""
      for character in word {
        if current.utf8.count + character.utf8.count > limit {
          if !current.isEmpty { pieces.append(current) }
          current = ""
          // A character longer than a whole line (a long run of combining marks): by scalars.
          if character.utf8.count > limit {
            for scalar in character.unicodeScalars {
              if current.utf8.count + scalar.utf8.count > limit {
                pieces.append(current)
                current = ""
              }
              current.unicodeScalars.append(scalar)
            }
            continue
          }
        }
        current.append(character)
      }
    }
    if !current.isEmpty { pieces.append(current) }
    return pieces
  }
}

/// The pace of lines to an IRC server: a burst, then one line per interval (RFC 1459 8.10's
/// message timer, so the server never drops the bot for flooding).
public struct FloodControl: Sendable {
  /// Lines sent at once before the pace applies.
  public var burst: Int
  /// Seconds between lines past the burst.
  public var interval: Double
  /// When the timer stands; lines may go while it is at most `burst` intervals ahead of now.
  private var timer: Double = 0

  /// A pace of `burst` lines at once, then one per `interval` seconds.
  public init(burst: Int = 5, interval: Double = 1) {
    self.burst = burst
    self.interval = interval
  }

  /// Takes a line sent at `now` (seconds on any steady clock) and returns how long to wait first.
  public mutating func delay(now: Double) -> Double {
    timer = max(timer, now)
    let wait = max(0, timer - now - Double(burst - 1) * interval)
    timer += interval
    return wait
  }
}
