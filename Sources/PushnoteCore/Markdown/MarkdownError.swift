/// Why a Markdown file could not be read.
public enum MarkdownError: PushnoteError, Equatable {
  /// The bytes are not valid UTF-8; `offset` is the 0-based byte offset of the first bad byte.
  case invalidUTF8(path: String?, offset: Int, location: SourceLocation)
  /// The document is over ``MarkdownDocument/largestSize`` bytes (1 GiB), or a text file over
  /// ``SourceText/largestSize`` (4 GiB); `size` is its size.
  case tooLarge(path: String?, size: Int)
  /// cmark could not parse the document (it only fails when out of memory).
  case parserFailed(path: String?)

  public var exitStatus: ExitStatus { .dataError }

  public var description: String {
    switch self {
    case .invalidUTF8(let path, let offset, let location):
      return "\(path ?? "<input>"):\(location): error: invalid UTF-8 at byte offset \(offset)"
    case .tooLarge(let path, let size):
      return "\(path ?? "<input>"): error: \(size) bytes is over the \(MarkdownDocument.largestSize) bytes a note may have"
    case .parserFailed(let path):
      return "\(path ?? "<input>"): error: the Markdown parser failed"
    }
  }
}
