import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Hands the message to a sendmail-compatible program as `PROGRAM -t -oi`: recipients from the
/// To and Cc headers, a lone `.` line not taken as the end, the message on standard input with
/// LF line ends as local submission expects.
///
/// The program gets the environment without pushnote's secrets. One that exits before it read the
/// whole message (`/bin/true`) did not take it: that is a failure with its status and what it said,
/// never a pushnote killed by `SIGPIPE`.
public struct SendmailTransport: MailTransport {
  /// The program: a path, or a name looked up on the PATH.
  public var program: String

  /// The arguments after the program.
  public static let arguments = ["-t", "-oi"]

  /// A transport through `program`.
  public init(program: String) { self.program = program }

  public var description: String { ([program] + SendmailTransport.arguments).joined(separator: " ") }

  public func send(_ message: MailMessage) async throws(MailError) {
    if program.contains("/"), !FileManager.default.isExecutableFile(atPath: program) {
      throw .transportConfiguration("mail.sendmail is \(program), which is not an executable program")
    }
    let input = SendmailTransport.localLineEnds(message.rendered())
    ChildProcess.ignoreBrokenPipes()
    let variables = ChildProcess.environment()
    var environment: [Environment.Key: String] = [:]
    for (key, value) in variables { environment[Environment.Key(stringLiteral: key)] = value }
    let executable: Executable =
      ChildProcess.executable(named: program, searchPath: variables["PATH"]).map { .path(FilePath($0)) } ?? .name(program)
    let status: TerminationStatus
    let said: String
    let written: Int
    do {
      let result = try await Subprocess.run(
        executable, arguments: Arguments(SendmailTransport.arguments), environment: .custom(environment), input: .inputWriter,
        output: .discarded, error: .string(limit: 64 << 10)
      ) { execution in
        // A program that stops reading makes the write fail (EPIPE): how far it got is the answer.
        do {
          let count = try await execution.standardInputWriter.write(input)
          try await execution.standardInputWriter.finish()
          return count
        } catch {
          return -1
        }
      }
      status = result.terminationStatus
      said = result.standardError.trimmingSpaces
      written = result.closureResult
    } catch {
      throw .sendFailed("cannot run \(program): \(error)")
    }
    let detail = said.isEmpty ? "" : ": \(said)"
    guard case .exited(0) = status else { throw .sendFailed("\(description) ended with \(status)\(detail)") }
    guard written == input.count else {
      throw .sendFailed("\(description) ended with \(status) before it read the whole message (\(input.count) bytes)\(detail)")
    }
  }

  /// The message with CRLF line ends turned into LF.
  static func localLineEnds(_ bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    for (index, byte) in bytes.enumerated() where !(byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) {
      result.append(byte)
    }
    return result
  }
}
