import Foundation
import PushnoteTestSupport
import Testing

@testable import PushnoteCore

/// The realtime connection against the fake realtime Etherpad, with scripted browsers.
@Suite struct RealtimeProtocolTests {
  static let note = "# Push\n- [ ] QA checks stage\n- [ ] Ops deploys\nnotes\n"

  static func server(_ text: String = note) async throws -> (FakeEtherpad, String) {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    await fake.seed("mkt", text)
    return (fake, base)
  }

  @Test func aCommitReachesTheOtherBrowserAndTheHTTPAPIWithItsAuthor() async throws {
    let (fake, base) = try await Self.server()
    let qa = try await FakeBrowser(baseURL: base, padID: "mkt", name: "krupa")
    let rm = try await FakeBrowser(baseURL: base, padID: "mkt", name: "pushnote")
    let commit = try await qa.type { $0.replacingOccurrences(of: "- [ ] QA", with: "- [x] QA") }
    #expect(commit.stored && commit.revision == 1)
    let arrived = try await rm.changes(wait: 5)
    #expect(arrived.map(\.revision) == [1])
    #expect(arrived.first?.author == qa.authorID)
    #expect(try await rm.text() == Self.note.replacingOccurrences(of: "- [ ] QA", with: "- [x] QA"))
    #expect(await fake.pads["mkt"]?.revisions.count == 2)
    #expect(await fake.pads["mkt"]?.text == (try await rm.text()))
    let authors = try await fake.authors(of: "mkt")
    let tick = Array(Self.note.utf16).firstIndex(of: UInt16(UInt8(ascii: "["))).map { $0 + 1 } ?? 0
    #expect(authors[tick] == qa.authorID)
    #expect(authors.filter { $0 == qa.authorID }.count == 1)
    #expect(await fake.authorName(qa.authorID) == "krupa")
    await qa.close()
    await rm.close()
    await fake.stop()
  }

  @Test func anEditTypedDuringTheWriteIsRebasedAndComesBack() async throws {
    let (fake, base) = try await Self.server()
    let rm = try await FakeBrowser(baseURL: base, padID: "mkt", name: "pushnote")
    let qa = try await FakeBrowser(baseURL: base, padID: "mkt", name: "krupa")
    // pushnote holds revision 0; the colleague types on the same line and another one first.
    try await qa.type { $0.replacingOccurrences(of: "QA checks stage", with: "QA checks stage and prod") }
    try await qa.type { $0.replacingOccurrences(of: "notes\n", with: "notes\nmore notes\n") }
    let commit = try await rm.write("# Push\n- [x] QA checks stage\n- [ ] Ops deploys\nnotes\n")
    #expect(commit.foreign.map(\.revision) == [1, 2])
    #expect(commit.revision == 3)
    let expected = "# Push\n- [x] QA checks stage and prod\n- [ ] Ops deploys\nnotes\nmore notes\n"
    #expect(commit.text == expected)
    #expect(await fake.pads["mkt"]?.text == expected)
    _ = try await qa.changes(wait: 5)
    #expect(try await qa.text() == expected)
    await qa.close()
    await rm.close()
    await fake.stop()
  }

  @Test func browsersTypingAtOnceConverge() async throws {
    let (fake, base) = try await Self.server("start\n")
    let browsers = try await [
      FakeBrowser(baseURL: base, padID: "mkt", name: "a"), FakeBrowser(baseURL: base, padID: "mkt", name: "b"),
      FakeBrowser(baseURL: base, padID: "mkt", name: "c"),
    ]
    try await withThrowingTaskGroup(of: Void.self) { group in
      for (index, browser) in browsers.enumerated() {
        group.addTask {
          for round in 0..<8 {
            try await browser.type { text in
              var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
              lines.insert("b\(index)r\(round)", at: min(round % 3, lines.count - 1))
              return lines.joined(separator: "\n")
            }
          }
        }
      }
      try await group.waitForAll()
    }
    let head = try #require(await fake.pads["mkt"]?.text)
    for browser in browsers {
      var seen = try await browser.text()
      let deadline = Date().addingTimeInterval(5)
      while seen != head && Date() < deadline {
        _ = try await browser.changes(wait: 0.2)
        seen = try await browser.text()
      }
      #expect(seen == head, "\(seen.debugDescription) vs \(head.debugDescription)")
    }
    for index in 0..<3 {
      for round in 0..<8 { #expect(head.contains("b\(index)r\(round)\n")) }
    }
    #expect(head.hasSuffix("start\n"))
    for browser in browsers { await browser.close() }
    await fake.stop()
  }

  @Test func anHTTPSetTextReachesTheSocketsAsTheSystemAuthor() async throws {
    let (fake, base) = try await Self.server()
    let rm = try await FakeBrowser(baseURL: base, padID: "mkt", name: "pushnote")
    await fake.colleagueSets("mkt", "replaced\n")
    let arrived = try await rm.changes(wait: 5)
    #expect(arrived.map(\.author) == [FakeEtherpad.systemAuthor])
    #expect(try await rm.text() == "replaced\n")
    await rm.close()
    await fake.stop()
  }

  @Test func aDeletedPadDisconnectsWithDeleted() async throws {
    let (fake, base) = try await Self.server()
    let rm = try await FakeBrowser(baseURL: base, padID: "mkt", name: "pushnote")
    await fake.delete("mkt")
    await #expect(throws: RealtimeError.deleted(padID: "mkt")) { try await rm.changes(wait: 5) }
    await fake.stop()
  }

  @Test func aSecondSocketWithTheSameTokenKicksTheFirst() async throws {
    let (fake, base) = try await Self.server()
    let token = RealtimePadConnection.Identity.makeToken()
    let first = try await FakeBrowser(baseURL: base, padID: "mkt", name: "pushnote", token: token)
    let second = try await FakeBrowser(baseURL: base, padID: "mkt", name: "pushnote", token: token)
    #expect(first.authorID == second.authorID)
    await #expect(throws: RealtimeError.duplicateAuthor(padID: "mkt")) { try await first.changes(wait: 5) }
    try await second.type { $0 + "still here\n" }
    await second.close()
    await fake.stop()
  }

  @Test(arguments: ["t.abc", "abcd", "t.abc$"])
  func anInvalidTokenIsDenied(token: String) async throws {
    let (fake, base) = try await Self.server()
    await #expect(throws: RealtimeError.accessDenied(padID: "mkt")) {
      _ = try await FakeBrowser(baseURL: base, padID: "mkt", name: "x", token: token)
    }
    await fake.stop()
  }

  @Test func aReadOnlyIDReadsButCannotWrite() async throws {
    let (fake, base) = try await Self.server()
    let readOnly = await fake.readOnlyID(of: "mkt")
    let viewer = try await FakeBrowser(baseURL: base, padID: readOnly, name: "viewer")
    #expect(try await viewer.text() == Self.note)
    await #expect(throws: RealtimeError.readOnly(padID: readOnly)) { try await viewer.type { $0 + "x\n" } }
    #expect(await fake.pads["mkt"]?.revisions.count == 1)
    await viewer.close()
    await fake.stop()
  }

  @Test func requireAuthenticationNeedsTheSessionOfThePadPage() async throws {
    let (fake, base) = try await Self.server()
    await fake.requireAuthentication(user: "rm", password: "secret")
    await #expect(throws: RealtimeError.accessDenied(padID: "mkt")) {
      _ = try await FakeBrowser(baseURL: base, padID: "mkt", name: "x")
    }
    await fake.stop()
  }

  @Test func anOldEngineIOVersionIsRefusedAsTheRealServerDoes() async throws {
    let (fake, base) = try await Self.server()
    let url = try #require(URL(string: base + "/socket.io/?EIO=3&transport=websocket"))
    let result = try await Thread.run { () -> WebSocketError? in
      do {
        _ = try WebSocketClient(url: url, timeout: FakeBrowser.timeout)
        return nil
      } catch let error as WebSocketError {
        return error
      }
    }
    #expect(result == .handshakeRefused(status: 400, body: #"{"code":5,"message":"Unsupported protocol version"}"#))
    await fake.stop()
  }

  @Test func theClientAnswersTheServersPings() async throws {
    let (fake, base) = try await Self.server()
    // The timeout is a bound for a loaded machine: pongs must come, and the socket must stay the one.
    await fake.setPing(interval: 0.1, timeout: 15)
    let rm = try await FakeBrowser(baseURL: base, padID: "mkt", name: "pushnote")
    for _ in 0..<6 { _ = try await rm.changes(wait: 0.1) }
    #expect(await fake.socketCount == 1)
    #expect(await fake.pongs >= 3)
    try await rm.type { $0 + "alive\n" }
    await rm.close()
    await fake.stop()
  }
}

/// The fake server's validation of USER_CHANGES, driven with raw messages.
@Suite struct RealtimeValidationTests {
  /// Joins the pad over a bare socket and sends one USER_CHANGES; returns what came back.
  static func send(
    _ changeset: String, baseRev: String = "0", pool: String? = nil, to base: String
  ) async throws -> [String] {
    let url = try #require(URL(string: base))
    return try await Thread.run { () throws -> [String] in
      let socket = try SocketIOClient(baseURL: url, timeout: FakeBrowser.timeout)
      func emit(_ object: [String: Any]) throws {
        try socket.emit(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), acknowledged: true)
      }
      // Reads until the answer that ends the exchange (then what follows within 0.2 s), at most 10 s:
      // a loaded machine may take seconds to answer.
      func drain(until done: (String) -> Bool) throws -> [String] {
        var seen: [String] = []
        var wait = 10.0
        while let event = try socket.receive(wait: wait) {
          switch event {
          case .message(let data): seen.append(String(decoding: data, as: UTF8.self))
          case .acknowledgement(_, let arguments): seen.append("ack " + String(decoding: arguments, as: UTF8.self))
          }
          if let last = seen.last, done(last) { wait = 0.2 }
        }
        return seen
      }
      try emit(["component": "pad", "type": "CLIENT_READY", "padId": "mkt", "token": "t.abcdefghijklmnopqrst"])
      let joined = try drain { $0.contains("CLIENT_VARS") || $0.contains("disconnect") || $0.contains("accessStatus") }
      let author =
        joined.compactMap { text -> String? in
          let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
          return (object?["data"] as? [String: Any])?["userId"] as? String
        }.first ?? ""
      let quoted = String(decoding: try JSONSerialization.data(withJSONObject: [changeset]), as: UTF8.self).dropFirst().dropLast()
      let apool = pool ?? #"{"numToAttrib":{"0":["author","\#(author)"]},"nextNum":1}"#
      let message =
        #"{"component":"pad","type":"COLLABROOM","data":{"type":"USER_CHANGES","baseRev":\#(baseRev),"#
        + #""changeset":\#(quoted),"apool":\#(apool)}}"#
      try socket.emit(Data(message.utf8), acknowledged: true)
      let answer = try drain { $0.contains("ACCEPT_COMMIT") || $0.contains("disconnect") }
      socket.close()
      return answer
    }
  }

  static func expectRefused(_ answer: [String], _ comment: Comment) {
    #expect(answer.contains(#"{"disconnect":"badChangeset"}"#), comment)
    #expect(!answer.contains { $0.contains("ACCEPT_COMMIT") }, comment)
  }

  @Test func aValidChangeIsAccepted() async throws {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    await fake.seed("mkt", "hello world\n")
    let answer = try await Self.send("Z:c>0=6-5*0+5$there", to: base)
    #expect(answer.contains { $0.contains(#""newRev":1"#) && $0.contains("ACCEPT_COMMIT") })
    #expect(await fake.pads["mkt"]?.text == "hello there\n")
    await fake.stop()
  }

  @Test(arguments: [
    ("Z:5>0=1*0+1$x", "an old length that is not the pad's"),
    ("Z:c>5=6+5$there", "an insert without the sender's author"),
    ("Z:c>1|1+1$\n", "a newline inserted without an author"),
    ("Z:c>0=6+5-5$there", "a changeset that is not canonical"),
    ("Z:c<1=a|1-1$", "a change that removes the final newline... then nothing"),
    ("Z:c>0=6-5*1+5$there", "an attribute number the message's pool lacks"),
    ("nonsense", "text that is not a changeset"),
  ])
  func aChangeTheServerWouldRefuseIsRefused(changeset: String, what: String) async throws {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    await fake.seed("mkt", "hello world\n")
    Self.expectRefused(try await Self.send(changeset, to: base), "\(what)")
    #expect(await fake.pads["mkt"]?.revisions.count == 1, "\(what)")
    await fake.stop()
  }

  @Test func anotherAuthorsInsertIsRefused() async throws {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    await fake.seed("mkt", "hello world\n")
    let pool = #"{"numToAttrib":{"0":["author","a.somebodyElse00000"]},"nextNum":1}"#
    Self.expectRefused(try await Self.send("Z:c>1*0+1$x", pool: pool, to: base), "another author")
    let system = #"{"numToAttrib":{"0":["author","a.etherpad-system"]},"nextNum":1}"#
    Self.expectRefused(try await Self.send("Z:c>1*0+1$x", pool: system, to: base), "the system author")
    await fake.stop()
  }

  @Test func aBaseRevisionThatIsAStringIsRefused() async throws {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    await fake.seed("mkt", "hello world\n")
    Self.expectRefused(try await Self.send("Z:c>1*0+1$x", baseRev: #""0""#, to: base), "a string baseRev")
    await fake.stop()
  }

  @Test func aMessageWithoutThePadComponentIsErrorAcknowledged() async throws {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    let url = try #require(URL(string: base))
    let answer = try await Thread.run { () throws -> String in
      let socket = try SocketIOClient(baseURL: url, timeout: FakeBrowser.timeout)
      try socket.emit(Data(#"{"type":"CLIENT_READY"}"#.utf8), acknowledged: true)
      guard case .acknowledgement(_, let arguments)? = try socket.receive(wait: 5) else { return "" }
      socket.close()
      return String(decoding: arguments, as: UTF8.self)
    }
    #expect(answer.contains("unknown message component"))
    await fake.stop()
  }

  @Test func theRateLimitDisconnectsTheMessageOverTheLimit() async throws {
    let fake = FakeEtherpad()
    let base = try await fake.start()
    await fake.seed("mkt", "hello world\n")
    await fake.limitSocketMessages(to: 1, per: 60)
    let answer = try await Self.send("Z:c>1*0+1$x", to: base)
    #expect(answer.contains(#"{"disconnect":"rateLimited"}"#))
    #expect(await fake.pads["mkt"]?.revisions.count == 1)
    await fake.stop()
  }
}

extension Thread {
  /// Runs blocking socket code on a thread of its own, off the cooperative pool the fake server
  /// needs.
  static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread {
        do {
          continuation.resume(returning: try body())
        } catch {
          continuation.resume(throwing: error)
        }
      }
    }
  }
}
