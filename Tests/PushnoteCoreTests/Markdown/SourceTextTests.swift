import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The line index and the UTF-8 check, against plain references: the standard library's UTF-8
/// decoder, and line endings found one byte at a time.
@Suite struct SourceTextTests {
  /// Bytes of ASCII runs, line endings of every kind, multi-byte characters and broken sequences.
  private static func randomBytes(_ random: inout SeededRandom, count: Int) -> [UInt8] {
    let pieces: [[UInt8]] = [
      Array("ascii text ".utf8), [0x0A], [0x0D, 0x0A], [0x0D], Array("é".utf8), Array("€".utf8), Array("𝄞".utf8),
      [0xC3], [0xE2, 0x82], [0xF0, 0x9D, 0x84], [0x80], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], Array("12345678".utf8),
    ]
    var bytes: [UInt8] = []
    while bytes.count < count {
      // Mostly valid text, so that a broken sequence turns up at every kind of place.
      let valid = [0, 1, 2, 3, 4, 5, 6, 14]
      bytes += pieces[random.below(100) < 98 ? valid[random.below(valid.count)] : random.below(pieces.count)]
    }
    return bytes
  }

  /// The first offset the standard library's decoder stops at, or nil.
  private static func referenceInvalidOffset(_ bytes: [UInt8]) -> Int? {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    var offset = 0
    while true {
      switch parser.parseScalar(from: &iterator) {
      case .valid(let scalar): offset += scalar.count
      case .emptyInput: return nil
      case .error: return offset
      }
    }
  }

  /// Line starts found one byte at a time: after `\n`, after `\r\n`, after a lone `\r`.
  private static func referenceLineStarts(_ bytes: [UInt8]) -> [Int] {
    var starts = [0]
    var index = 0
    while index < bytes.count {
      if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
      if bytes[index] == 0x0A || bytes[index] == 0x0D { starts.append(index + 1) }
      index += 1
    }
    return starts
  }

  @Test func theCheckAndTheIndexAgreeWithTheReferences() throws {
    var random = SeededRandom(seed: 11)
    var broken = 0
    for round in 0..<400 {
      let bytes = Self.randomBytes(&random, count: random.below(300))
      let expected = Self.referenceInvalidOffset(bytes)
      #expect(SourceText.firstInvalidUTF8Offset(bytes) == expected, "round \(round): \(bytes)")
      if expected != nil { broken += 1 }
      let valid = Array(bytes.prefix(expected ?? bytes.count))
      let source = try SourceText(bytes: valid)
      #expect(Array(source.lineStarts) == Self.referenceLineStarts(valid), "round \(round)")
      #expect(Array(SourceText(String(decoding: valid, as: UTF8.self)).lineStarts) == Self.referenceLineStarts(valid))
    }
    // Both kinds of input came up often.
    #expect(broken > 50 && broken < 350)
  }

  @Test func onlyLineFeedsAndNoLineEndingAtAll() throws {
    #expect(Array(try SourceText(bytes: []).lineStarts) == [0])
    #expect(Array(try SourceText(bytes: Array("a\nbb\n\nc".utf8)).lineStarts) == [0, 2, 5, 6])
    #expect(Array(try SourceText(bytes: Array("a\r\nb\rc\n".utf8)).lineStarts) == [0, 3, 5, 7])
    #expect(try SourceText(bytes: Array("a\nb\n".utf8)).lineCount == 2)
  }
}
