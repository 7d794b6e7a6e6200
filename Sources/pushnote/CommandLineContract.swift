import ArgumentParser
import Foundation
import PushnoteCore

/// The command line as docs/cli.md gives it, before ArgumentParser sees it: `-C DIR`, `--notebook DIR`
/// and `--color WHEN` may come before the command and are moved behind it; a mistyped command gets a
/// suggestion; every error reads `error: MESSAGE` or `FILE:LINE:COL: error: MESSAGE`.
struct CommandLineContract {
  /// The arguments to parse, global options moved behind the command.
  private(set) var arguments: [String]
  /// What `--color` asks for (the last one given wins).
  private(set) var colorChoice = Terminal.ColorChoice.auto
  /// The first word where a command belongs that is not one.
  private(set) var unknownCommand: String?

  /// The options every command takes, with a value each.
  static let globalOptions: Set<String> = ["-C", "--notebook", "--color"]

  init(_ arguments: [String], commands: [String]) {
    var leading: [String] = []
    var index = 0
    while index < arguments.count {
      let argument = arguments[index]
      let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
      if Self.globalOptions.contains(argument), index + 1 < arguments.count {
        leading += [argument, arguments[index + 1]]
        index += 2
      } else if argument.hasPrefix("--"), argument.contains("="), Self.globalOptions.contains(name) {
        leading.append(argument)
        index += 1
      } else {
        break
      }
    }
    var rest = Array(arguments[index...])
    if let command = rest.first, !command.hasPrefix("-") {
      if commands.contains(command) {
        rest.insert(contentsOf: leading, at: 1)
      } else {
        unknownCommand = command
      }
    } else {
      rest = leading + rest
    }
    self.arguments = rest
    for (position, argument) in rest.enumerated() {
      if argument == "--" { break }
      if argument == "--color", position + 1 < rest.count, let choice = Terminal.ColorChoice(rawValue: rest[position + 1]) {
        colorChoice = choice
      } else if argument.hasPrefix("--color="), let choice = Terminal.ColorChoice(rawValue: String(argument.dropFirst(8))) {
        colorChoice = choice
      }
    }
  }

  /// `error: unknown command 'shwo'`, with the commands it may have meant.
  static func unknownCommandMessage(_ word: String, commands: [String]) -> String {
    let close = commands.filter { $0.hasPrefix(word) || editDistance($0, word) <= max(1, min(2, word.count / 3)) }
    var message = errorLine("unknown command '\(word)'")
    if !close.isEmpty { message += "\ndid you mean " + close.map { "'\($0)'" }.joined(separator: " or ") + "?" }
    return message + "\nSee 'pushnote --help' for the commands."
  }

  /// The Levenshtein distance of two words, counting transposed neighbours as one step.
  static func editDistance(_ first: String, _ second: String) -> Int {
    let a = Array(first)
    let b = Array(second)
    guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
    var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { table[i][0] = i }
    for j in 0...b.count { table[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
      }
    }
    return table[a.count][b.count]
  }

  /// An error as one line: a message that names its place (`FILE:LINE:COL: error: …`) as it is,
  /// any other after `error: `.
  static func errorLine(_ description: String) -> String {
    let error = Terminal.standardError.styled("error", .red)
    if let range = description.range(of: ": error: ") {
      return description[..<range.lowerBound] + ": " + error + ": " + description[range.upperBound...]
    }
    return error + ": " + description
  }

  /// ArgumentParser's message in pushnote's format: `error: …` instead of `Error: …`.
  static func errorLine(fromParser message: String) -> String {
    message.hasPrefix("Error: ") ? errorLine(String(message.dropFirst(7))) : message
  }
}
