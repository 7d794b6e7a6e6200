/// An Etherpad attribute pool: the numbers changesets write as `*n`, each standing for a
/// key-value pair such as `["author", "a.x"]`.
///
/// Its JSON form is `{"numToAttrib":{"0":["author","a.x"]},"nextNum":1}`; the server adds
/// `attribToNum` in NEW_CHANGES, which reading ignores (it is rebuilt from `numToAttrib`).
public struct AttributePool: Sendable, Hashable, Codable {
  /// One attribute: a key and its value (an empty value clears the key in a keep).
  public struct Attribute: Sendable, Hashable {
    /// The key, such as `author`.
    public var key: String
    /// The value, such as an author id.
    public var value: String

    /// An attribute from its key and value.
    public init(_ key: String, _ value: String) {
      self.key = key
      self.value = value
    }
  }

  /// The attributes by number.
  public private(set) var attributes: [Int: Attribute] = [:]
  /// The number the next new attribute gets.
  public private(set) var nextNumber = 0
  private var numbers: [Attribute: Int] = [:]

  /// An empty pool.
  public init() {}

  /// The attribute numbered `number`.
  ///
  /// - Throws: ``ChangesetError/unknownAttribute(number:)``.
  public func attribute(_ number: Int) throws(ChangesetError) -> Attribute {
    guard let attribute = attributes[number] else { throw .unknownAttribute(number: number) }
    return attribute
  }

  /// The number of `attribute`, if the pool holds it.
  public func number(of attribute: Attribute) -> Int? { numbers[attribute] }

  /// The number of `attribute`, added to the pool if it is new.
  public mutating func put(_ attribute: Attribute) -> Int {
    if let number = numbers[attribute] { return number }
    let number = nextNumber
    attributes[number] = attribute
    numbers[attribute] = number
    nextNumber += 1
    return number
  }

  /// The changeset with its attribute numbers taken from this pool into `target`
  /// (`moveOpsToNewPool`).
  ///
  /// - Throws: ``ChangesetError/unknownAttribute(number:)`` for a number this pool does not hold.
  public func renumber(_ changeset: Changeset, into target: inout AttributePool) throws(ChangesetError) -> Changeset {
    var result = changeset
    for index in result.operations.indices {
      var numbers: [Int] = []
      for number in result.operations[index].attributes { numbers.append(target.put(try attribute(number))) }
      result.operations[index].attributes = numbers
    }
    return result
  }

  private enum CodingKeys: String, CodingKey {
    case numToAttrib, attribToNum, nextNum
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let table = try container.decode([String: [String]].self, forKey: .numToAttrib)
    for (key, pair) in table {
      guard let number = Int(key), number >= 0, pair.count == 2 else {
        throw DecodingError.dataCorruptedError(
          forKey: .numToAttrib, in: container, debugDescription: "an entry is not \"<n>\": [key, value]")
      }
      attributes[number] = Attribute(pair[0], pair[1])
      numbers[Attribute(pair[0], pair[1])] = number
    }
    let highest = (attributes.keys.max() ?? -1) + 1
    nextNumber = max(highest, try container.decodeIfPresent(Int.self, forKey: .nextNum) ?? highest)
  }

  /// Encodes `numToAttrib` and `nextNum`, as a client sends its pool.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(
      Dictionary(uniqueKeysWithValues: attributes.map { (String($0.key), [$0.value.key, $0.value.value]) }), forKey: .numToAttrib)
    try container.encode(nextNumber, forKey: .nextNum)
  }

  /// The JSON object a server sends with NEW_CHANGES: `numToAttrib`, `attribToNum` and `nextNum`.
  public var serverJSONObject: [String: Any] {
    [
      "numToAttrib": Dictionary(uniqueKeysWithValues: attributes.map { (String($0.key), [$0.value.key, $0.value.value]) }),
      "attribToNum": Dictionary(uniqueKeysWithValues: attributes.map { ("\($0.value.key),\($0.value.value)", $0.key) }),
      "nextNum": nextNumber,
    ]
  }
}
