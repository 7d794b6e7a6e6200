import Foundation
import Testing

@testable import PushnoteCore

/// The changeset codec on the worked examples of the realtime protocol (sections 4, 6 and 7).
@Suite struct ChangesetTests {
  /// A pool whose `*0` is the colleague and `*1` pushnote, as the pad's pool is after both wrote.
  static func padPool() -> AttributePool {
    var pool = AttributePool()
    _ = pool.put(.init("author", "a.colleague"))
    _ = pool.put(.init("author", "a.pushnote"))
    return pool
  }

  @Test func unpacksTheFieldsOfAChangeset() throws {
    let changeset = try Changeset(packed: "Z:c>5=6*0+5$there")
    #expect(changeset.oldLength == 12)
    #expect(changeset.newLength == 17)
    #expect(changeset.operations == [.init(.keep, characters: 6), .init(.insert, characters: 5, attributes: [0])])
    #expect(changeset.charBank == "there")
    #expect(try changeset.validated().apply(to: "hello world\n") == "hello thereworld\n")
  }

  @Test func packsLengthsInBase36AndShrinkingWithLessThan() throws {
    let changeset = Changeset(
      oldLength: 36, newLength: 1, operations: [.init(.remove, characters: 35, lines: 35, attributes: [10, 36])], charBank: "")
    #expect(changeset.packed == "Z:10<z*a*10|z-z$")
    #expect(try Changeset(packed: changeset.packed) == changeset)
  }

  @Test func countsLengthsInUTF16CodeUnits() throws {
    let changeset = Changeset.between("é\n", "é😀\n", insertAttributes: [0])
    #expect(changeset.packed == "Z:2>2=1*0+2$😀")
    #expect(try changeset.validated().apply(to: "é\n") == "é😀\n")
  }

  @Test func buildsTheSmallestChangesetOfTheSpecExample() throws {
    let old = "# Title\nold line\nkeep\n", new = "# Title\nnew line\nkeep\nadded\n"
    let built = Changeset.between(old, new, insertAttributes: [0])
    #expect(built.packed == "Z:m>6|1=8-3*0+3|2=b*0|1+6$newadded\n")
    #expect(try built.validated().apply(to: old) == new)
    let lineLevel = try Changeset(packed: "Z:m>6|1=8|1-9*0|1+9|1=5*0|1+6$new line\nadded\n")
    #expect(try lineLevel.validated().apply(to: old) == new)
  }

  @Test func neverCutsASurrogatePair() throws {
    // 😀 and 😃 share their lead surrogate; the change must replace the whole pair.
    let built = Changeset.between("a😀b\n", "a😃b\n", insertAttributes: [0])
    #expect(built.packed == "Z:5>0=1-2*0+2$😃")
    #expect(try built.validated().apply(to: "a😀b\n") == "a😃b\n")
  }

  @Test func keepsThePadsLastNewlineLast() throws {
    let removal = Changeset.between("a\nb\n", "a\n", insertAttributes: [0])
    #expect(removal.packed == "Z:4<2=1|1-1-1$")
    let replacement = Changeset.between("a\nb\n", "a\nb", insertAttributes: [0])
    #expect(try replacement.apply(to: "a\nb\n") == "a\nb")
    let addition = Changeset.between("x\n", "x\ny\n", insertAttributes: [0])
    #expect(addition.packed == "Z:2>2|1=2*0|1+2$y\n")
    #expect(try addition.validated().apply(to: "x\n") == "x\ny\n")
    // A colleague appending to the last line while pushnote removes it keeps the final newline.
    var pool = Self.padPool()
    let colleague = Changeset.between("a\nb\n", "a\nbc\n", insertAttributes: [0])
    #expect(try removal.follow(colleague, pool: &pool).apply(to: removal.apply(to: "a\nb\n")) == "ac\n")
  }

  @Test func identicalTextsGiveTheIdentity() throws {
    let built = Changeset.between("same\n", "same\n", insertAttributes: [0])
    #expect(built.packed == "Z:5>0$")
    #expect(built.isIdentity)
  }

  @Test func followsAColleaguesRevisionAsTheServerDoes() throws {
    var pool = Self.padPool()
    let colleague = try Changeset(packed: "Z:c>4=6*0+4$big ")
    // pushnote's changeset in its own message pool, where *0 is pushnote.
    var messagePool = AttributePool()
    _ = messagePool.put(.init("author", "a.pushnote"))
    let mine = try messagePool.renumber(Changeset(packed: "Z:c>0=6-5*0+5$there"), into: &pool)
    #expect(mine.packed == "Z:c>0=6-5*1+5$there")
    let rebased = try colleague.follow(mine, pool: &pool)
    #expect(rebased.packed == "Z:g>0=a-5*1+5$there")
    #expect(try rebased.apply(to: colleague.apply(to: "hello world\n")) == "hello big there\n")
  }

  @Test func insertsAtTheSameSpotPutTheStoredRevisionFirst() throws {
    var pool = Self.padPool()
    let stored = try Changeset(packed: "Z:c>1*0+1$X"), mine = try Changeset(packed: "Z:c>1*1+1$Y")
    let rebased = try stored.follow(mine, pool: &pool)
    #expect(rebased.packed == "Z:d>1=1*1+1$Y")
    #expect(try rebased.apply(to: stored.apply(to: "hello world\n")) == "XYhello world\n")
    #expect(try stored.follow(mine, reverse: true, pool: &pool).packed == "Z:d>1*1+1$Y")
  }

  @Test func textTheColleagueDeletedIsGoneFromTheRebasedChange() throws {
    var pool = Self.padPool()
    let stored = try Changeset(packed: "Z:c<6-6$"), mine = try Changeset(packed: "Z:c>0=6-5*1+5$there")
    let rebased = try stored.follow(mine, pool: &pool)
    #expect(rebased.packed == "Z:6>0-5*1+5$there")
    #expect(try rebased.apply(to: stored.apply(to: "hello world\n")) == "there\n")
  }

  @Test func anInsertStartingWithANewlineGoesSecond() throws {
    var pool = Self.padPool()
    let stored = try Changeset(packed: "Z:2>1=1*0|1+1$\n"), mine = try Changeset(packed: "Z:2>1=1*1+1$Y")
    let rebased = try stored.follow(mine, pool: &pool)
    #expect(try rebased.apply(to: stored.apply(to: "a\n")) == "aY\n\n")
  }

  @Test func composesTwoRevisionsIntoOne() throws {
    var pool = Self.padPool()
    let first = try Changeset(packed: "Z:c>4=6*0+4$big "), second = try Changeset(packed: "Z:g>0=a-5*1+5$there")
    let composed = try first.composed(with: second, pool: &pool)
    #expect(composed.packed == "Z:c>4=6-5*0+4*1+5$big there")
    #expect(try composed.validated().apply(to: "hello world\n") == "hello big there\n")
  }

  @Test(arguments: [
    ("Z:5>0=2=1$", "a trailing keep that is not merged"),
    ("Z:5>0=2$", "a trailing plain keep"),
    ("Z:5>0+1-1$x", "an insert before a remove"),
    ("Z:5>0-1-1+2$xy", "removes not merged"),
    ("Z:5>1|1+1$x", "an insert claiming a newline it does not hold"),
    ("Z:3>2|1+2$\nx", "a multi-line insert not ending with a newline"),
    ("Z:5>0=6$", "ops past the old length"),
    ("Z:5>1+1$xyz", "a bank with unused characters"),
    ("Z:5>3+1$x", "a wrong new length"),
    ("Z:9>0*0=1|1=3=5$", "a keep without attributes that should be merged"),
    ("Z:5>0=0$", "an op of no characters"),
  ])
  func refusesWhatCheckRepRefuses(packed: String, what: String) throws {
    let changeset = try Changeset(packed: packed)
    #expect(throws: ChangesetError.self, "\(what)") { try changeset.validated() }
  }

  @Test(arguments: ["Z:6>0$", "Z:9>0|1=4=1*0=2$", "Z:a>0|2=5-2*0+2$xy", "Z:5>1*0|1+1$\n"])
  func acceptsCanonicalChangesets(packed: String) throws {
    #expect(try Changeset(packed: packed).validated().packed == packed)
  }

  @Test(arguments: [
    ("X:5>0$", 0), ("Z:5", 3), ("Z:5>0=1", 7), ("Z:5>0=1?$", 7), ("Z:5>0=A$", 6), ("Z:5<6$", 5), ("Z:>0$", 2),
  ])
  func namesWhereMalformedTextStops(packed: String, offset: Int) {
    #expect {
      try Changeset(packed: packed)
    } throws: { error in
      guard case ChangesetError.malformed(let at, _) = error else { return false }
      return at == offset
    }
  }

  @Test func refusesToApplyToTheWrongBase() throws {
    let changeset = try Changeset(packed: "Z:c>4=6*0+4$big ")
    #expect(throws: ChangesetError.self) { try changeset.apply(to: "hello\n") }
    let newlines = try Changeset(packed: "Z:6>0|1=3$")
    #expect(throws: ChangesetError.self) { try newlines.apply(to: "hello\n") }
    #expect(try Changeset(packed: "Z:6>0|1=6$").apply(to: "hello\n") == "hello\n")
  }

  @Test func readsAndWritesThePoolAsTheServerSendsIt() throws {
    let json = #"{"numToAttrib":{"0":["author","a.x"],"2":["bold","true"]},"attribToNum":{"author,a.x":0},"nextNum":3}"#
    var pool = try JSONDecoder().decode(AttributePool.self, from: Data(json.utf8))
    #expect(try pool.attribute(0) == .init("author", "a.x"))
    #expect(try pool.attribute(2) == .init("bold", "true"))
    #expect(throws: ChangesetError.unknownAttribute(number: 1)) { try pool.attribute(1) }
    #expect(pool.put(.init("author", "a.y")) == 3)
    let written = try JSONSerialization.jsonObject(with: JSONEncoder().encode(pool)) as? [String: Any]
    #expect(written?["nextNum"] as? Int == 4)
    #expect((written?["numToAttrib"] as? [String: [String]])?["3"] == ["author", "a.y"])
    #expect(written?["attribToNum"] == nil)
    let server = pool.serverJSONObject["attribToNum"] as? [String: Int]
    #expect(server?["author,a.y"] == 3)
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(AttributePool.self, from: Data(#"{"nextNum":1}"#.utf8)) }
  }

  @Test func authorshipFollowsEveryChange() throws {
    var pool = Self.padPool()
    var text = try AttributedText(text: "hello world\n", attributes: Changeset.unpackOperations("*0+b|1+1"))
    try text.apply(Changeset(packed: "Z:c>0=6-5*1+5$there"), pool: &pool)
    #expect(text.text == "hello there\n")
    #expect(Changeset.pack(text.attributes) == "*0+6*1+5|1+1")
    let authors = try text.values(of: "author", pool: pool)
    #expect(authors.prefix(6).allSatisfy { $0 == "a.colleague" })
    #expect(authors[6..<11].allSatisfy { $0 == "a.pushnote" })
    #expect(authors[11] == nil)
  }
}
