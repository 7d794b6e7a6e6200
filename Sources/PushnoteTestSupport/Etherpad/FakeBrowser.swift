import Foundation
import PushnoteCore

/// A scripted colleague in the browser: a realtime connection to a pad that types (commits
/// edits of the text it holds) on its own thread, so tests can type while pushnote writes.
public final class FakeBrowser: @unchecked Sendable {
  private let queue: DispatchQueue
  private let connection: RealtimePadConnection

  /// Joins `padID` on the server at `baseURL` as a new author named `name` (or the token's).
  public init(baseURL: String, padID: String, name: String, token: String = RealtimePadConnection.Identity.makeToken()) async throws {
    let queue = DispatchQueue(label: "fake-browser-\(name)")
    self.queue = queue
    let url = try URL(string: baseURL).orThrow()
    // A generous deadline: the whole suite and other builds share a small machine.
    connection = try await Self.run(on: queue) {
      try RealtimePadConnection(
        baseURL: url, padID: padID, identity: .init(token: token, name: name), timeout: 30)
    }.value
  }

  /// This browser's author id.
  public var authorID: String { connection.authorID }

  /// The text as this browser has it, after taking what arrived.
  public func text() async throws -> String {
    try await onQueue {
      _ = try $0.changes(wait: 0)
      return $0.text.text
    }
  }

  /// Types: makes the pad's text `edit` of the text this browser has (after taking what
  /// arrived), as one commit.
  @discardableResult
  public func type(_ edit: @escaping @Sendable (String) -> String) async throws -> RealtimePadConnection.Commit {
    try await onQueue {
      _ = try $0.changes(wait: 0)
      return try $0.commit(edit($0.text.text))
    }
  }

  /// Writes `text` against the revision this browser last took, without taking what arrived
  /// since (as pushnote writes the merge against the revision it read).
  @discardableResult
  public func write(_ text: String) async throws -> RealtimePadConnection.Commit {
    try await onQueue { try $0.commit(text) }
  }

  /// Waits up to `wait` seconds for colleagues' revisions and takes them.
  public func changes(wait: TimeInterval) async throws -> [RealtimePadConnection.Change] {
    try await onQueue { try $0.changes(wait: wait) }
  }

  /// Leaves the pad.
  public func close() async { _ = try? await onQueue { $0.close() } }

  private func onQueue<T: Sendable>(_ body: @escaping @Sendable (RealtimePadConnection) throws -> T) async throws -> T {
    let connection = Unchecked(connection)
    return try await Self.run(on: queue) { try body(connection.value) }.value
  }

  private static func run<T>(on queue: DispatchQueue, _ body: @escaping @Sendable () throws -> T) async throws -> Unchecked<T> {
    try await withCheckedThrowingContinuation { continuation in
      queue.async {
        do {
          continuation.resume(returning: Unchecked(try body()))
        } catch {
          continuation.resume(throwing: error)
        }
      }
    }
  }
}

/// A value handed between the browser's thread and its caller (the thread is the one user).
struct Unchecked<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

extension Optional {
  /// The value, or a thrown error.
  func orThrow() throws -> Wrapped {
    guard let self else { throw URLError(.badURL) }
    return self
  }
}
