import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A scripted TCP peer on 127.0.0.1 for tests of socket clients.
///
/// It listens on a port the system picks, accepts one connection, and runs `script` with the
/// accepted socket on its own thread; it stops listening after `timeout` seconds.
public final class LoopbackPeer: @unchecked Sendable {
  /// The port it listens on.
  public let port: Int
  private let listener: Int32
  private let finished = DispatchSemaphore(value: 0)

  /// Listens, then serves one connection with `script` (the socket is closed after it).
  public init(timeout: TimeInterval = 10, script: @escaping @Sendable (LoopbackSocket) -> Void) throws {
    let (listener, port) = try LoopbackPeer.boundSocket()
    self.listener = listener
    self.port = port
    guard listen(listener, 1) == 0 else {
      close(listener)
      throw CocoaError(.fileWriteUnknown)
    }
    let finished = finished
    Thread.detachNewThread {
      var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      if poll(&poller, 1, Int32(timeout * 1000)) == 1 {
        let accepted = accept(listener, nil, nil)
        if accepted >= 0 {
          script(LoopbackSocket(descriptor: accepted))
          close(accepted)
        }
      }
      finished.signal()
    }
  }

  /// Waits until the script has ended.
  public func wait() { finished.wait() }

  deinit { close(listener) }
}

/// The peer's side of the connection, blocking.
public struct LoopbackSocket: Sendable {
  let descriptor: Int32

  /// Sends bytes (all of them).
  public func send(_ bytes: [UInt8]) {
    var sent = 0
    while sent < bytes.count {
      let result = bytes.withUnsafeBytes { buffer in
        Glibc.send(descriptor, buffer.baseAddress.map { $0 + sent }, buffer.count - sent, Int32(MSG_NOSIGNAL))
      }
      if result <= 0 { return }
      sent += result
    }
  }

  /// Sends text as UTF-8.
  public func send(_ text: String) { send(Array(text.utf8)) }

  /// Reads until `count` bytes came or the client closed; returns what came.
  public func receive(count: Int) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < count {
      let read = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, min($0.count, count - bytes.count), 0) }
      if read <= 0 { break }
      bytes += chunk[..<read]
    }
    return bytes
  }

  /// Closes the sending side.
  public func shutdownWrite() { shutdown(descriptor, Int32(SHUT_WR)) }
}

extension LoopbackPeer {
  /// A TCP socket bound to 127.0.0.1 on a port the system picks, and the port.
  ///
  /// Closed on exec: a child process that another test starts meanwhile must not inherit it, or the
  /// port stays bound in the child after this process closes it.
  static func boundSocket() throws -> (descriptor: Int32, port: Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard descriptor >= 0, bound == 0 else {
      if descriptor >= 0 { close(descriptor) }
      throw CocoaError(.fileWriteUnknown)
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
  }
}

/// A loopback port that refuses every connection for as long as this value lives.
///
/// A socket is bound to it and never listens: a connection gets a reset, and no other test can
/// take the port meanwhile (a port that was bound and then closed may be handed to the next
/// server that asks for one).
public final class ClosedLoopbackPort: Sendable {
  /// The port.
  public let port: Int
  private let descriptor: Int32

  /// Binds a port without listening on it.
  public init() throws { (descriptor, port) = try LoopbackPeer.boundSocket() }

  deinit { close(descriptor) }
}
