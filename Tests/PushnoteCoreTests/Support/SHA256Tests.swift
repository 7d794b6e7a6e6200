import Foundation
import PushnoteCore
import PushnoteTestSupport
import Testing

/// SHA-256 against FIPS 180-4's examples and Python's hashlib as the oracle.
@Suite struct SHA256Tests {
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
  ])
  func matchesTheStandardsExamples(text: String, expected: String) {
    #expect(SHA256.hex(Array(text.utf8)) == expected)
  }

  @Test func matchesPythonsHashlibAcrossBlockBoundaries() async throws {
    /// Printable ASCII of every length from 0 to 130 (two blocks and a bit), no line ends.
    func input(_ length: Int) -> String {
      let bytes: [UInt8] = (0..<length).map { index in UInt8(33 + (index * 7 + length) % 90) }
      return String(decoding: bytes, as: UTF8.self)
    }
    let inputs: [String] = (0...130).map(input)
    let script = "import hashlib,sys\nfor line in sys.stdin.read().split('\\n'):\n print(hashlib.sha256(line.encode()).hexdigest())\n"
    let result = try await ProcessRunner.run("/usr/bin/env", ["python3", "-c", script], input: inputs.joined(separator: "\n"))
    #expect(result.status == 0, "\(result.stderr)")
    let expected: [String] = inputs.map { SHA256.hex(Array($0.utf8)) }
    let oracle: [String] = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    #expect(oracle == expected)
  }
}
