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
public struct SendmailTransport: MailTransport {
  /// The program: a path, or a name looked up on the PATH.
  public var program: String

  /// The arguments after the program.
  public static let arguments = ["-t", "-oi"]

  /// A transport through `program`.
  public init(program: String) { self.program = program }

  public var description: String { ([program] + SendmailTransport.arguments).joined(separator: " ") }

  public func send(_ message: MailMessage) async throws(MailError) {
    let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
    if program.contains("/"), !FileManager.default.isExecutableFile(atPath: program) {
      throw .transportConfiguration("mail.sendmail is \(program), which is not an executable program")
    }
    let input = SendmailTransport.localLineEnds(message.rendered())
    let status: TerminationStatus
    let said: String
    do {
      let result = try await Subprocess.run(
        executable, arguments: Arguments(SendmailTransport.arguments), input: .array(input),
        output: .discarded, error: .string(limit: 64 << 10))
      status = result.terminationStatus
      said = result.standardError.trimmingSpaces
    } catch {
      throw .sendFailed("cannot run \(program): \(error)")
    }
    guard case .exited(0) = status else {
      throw .sendFailed("\(description) ended with \(status)" + (said.isEmpty ? "" : ": \(said)"))
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
