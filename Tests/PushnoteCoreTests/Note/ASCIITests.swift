import Testing

@testable import PushnoteCore

@Suite struct ASCIITests {
  /// The search the scanners' fast paths must agree with: every start, ASCII letters without case.
  private func naiveFirstIndex(of needle: String, in bytes: [UInt8], _ range: Range<Int>) -> Int? {
    let wanted = Array(needle.utf8).map(ASCII.lowercased)
    guard range.count >= wanted.count else { return nil }
    return (range.lowerBound...(range.upperBound - wanted.count)).first { start in
      wanted.indices.allSatisfy { ASCII.lowercased(bytes[start + $0]) == wanted[$0] }
    }
  }

  @Test(arguments: ["waffle_", "migrations/", ".sql", "end of push", "sign", "{{", "a_a"])
  func firstIndexAgreesWithASearchAtEveryStart(needle: String) {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("aAwWfFlLeE_./sSqQ {}gGnNiI".utf8)
    for _ in 0..<300 {
      let bytes =
        (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? 0 }
        + Array(needle.uppercased().utf8).prefix(Int.random(in: 0...needle.utf8.count, using: &generator))
      let lower = Int.random(in: 0...bytes.count, using: &generator)
      let range = lower..<Int.random(in: lower...bytes.count, using: &generator)
      #expect(
        ASCII.firstIndex(of: ASCII.Needle(needle), in: bytes, range) == naiveFirstIndex(of: needle, in: bytes, range),
        "\(String(decoding: bytes, as: UTF8.self)) \(range)")
    }
  }

  @Test func byteSearchStaysInsideItsRange() {
    let bytes = Array("a:b:c".utf8)
    bytes.withUnsafeBufferPointer { buffer in
      #expect(ASCII.index(of: UInt8(ascii: ":"), in: buffer, 0..<5) == 1)
      #expect(ASCII.index(of: UInt8(ascii: ":"), in: buffer, 2..<5) == 3)
      #expect(ASCII.index(of: UInt8(ascii: ":"), in: buffer, 2..<3) == nil)
      #expect(ASCII.index(of: UInt8(ascii: ":"), in: buffer, 4..<4) == nil)
    }
  }

  @Test func linksAndTagsAtTheVeryEndOfTheBytes() {
    let text = "x https://github.com/o/r/compare/2026.11.24...2026.12.01"
    let links = LinkScanner.links(in: Array(text.utf8))
    #expect(links.map(\.repo) == ["o/r"])
    #expect(links.first?.range.upperBound == text.utf8.count)
    let tags = LinkScanner.tags(in: Array(text.utf8), range: 0..<text.utf8.count)
    #expect(tags.map(\.tag.name) == ["2026.11.24", "2026.12.01"])
    #expect(LinkScanner.links(in: Array("https:/".utf8)).isEmpty)
    #expect(LinkScanner.tags(in: Array("2026.12.0".utf8), range: 0..<9).isEmpty)
    #expect(LinkScanner.links(in: Array("https://gitlab.com/g/p/-/commit/4be0ca4".utf8)).map(\.repo) == ["g/p"])
  }
}
