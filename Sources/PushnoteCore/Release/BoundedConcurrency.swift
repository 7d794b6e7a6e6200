/// Runs work on many items with at most a given number at a time.
enum BoundedConcurrency {
  /// Applies `body` to every item, at most `limit` at once, and returns the results in the items' order.
  static func map<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async -> Result
  ) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
      var results = [Result?](repeating: nil, count: items.count)
      var next = 0
      func startNext() {
        guard next < items.count else { return }
        let index = next
        let item = items[index]
        group.addTask { (index, await body(item)) }
        next += 1
      }
      for _ in 0..<max(1, limit) { startNext() }
      while let (index, result) = await group.next() {
        results[index] = result
        startNext()
      }
      return results.compactMap { $0 }
    }
  }
}
