import Foundation

/// Renders RFC 5322 header fields: folded to 78 octets a line where the words allow it, non-ASCII
/// text as RFC 2047 encoded-words (`=?utf-8?b?...?=`), CRLF line ends, and nothing that could end
/// a field early.
enum HeaderEncoder {
  /// The line length RFC 5322 asks for (excluding CRLF).
  static let lineLimit = 78
  /// The longest encoded-word RFC 2047 allows.
  static let encodedWordLimit = 75

  /// One line of text safe in a header: control characters (CR and LF among them) become spaces,
  /// runs of white space one space, and the ends are trimmed.
  static func singleLine(_ text: String) -> String {
    var result = ""
    var pendingSpace = false
    for scalar in text.unicodeScalars {
      if HeaderEncoder.isBreakOrControl(scalar) {
        pendingSpace = !result.isEmpty
        continue
      }
      if pendingSpace { result.append(" ") }
      pendingSpace = false
      result.unicodeScalars.append(scalar)
    }
    return result
  }

  /// Whether a scalar is white space, a line or paragraph separator or a control character; ASCII
  /// is decided without the Unicode tables.
  static func isBreakOrControl(_ scalar: Unicode.Scalar) -> Bool {
    if scalar.isASCII { return scalar.value <= 0x20 || scalar.value == 0x7F }
    let properties = scalar.properties
    switch properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator: return true
    default: return properties.isWhitespace
    }
  }

  /// An unstructured field (`Subject`): plain words when the text is printable ASCII, encoded-words
  /// otherwise (and when the text itself looks like an encoded-word), folded, ending in CRLF.
  static func unstructured(name: String, value: String) -> String {
    let text = singleLine(value)
    let atoms =
      needsEncoding(text) ? encodedWords(text, firstBudget: lineLimit - name.count - 2) : text.split(separator: " ").map(String.init)
    return fold(name: name, atoms: atoms)
  }

  /// An address-list field (`From`, `To`, `Cc`, `Reply-To`), folded between words and addresses.
  static func addresses(name: String, _ list: [MailAddress]) -> String {
    var atoms: [String] = []
    for (index, address) in list.enumerated() {
      var addressAtoms = phraseAtoms(address.name ?? "", firstBudget: lineLimit - name.count - 2)
      addressAtoms.append(addressAtoms.isEmpty ? address.address : "<\(address.address)>")
      if index < list.count - 1 { addressAtoms[addressAtoms.count - 1] += "," }
      atoms += addressAtoms
    }
    return fold(name: name, atoms: atoms)
  }

  /// A field whose value is one token that must not be split (`Message-ID`, `MIME-Version`).
  static func token(name: String, value: String) -> String { fold(name: name, atoms: [value]) }

  /// Whether text must go into encoded-words: anything but printable ASCII and spaces, or a `=?`
  /// that a reader would take for the start of an encoded-word.
  static func needsEncoding(_ text: String) -> Bool {
    text.utf8.contains { $0 < 0x20 || $0 > 0x7E } || text.contains("=?")
  }

  /// The display name of an address as atoms: as written when it is plain words, a quoted-string
  /// when it holds specials, encoded-words when it is not ASCII.
  static func phraseAtoms(_ name: String, firstBudget: Int) -> [String] {
    let text = singleLine(name)
    if text.isEmpty { return [] }
    if needsEncoding(text) { return encodedWords(text, firstBudget: firstBudget) }
    let specials = Set("()<>[]:;@\\,.\"")
    if !text.contains(where: { specials.contains($0) }) { return text.split(separator: " ").map(String.init) }
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return ["\"\(escaped)\""]
  }

  /// Base64 encoded-words for `text`, split on scalar boundaries so that each decodes on its own;
  /// the first fits in `firstBudget` octets, the rest on a folded line of their own.
  static func encodedWords(_ text: String, firstBudget: Int) -> [String] {
    func maxBytes(_ budget: Int) -> Int { max(3, (min(budget, encodedWordLimit) - 12) / 4 * 3) }
    var words: [String] = []
    var chunk: [UInt8] = []
    var limit = maxBytes(firstBudget)
    for scalar in text.unicodeScalars {
      let bytes = Array(String(scalar).utf8)
      if !chunk.isEmpty, chunk.count + bytes.count > limit {
        words.append(encodedWord(chunk))
        chunk = []
        limit = maxBytes(lineLimit - 1)
      }
      chunk += bytes
    }
    if !chunk.isEmpty { words.append(encodedWord(chunk)) }
    return words
  }

  /// One `=?utf-8?b?...?=` word.
  static func encodedWord(_ bytes: [UInt8]) -> String { "=?utf-8?b?" + Data(bytes).base64EncodedString() + "?=" }

  /// Lays out atoms after `Name:` separated by single spaces, starting a new line (CRLF and a space)
  /// when the next atom would pass the line limit (also before the first: a long Message-ID goes on
  /// a line of its own); ends in CRLF.
  static func fold(name: String, atoms: [String]) -> String {
    var result = name + ":"
    var lineLength = result.utf8.count
    for atom in atoms {
      let length = atom.utf8.count
      if lineLength + 1 + length > lineLimit {
        result += "\r\n " + atom
        lineLength = 1 + length
      } else {
        result += " " + atom
        lineLength += 1 + length
      }
    }
    return result + "\r\n"
  }
}
