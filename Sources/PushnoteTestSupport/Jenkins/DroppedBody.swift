import FlyingSocks
import Foundation

/// A response body that yields some bytes, then fails, so the server closes the connection before
/// the length it announced: a dropped connection as the client sees it.
struct DroppedBody: AsyncBufferedSequence {
  typealias Element = UInt8

  /// The bytes sent before the connection drops.
  let bytes: [UInt8]

  func makeAsyncIterator() -> Iterator { Iterator(bytes: bytes) }

  /// Yields `bytes` once, then throws.
  struct Iterator: AsyncBufferedIteratorProtocol {
    var bytes: [UInt8]
    var sent = false

    mutating func next() async throws -> UInt8? {
      guard !bytes.isEmpty else { throw SocketError.disconnected }
      return bytes.removeFirst()
    }

    mutating func nextBuffer(suggested count: Int) async throws -> [UInt8]? {
      guard !sent, !bytes.isEmpty else { throw SocketError.disconnected }
      sent = true
      return bytes
    }
  }
}
