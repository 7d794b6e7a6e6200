import Foundation
import PushnoteCore
import Synchronization

#if canImport(Glibc)
import Glibc

/// `write(2)`, named apart from ``Terminal/write(_:)``.
private let systemWrite = Glibc.write
#else
import Darwin

/// `write(2)`, named apart from ``Terminal/write(_:)``.
private let systemWrite = Darwin.write
#endif

/// Standard output or error: whether it gets colour is decided once, when it is first used, and
/// standard output is buffered (one write at the end of a command, or a write per mebibyte).
final class Terminal: Sendable {
  /// ANSI colours used in pushnote's output.
  enum Color: String {
    case red = "31"
    case green = "32"
    case yellow = "33"
    case blue = "34"
    case dim = "2"
    case bold = "1"
  }

  /// What `--color` asks for.
  enum ColorChoice: String, CaseIterable, Sendable {
    /// Colour on a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`; always with `CLICOLOR_FORCE`.
    case auto
    /// Colour whatever the output is.
    case always
    /// No colour.
    case never
  }

  /// The file descriptor written to.
  let descriptor: Int32
  /// Whether the descriptor is a terminal (for live progress lines).
  let isTerminal: Bool
  /// Whether colour is on, decided once from `--color`, the environment and the descriptor.
  let colorEnabled: Bool
  /// Whether writes wait in the buffer (standard output) or go out at once (standard error).
  private let buffered: Bool
  private let pending = Mutex<[UInt8]>([])

  /// Buffered output is written out once it holds this many bytes.
  private static let blockSize = 1 << 20

  /// What `--color` said; set by the command line before any output.
  static let colorChoice = Mutex(ColorChoice.auto)

  /// Standard output, buffered.
  static let standardOutput = Terminal(descriptor: STDOUT_FILENO, buffered: true)
  /// Standard error; writing to it first writes out what standard output holds, so the two stay in order.
  static let standardError = Terminal(descriptor: STDERR_FILENO, buffered: false)

  init(
    descriptor: Int32, buffered: Bool, choice: ColorChoice = Terminal.colorChoice.withLock { $0 },
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.descriptor = descriptor
    self.buffered = buffered
    isTerminal = isatty(descriptor) == 1
    colorEnabled = Terminal.colorEnabled(choice: choice, isTerminal: isTerminal, environment: environment)
  }

  /// The colour rule: `--color always|never` wins; then `NO_COLOR` (set and not empty) turns colour off,
  /// `CLICOLOR_FORCE` (set, not empty and not `0`) turns it on, `TERM=dumb` turns it off; else colour on a terminal.
  static func colorEnabled(choice: ColorChoice, isTerminal: Bool, environment: [String: String]) -> Bool {
    switch choice {
    case .always: return true
    case .never: return false
    case .auto:
      if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
      if let force = environment["CLICOLOR_FORCE"], !force.isEmpty, force != "0" { return true }
      if environment["TERM"] == "dumb" { return false }
      return isTerminal
    }
  }

  /// The text in a colour when colour is on.
  func styled(_ text: String, _ color: Color) -> String {
    colorEnabled ? "\u{1B}[\(color.rawValue)m\(text)\u{1B}[0m" : text
  }

  /// Writes text: into the buffer for standard output, at once for standard error.
  func write(_ text: String) {
    write(bytes: Array(text.utf8))
  }

  /// Writes bytes: into the buffer for standard output, at once for standard error.
  func write(bytes: [UInt8]) {
    guard buffered else {
      Terminal.standardOutput.flush()
      Terminal.writeAll(bytes, to: descriptor)
      return
    }
    pending.withLock { buffer in
      guard bytes.count < Terminal.blockSize else {
        // A block of its own: written as it is, not copied into the buffer first.
        Terminal.writeAll(buffer, to: descriptor)
        buffer.removeAll(keepingCapacity: true)
        Terminal.writeAll(bytes, to: descriptor)
        return
      }
      buffer += bytes
      if buffer.count >= Terminal.blockSize {
        Terminal.writeAll(buffer, to: descriptor)
        buffer.removeAll(keepingCapacity: true)
      }
    }
  }

  /// Writes out what the buffer holds (before the process ends, and for live lines that must show now).
  func flush() {
    pending.withLock { buffer in
      guard !buffer.isEmpty else { return }
      Terminal.writeAll(buffer, to: descriptor)
      buffer.removeAll(keepingCapacity: true)
    }
  }

  /// One `write(2)` for all the bytes, repeated only where the system takes part of them.
  private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) {
    bytes.withUnsafeBytes { raw in
      var offset = 0
      while offset < raw.count {
        let written = systemWrite(descriptor, raw.baseAddress.map { $0 + offset }, raw.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += written
      }
    }
  }
}

extension Terminal {
  /// Writes a value as JSON, through the one JSON writer (docs/json.md), in blocks as it is written.
  func writeJSON(_ value: some Encodable) throws {
    try JSONWriter.write(value, blockSize: Terminal.blockSize) { self.write(bytes: $0) }
  }
}
